#pragma once

// Sending requests through a handler (a router with its middleware) with no socket, so
// handlers can be unit-tested like axum's `Router::oneshot`.

#include <weft/http/handler.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>
#include <weft/io/loop.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::http {

/// What came back: the status, the headers as the handler set them, and the body (a file
/// body is read into `body`; HEAD, 1xx, 204 and 304 have none, as on the wire).
struct test_response {
    http::status status = http::status::ok;
    std::vector<response::header> headers;
    std::string body;

    /// The first header named `name` (case-insensitively), or nullopt.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// Runs requests through a handler on a private event loop, one at a time.
///
/// Requests are written as on the wire and go through the server's own parser (so a
/// malformed request gets the status the server would answer), with `Host` added when
/// absent and `Content-Length` set from the body. An exception from the handler becomes a
/// 500, as in the server. Not thread-safe.
class test_client {
  public:
    using headers = std::vector<std::pair<std::string, std::string>>;

    /// Throws std::system_error when no event loop can be created. Requests for which
    /// `stream_body` is true (e.g. `router::stream_predicate()`) get their body streamed, in
    /// pieces of at most `piece_size` bytes, as the server would.
    explicit test_client(handler h, parser_limits limits = {},
                         std::function<bool(const request_head&)> stream_body = {},
                         std::size_t piece_size = 4096);
    ~test_client();
    test_client(const test_client&) = delete;
    test_client& operator=(const test_client&) = delete;

    /// `method target` with `body` and `extra` headers.
    test_response send(std::string_view method, std::string_view target, std::string_view body = {},
                       const headers& extra = {});
    test_response get(std::string_view target, const headers& extra = {}) {
        return send("GET", target, {}, extra);
    }
    test_response post(std::string_view target, std::string_view body, const headers& extra = {}) {
        return send("POST", target, body, extra);
    }
    /// A whole request as raw bytes (head and body), parsed exactly as the server would.
    test_response send_raw(std::string_view text);

  private:
    handler handler_;
    parser_limits limits_;
    std::function<bool(const request_head&)> stream_body_;
    std::size_t piece_size_;
    std::unique_ptr<io::loop> loop_;
};

} // namespace weft::http
