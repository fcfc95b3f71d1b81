#pragma once

// Routing requests to handlers by method and path pattern, with middleware around them.

#include <weft/http/handler.hpp>

#include <functional>
#include <memory>
#include <string_view>

namespace weft::http {

/// Routes requests by method and path pattern (like axum's Router or httprouter).
///
/// Patterns are absolute paths made of segments: literals (`/users`), parameters that match
/// one non-empty segment (`/users/{id}`), and a final wildcard that matches the rest of the
/// path, slashes included, possibly empty (`/files/{*path}`). A literal beats a parameter,
/// which beats a wildcard, whatever the order of registration. Matching is on the raw path
/// (so an encoded "%2F" stays inside its segment); parameter values are then percent-decoded
/// once, and a bad escape or an encoded NUL is answered with 400.
///
/// When no pattern matches: 404 (or the fallback). When a pattern matches but not the
/// method: 405 with `Allow`. HEAD is served by the GET handler unless one is registered
/// (the server sends no body for HEAD), and OPTIONS is answered with 204 and `Allow` unless
/// one is registered; `OPTIONS *` lists every method the router serves.
///
/// Middleware added with `use` wraps everything, routing included, in the order added (the
/// first is outermost), so it also sees 404s and 405s. Configure before serving; a router is
/// cheap to copy (it shares its routes), and `handle` may be called from any thread once
/// configuration is done.
class router {
  public:
    router();

    /// Adds `h` for `method` on `pattern`. Throws std::invalid_argument (start-up
    /// configuration) for a malformed pattern ("users", "/{}", "/{*a}/b", "/a{b}") or a
    /// method and pattern already routed, conflicting parameter names included
    /// ("/u/{id}" then "/u/{name}").
    router& route(std::string_view method, std::string_view pattern, handler h);
    router& get(std::string_view pattern, handler h) { return route("GET", pattern, std::move(h)); }
    router& post(std::string_view pattern, handler h) {
        return route("POST", pattern, std::move(h));
    }
    router& put(std::string_view pattern, handler h) { return route("PUT", pattern, std::move(h)); }
    router& patch(std::string_view pattern, handler h) {
        return route("PATCH", pattern, std::move(h));
    }
    router& del(std::string_view pattern, handler h) {
        return route("DELETE", pattern, std::move(h));
    }

    /// As `route`, but the request body is not collected first: the handler reads it piece
    /// by piece with `request::read_body` (uploads larger than memory should hold). Takes
    /// effect when the server is given `stream_predicate()` (server_options::stream_body).
    router& stream(std::string_view method, std::string_view pattern, handler h);

    /// Whether `head` is for a streamed route (it has a body, and its method and path match
    /// a route added with `stream`).
    [[nodiscard]] bool streams(const request_head& head) const;

    /// `streams` as a predicate for server_options::stream_body; empty when no route streams.
    [[nodiscard]] std::function<bool(const request_head&)> stream_predicate() const;

    /// Adds middleware around everything added so far and later (the first added runs first).
    router& use(middleware m);

    /// Answers requests that match no pattern (instead of 404), e.g. static files.
    router& fallback(handler h);

    /// Routes `r` through the middleware to its handler.
    [[nodiscard]] task<response> handle(request& r) const;

    /// A handler that calls `handle` on a copy of this router (which shares its routes).
    [[nodiscard]] handler to_handler() const;

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace weft::http
