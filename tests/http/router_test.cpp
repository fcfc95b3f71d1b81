// The router through the in-process test client: patterns, parameters, wildcards, 404/405,
// automatic HEAD and OPTIONS, middleware order, errors in patterns and in handlers.

#include <weft/http/router.hpp>
#include <weft/http/test_client.hpp>

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace {

using weft::task;
using weft::http::request;
using weft::http::response;
using weft::http::router;
using weft::http::status;
using weft::http::test_client;

// Answers "<route> <name>=<value>..." so tests see what matched and what was captured.
task<response> describe_match(request& r) {
    std::string out(r.route());
    for (const auto& p : r.params()) {
        out += " " + std::string(p.name) + "=" + p.value;
    }
    co_return response::text(status::ok, out);
}

router sample_router() {
    router app;
    app.get("/", describe_match)
        .get("/users", describe_match)
        .post("/users", describe_match)
        .get("/users/me", describe_match)
        .get("/users/{id}", describe_match)
        .del("/users/{id}", describe_match)
        .get("/users/{id}/posts/{post}", describe_match)
        .get("/files/{*path}", describe_match)
        .get("/caf\xc3\xa9", describe_match);
    return app;
}

TEST(router, literal_routes_match_exactly) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/").body, "/");
    EXPECT_EQ(c.get("/users").body, "/users");
    EXPECT_EQ(c.post("/users", "{}").body, "/users");
    EXPECT_EQ(c.get("/users?sort=name").body, "/users");   // the query is not the path
    EXPECT_EQ(c.get("/users/").status, status::not_found); // a trailing slash is another path
}

TEST(router, literals_beat_parameters_whatever_the_order) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/users/me").body, "/users/me");
    EXPECT_EQ(c.get("/users/42").body, "/users/{id} id=42");
}

TEST(router, parameters_are_percent_decoded_once) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/users/a%20b").body, "/users/{id} id=a b");
    EXPECT_EQ(c.get("/users/a%2Fb").body, "/users/{id} id=a/b"); // stays one segment
    EXPECT_EQ(c.get("/users/%2541").body, "/users/{id} id=%41"); // not twice
    EXPECT_EQ(c.get("/users/7/posts/x%3Fy").body, "/users/{id}/posts/{post} id=7 post=x?y");
}

TEST(router, bad_escapes_in_parameters_are_400) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/users/%zz").status, status::bad_request);
    EXPECT_EQ(c.get("/users/a%00b").status, status::bad_request);
}

TEST(router, a_parameter_never_matches_an_empty_segment) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/users//posts/1").status, status::not_found);
}

TEST(router, wildcards_take_the_rest_of_the_path) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/files/a/b/c.txt").body, "/files/{*path} path=a/b/c.txt");
    EXPECT_EQ(c.get("/files/").body, "/files/{*path} path=");
    EXPECT_EQ(c.get("/files").status, status::not_found);
}

TEST(router, encoded_literals_match_their_decoded_pattern) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("/caf%C3%A9").body, "/caf\xc3\xa9");
}

TEST(router, unknown_paths_are_404_problems) {
    test_client c(sample_router().to_handler());
    const auto r = c.get("/nope");
    EXPECT_EQ(r.status, status::not_found);
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    EXPECT_NE(r.body.find("/nope"), std::string::npos);
}

TEST(router, wrong_method_is_405_with_allow) {
    test_client c(sample_router().to_handler());
    const auto r = c.send("PUT", "/users/1");
    EXPECT_EQ(r.status, status::method_not_allowed);
    EXPECT_EQ(r.header("Allow"), "DELETE, GET, HEAD, OPTIONS");
}

TEST(router, head_is_served_by_get_without_a_body) {
    test_client c(sample_router().to_handler());
    const auto r = c.send("HEAD", "/users/9");
    EXPECT_EQ(r.status, status::ok);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
}

TEST(router, options_lists_the_allowed_methods) {
    test_client c(sample_router().to_handler());
    const auto r = c.send("OPTIONS", "/users");
    EXPECT_EQ(r.status, status::no_content);
    EXPECT_EQ(r.header("Allow"), "GET, HEAD, OPTIONS, POST");
    const auto star = c.send("OPTIONS", "*");
    EXPECT_EQ(star.status, status::no_content);
    EXPECT_EQ(star.header("Allow"), "DELETE, GET, HEAD, OPTIONS, POST");
}

TEST(router, absolute_form_targets_route_by_their_path) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.get("http://example.test/users/5?x=1").body, "/users/{id} id=5");
}

TEST(router, malformed_patterns_are_refused_at_configuration) {
    router app;
    EXPECT_THROW(app.get("users", describe_match), std::invalid_argument);
    EXPECT_THROW(app.get("/{}", describe_match), std::invalid_argument);
    EXPECT_THROW(app.get("/{*rest}/more", describe_match), std::invalid_argument);
    EXPECT_THROW(app.get("/a{b}", describe_match), std::invalid_argument);
    EXPECT_THROW(app.route("G ET", "/", describe_match), std::invalid_argument);
    app.get("/u/{id}", describe_match);
    EXPECT_THROW(app.get("/u/{id}", describe_match), std::invalid_argument);
    EXPECT_THROW(app.post("/u/{name}", describe_match), std::invalid_argument);
}

