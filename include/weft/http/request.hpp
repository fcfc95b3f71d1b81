#pragma once

// What a handler sees of one request: the parsed head, the collected body, the peer, and the
// path parameters the router captured.

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/http/form.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/io/task.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace weft::http {

/// One path parameter captured by the router: `{id}` in `/users/{id}` → ("id", "42").
/// The value is percent-decoded once (`%2F` becomes '/', which is only a character here).
struct path_param {
    std::string_view name; ///< the name in the route pattern (lives as long as the router)
    std::string value;     ///< decoded
};

/// Where a streamed request body comes from (the connection, or a test). See
/// `request::read_body`.
class body_source {
  public:
    virtual ~body_source() = default;
    /// The next piece of the body, valid until the next call; empty once the body is
    /// complete. Errors: the body was malformed (an `http_errc`), took too long
    /// (`errc::timed_out`), or the peer left.
    virtual task<expected<std::string_view, std::error_code>> next() = 0;
    /// Whether the whole body has been read.
    [[nodiscard]] virtual bool finished() const noexcept = 0;
};

/// A request as handlers and middleware see it.
///
/// The head and the body are views into the connection's buffers (see `request_head`): valid
/// until the handler's task has finished; copy what must live longer. The router fills the
/// path parameters and the matched route before it calls the handler; middleware may read
/// and add to `values` (a small string map for passing data down the chain, e.g. a user id).
class request {
  public:
    request(const request_head& head, std::string_view body, addr::socket_address peer = {})
        : head_(&head), body_(body), peer_(peer) {}

    /// The parsed head (method, target, version, headers, framing).
    [[nodiscard]] const request_head& head() const noexcept { return *head_; }
    /// The method token, case-sensitive ("GET").
    [[nodiscard]] std::string_view method() const noexcept { return head_->method; }
    /// The raw request-target ("/a%20b?x=1").
    [[nodiscard]] std::string_view target() const noexcept { return head_->target; }
    /// The raw path of the target: origin-form up to '?', or the path of an absolute-form
    /// target ("http://h/p?q" → "/p", RFC 9112 §3.2.2); "*" for `OPTIONS *`. Not decoded.
    [[nodiscard]] std::string_view path() const noexcept;
    /// The raw query after '?' (without it), "" when there is none. Not decoded.
    [[nodiscard]] std::string_view raw_query() const noexcept;
    /// The query decoded as `application/x-www-form-urlencoded` (WHATWG URL §5.1).
    [[nodiscard]] expected<form_data, form_error> query() const {
        return form_data::parse(raw_query());
    }
    /// The body decoded as a form, when Content-Type is application/x-www-form-urlencoded;
    /// an error at offset 0 naming the content type otherwise.
    [[nodiscard]] expected<form_data, form_error> form() const;
    /// The collected body (de-chunked); "" when the body is streamed (see `streamed`).
    [[nodiscard]] std::string_view body() const noexcept { return body_; }
    /// Whether the body is streamed: it is read piece by piece with `read_body` instead of
    /// being collected before the handler runs (for routes added with `router::stream`).
    [[nodiscard]] bool streamed() const noexcept { return source_ != nullptr; }
    /// The next piece of the body, valid until the next call; empty at the end. Works for
    /// both kinds: a collected body comes back whole on the first call. A handler that
    /// returns before the end of a streamed body gets its connection closed after the
    /// response (the rest is not read).
    [[nodiscard]] task<expected<std::string_view, std::error_code>> read_body();
    /// Makes the body streamed from `source` (the connection does this; tests may too).
    void set_body_source(body_source* source) noexcept { source_ = source; }
    /// Whether Content-Type names the media type `media` ("application/json"), compared
    /// case-insensitively and ignoring parameters ("; charset=utf-8").
    [[nodiscard]] bool has_media_type(std::string_view media) const noexcept;
    /// The first header named `name` (ASCII case-insensitive).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept {
        return head_->find(name);
    }
    /// The peer's address; unspecified (port 0) for in-process requests.
    [[nodiscard]] const addr::socket_address& peer() const noexcept { return peer_; }

    /// The path parameter `name`, decoded, or nullopt.
    [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const noexcept;
    /// Every path parameter, in pattern order.
    [[nodiscard]] const std::vector<path_param>& params() const noexcept { return params_; }
    /// The route pattern that matched ("/users/{id}"), "" before routing or when none did.
    [[nodiscard]] std::string_view route() const noexcept { return route_; }

    /// Set by the router.
    void set_match(std::string_view route, std::vector<path_param> params) {
        route_ = route;
        params_ = std::move(params);
    }

    /// Values middleware passes down the chain (name → value; the last set wins).
    void set_value(std::string name, std::string value);
    [[nodiscard]] std::optional<std::string_view> value(std::string_view name) const noexcept;

  private:
    const request_head* head_;
    std::string_view body_;
    body_source* source_ = nullptr;
    bool body_taken_ = false;
    addr::socket_address peer_;
    std::string_view route_;
    std::vector<path_param> params_;
    std::vector<std::pair<std::string, std::string>> values_;
};

} // namespace weft::http
