#pragma once

#include <weft/expected.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>

#include <cstddef>
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
    /// Thread-safe: it reads only the root descriptor and the options.
    [[nodiscard]] http::response respond(const http::request_head& head) const;

    /// The options given to open().
    [[nodiscard]] const static_files_options& options() const noexcept { return options_; }

  private:
    static_files(int root_fd, static_files_options options) noexcept
        : root_fd_(root_fd), options_(options) {}
    int root_fd_ = -1;
    static_files_options options_;
};

} // namespace weft::server
