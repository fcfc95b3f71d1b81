#pragma once

#include <weft/expected.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace weft::server {

/// What a `static_files` instance serves besides plain files.
struct static_files_options {
    /// A directory without index.html gets an HTML listing; when false it gets 403 (nginx).
    bool directory_listing = false;
    /// Send `file.br`, `file.zst` or `file.gz`, when it exists as a regular file beside `file`
    /// and the client accepts that coding, with Content-Encoding and its own ETag.
    bool precompressed = true;
    /// Compress compressible types (http::is_compressible) on the fly with br, zstd or gzip
    /// when no precompressed sibling exists.
    bool compress = true;
    /// Files larger than this are never compressed on the fly (they go out identity, with
    /// sendfile): compressing costs CPU per request and the whole body in memory.
    std::size_t compress_max = 4 * 1024 * 1024;
    /// false: symlinks are followed only while they stay beneath the root (openat2
    /// RESOLVE_BENEATH), so one that leaves it gets 403 and nothing outside the root is ever
    /// served (nginx's `disable_symlinks if_not_owner` in spirit). true: symlinks are
    /// followed wherever they point (nginx's default, `disable_symlinks off`); the request
    /// path itself still cannot climb out with "..".
    bool follow_symlinks = false;
    /// The open-file cache (file_cache), one per thread: how many files each thread keeps
    /// open, with their validators and, up to 16 KiB, their content (0: no cache; every
    /// request opens, stats and reads its file).
    std::size_t cache_entries = 1024;
    /// How long a cached file is trusted before it is opened and compared again (nginx's
    /// open_file_cache_valid): a file changed or removed on disk is seen within this time.
    std::chrono::milliseconds cache_valid{1000};
};

/// Serves the files under one directory, as nginx's static module does: GET and HEAD,
/// index.html for directories (or a listing, or 403), media types by extension, validators
/// (ETag, Last-Modified) with the conditional requests of RFC 9110 §13 (304, 412), byte
/// ranges (RFC 9110 §14: 206, multipart/byteranges, 416, If-Range), precompressed siblings
/// and on-the-fly compression (br, zstd, gzip) with `Vary: Accept-Encoding`.
///
/// Nothing outside the root is reachable: the path is made safe first (http::make_safe_path:
/// "..", "%2e%2e", "%2f", NUL → 400) and then opened with openat2(RESOLVE_BENEATH), so a
/// symlink is refused too (403) unless `follow_symlinks`. Bodies of more than 16 KiB that are
/// not compressed go out with sendfile.
/// Files are kept open in a per-thread cache (see static_files_options::cache_entries), so a
/// small file costs no syscall at all while it is fresh.
/// Immutable after open(): one instance can serve every thread.
class static_files {
  public:
    /// Opens the directory `root`; the error is open(2)'s errno (ENOENT, ENOTDIR, EACCES).
    static expected<static_files, std::error_code> open(const std::string& root,
                                                        static_files_options options = {});
    static_files(static_files&&) noexcept;
    static_files& operator=(static_files&&) = delete;
    ~static_files();

    /// The response for `head` (never throws for a bad request: it answers 4xx).
    /// Thread-safe: it reads the root descriptor and the options, and uses the calling
    /// thread's open-file cache.
    [[nodiscard]] http::response respond(const http::request_head& head) const;

    /// The options given to open().
    [[nodiscard]] const static_files_options& options() const noexcept { return options_; }

  private:
    static_files(int root_fd, static_files_options options);
    int root_fd_ = -1;
    static_files_options options_;
    // Names this instance's cache in each thread's registry; the caches of an instance that
    // is gone are dropped when the thread next meets a new instance (`alive_` expired).
    std::uint64_t cache_id_ = 0;
    std::shared_ptr<const int> alive_;
};

} // namespace weft::server
