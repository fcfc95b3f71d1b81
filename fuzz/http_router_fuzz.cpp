// Fuzzes routing: arbitrary request-targets through a router with literal, parameter and
// wildcard routes. No crash; every answer is one a router may give (200 from a route, 400,
// 404 or 405); a 200's captured parameters decode to what the route echoes.
#include <weft/http/router.hpp>
#include <weft/http/test_client.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using weft::task;
using weft::http::request;
using weft::http::response;
using weft::http::status;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

// Not a coroutine: clang 14 cannot emit coroutines in a -fsanitize=fuzzer TU ("Cannot
// represent a difference across sections").
task<response> echo(request& r) {
    std::string out(r.route());
    for (const auto& p : r.params()) {
        out += '|';
        out += p.value;
    }
    return weft::http::ready(response::text(status::ok, out));
}

weft::http::test_client& client() {
    static weft::http::test_client c([] {
        weft::http::router app;
        app.get("/", echo)
            .get("/users/{id}", echo)
            .put("/users/{id}", echo)
            .get("/users/me", echo)
            .get("/users/{id}/posts/{post}", echo)
            .get("/files/{*path}", echo)
            .post("/a/b/c", echo);
        return app.to_handler();
    }());
    return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    // The first byte picks the method; the rest is the request-target as sent.
    static constexpr std::string_view methods[] = {"GET",  "HEAD",    "PUT",
                                                   "POST", "OPTIONS", "DELETE"};
    const std::string_view method = methods[data[0] % std::size(methods)];
    const std::string target(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::string raw = std::string(method) + " " + target + " HTTP/1.1\r\nHost: f\r\n\r\n";
    const auto r = client().send_raw(raw);
    const auto code = static_cast<int>(r.status);
    // What routing answers, or what the parser refuses the request with (a target can carry
    // CR LF and so end the request line early: "h HTTP/2.1" is a 505).
    check(code == 200 || code == 204 || code == 400 || code == 404 || code == 405 || code == 411 ||
          code == 413 || code == 414 || code == 431 || code == 501 || code == 505);
    if (code == 405) {
        check(r.header("Allow").has_value());
    }
    if (code == 200 && method != "HEAD") {
        check(!r.body.empty() && r.body.front() == '/');
    }
    return 0;
}