TEST(router, middleware_runs_outermost_first_around_routing) {
    router app = sample_router();
    app.use([](request& r, const weft::http::handler& next) -> task<response> {
        r.set_value("trace", "outer");
        response out = co_await next(r);
        out.add("X-Trace", "outer");
        co_return out;
    });
    app.use([](request& r, const weft::http::handler& next) -> task<response> {
        r.set_value("trace", std::string(*r.value("trace")) + ",inner");
        response out = co_await next(r);
        out.add("X-Trace", "inner");
        co_return out;
    });
    app.get("/trace", [](request& r) -> task<response> {
        co_return response::text(status::ok, std::string(*r.value("trace")));
    });
    test_client c(app.to_handler());
    const auto r = c.get("/trace");
    EXPECT_EQ(r.body, "outer,inner");
    ASSERT_EQ(r.headers.size(), 3U); // Content-Type, then inner's, then outer's
    EXPECT_EQ(r.headers[1].second, "inner");
    EXPECT_EQ(r.headers[2].second, "outer");
    // Middleware sees 404s too (so a logger logs them).
    EXPECT_EQ(c.get("/missing").headers.back().second, "outer");
}

TEST(router, middleware_can_answer_by_itself) {
    router app = sample_router();
    app.use([](request& r, const weft::http::handler& next) -> task<response> {
        if (!r.header("Authorization")) {
            response out = response::problem(status::unauthorized, "log in first");
            out.set("WWW-Authenticate", "Bearer");
            co_return out;
        }
        co_return co_await next(r);
    });
    test_client c(app.to_handler());
    EXPECT_EQ(c.get("/users").status, status::unauthorized);
    EXPECT_EQ(c.get("/users", {{"Authorization", "Bearer x"}}).status, status::ok);
}

TEST(router, fallback_answers_unmatched_paths) {
    router app = sample_router();
    app.fallback([](request& r) -> task<response> {
        co_return response::text(status::ok, "fallback " + std::string(r.path()));
    });
    test_client c(app.to_handler());
    EXPECT_EQ(c.get("/anything/else").body, "fallback /anything/else");
}

TEST(router, a_throwing_handler_is_a_500) {
    router app;
    app.get("/boom", [](request&) -> task<response> {
        throw std::runtime_error("boom");
        co_return response();
    });
    test_client c(app.to_handler());
    EXPECT_EQ(c.get("/boom").status, status::internal_server_error);
}

TEST(test_client, malformed_raw_requests_get_the_servers_status) {
    test_client c(sample_router().to_handler());
    EXPECT_EQ(c.send_raw("GET / HTTP/1.1\r\n\r\n").status, status::bad_request); // no Host
    EXPECT_EQ(c.send_raw("GET / HTTP/2.0\r\nHost: a\r\n\r\n").status,
              status::http_version_not_supported);
    const auto chunked = c.send_raw("POST /users HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
                                    "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    EXPECT_EQ(chunked.status, status::ok);
}

// Sums a streamed body: "<pieces> <bytes>".
task<response> count_pieces(request& r) {
    std::size_t pieces = 0;
    std::size_t bytes = 0;
    for (;;) {
        auto piece = co_await r.read_body();
        if (!piece) {
            co_return response::problem(status::bad_request, piece.error().message());
        }
        if (piece->empty()) {
            break;
        }
        ++pieces;
        bytes += piece->size();
    }
    co_return response::text(status::ok, std::to_string(pieces) + " " + std::to_string(bytes));
}

TEST(router, streamed_routes_read_their_body_in_pieces) {
    router app;
    app.stream("POST", "/upload", count_pieces).post("/collected", count_pieces);
    EXPECT_TRUE(app.stream_predicate());
    test_client c(app.to_handler(), {}, app.stream_predicate(), 1000);
    const std::string body(4500, 'x');
    EXPECT_EQ(c.post("/upload", body).body, "5 4500");
    EXPECT_EQ(c.post("/collected", body).body, "1 4500"); // read_body gives it whole
    EXPECT_FALSE(router().stream_predicate());            // no streamed route: nothing to ask
}

TEST(request, query_and_form_decoding) {
    router app;
    app.post("/search", [](request& r) -> task<response> {
        auto q = r.query();
        auto f = r.form();
        if (!q || !f) {
            co_return response::problem(status::bad_request, "bad form");
        }
        co_return response::text(status::ok, std::string(q->get("q").value_or("-")) + "|" +
                                                 std::string(f->get("name").value_or("-")));
    });
    test_client c(app.to_handler());
    EXPECT_EQ(c.post("/search?q=a+b%26c", "name=J%C3%B6rg+M",
                     {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}})
                  .body,
              "a b&c|J\xc3\xb6rg M");
    EXPECT_EQ(
        c.post("/search?q=%zz", "name=x", {{"Content-Type", "application/x-www-form-urlencoded"}})
            .status,
        status::bad_request);
    EXPECT_EQ(c.post("/search", "name=x", {{"Content-Type", "text/plain"}}).status,
              status::bad_request);
}

} // namespace
