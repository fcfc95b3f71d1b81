#pragma once

#include <weft/expected.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace weft::server {

/// Serves the files under one directory: GET and HEAD, index.html for directories,
/// media types by extension, ETag and Last-Modified with If-None-Match / If-Modified-Since
/// (304), bodies sent with sendfile. Nothing outside the root is reachable: the path is made
/// safe first (http::make_safe_path: "..", "%2e%2e", "%2f", NUL → 400) and then opened with
/// openat2(RESOLVE_BENEATH), so a symlink that leaves the root is refused too (403).
/// Immutable after open(): one instance can serve every thread.
class static_files {
  public:
    static expected<static_files, std::error_code> open(const std::string& root);
    static_files(static_files&&) noexcept;
    static_files& operator=(static_files&&) = delete;
    ~static_files();

    /// The response for `head` (never throws for a bad request: it answers 4xx).
    [[nodiscard]] http::response respond(const http::request_head& head) const;

  private:
    explicit static_files(int root_fd) noexcept : root_fd_(root_fd) {}
    int root_fd_ = -1;
};

} // namespace weft::server
