#include <weft/http/response.hpp>

#include <cctype>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include <gtest/gtest.h>

using namespace weft::http;

namespace {

constexpr std::string_view test_date = "Sun, 06 Nov 1994 08:49:37 GMT";

serialize_options opts(bool keep_alive = true, bool http10 = false, bool head = false) {
    serialize_options o;
    o.head_request = head;
    o.keep_alive = keep_alive;
    o.http10 = http10;
    o.date = test_date;
    return o;
}

std::string head_of(const response& r, const serialize_options& o) {
    std::string out;
    const auto n = serialize_head(r, o, out);
    EXPECT_TRUE(n.has_value());
    if (n) {
        EXPECT_EQ(*n, out.size());
    }
    return out;
}

std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = hay.find(needle); pos != std::string_view::npos;
         pos = hay.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

static_assert(std::is_nothrow_move_constructible_v<response>);
static_assert(std::is_trivially_copyable_v<file_range>);

TEST(response, defaults_to_200_with_no_headers_and_no_body) {
    const response r;
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_TRUE(r.headers().empty());
    EXPECT_EQ(r.body_string(), nullptr);
    EXPECT_EQ(r.body_file(), nullptr);
    EXPECT_EQ(r.body_size(), 0u);
}

TEST(response, header_list_is_ordered_and_case_insensitive) {
    response r;
    r.add("Set-Cookie", "a=1");
    r.add("X-One", "1");
    r.add("set-cookie", "b=2");
    EXPECT_EQ(r.find("SET-COOKIE"), "a=1"); // first match wins
    EXPECT_EQ(r.find("x-one"), "1");
    EXPECT_FALSE(r.find("x-two"));

    r.set("SET-cookie", "c=3"); // replaces the first, erases the rest, keeps the spelling
    ASSERT_EQ(r.headers().size(), 2u);
    EXPECT_EQ(r.headers()[0], (response::header{"Set-Cookie", "c=3"}));
    EXPECT_EQ(r.headers()[1], (response::header{"X-One", "1"}));

    r.set("X-Two", "2"); // absent: appended
    EXPECT_EQ(r.headers().back(), (response::header{"X-Two", "2"}));

    EXPECT_EQ(r.erase("x-ONE"), 1u);
    EXPECT_EQ(r.erase("x-one"), 0u);
    EXPECT_EQ(r.headers().size(), 2u);
}

TEST(response, factories_set_type_and_body) {
    const auto t = response::text(status::not_found, "nope");
    EXPECT_EQ(t.status(), status::not_found);
    EXPECT_EQ(t.find("content-type"), "text/plain; charset=utf-8");
    ASSERT_NE(t.body_string(), nullptr);
    EXPECT_EQ(*t.body_string(), "nope");

    const auto h = response::html(status::ok, "<p>hi</p>");
    EXPECT_EQ(h.find("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(h.body_size(), 9u);

    const auto e = response::empty(status::no_content);
    EXPECT_EQ(e.status(), status::no_content);
    EXPECT_TRUE(e.headers().empty());
    EXPECT_EQ(e.body_size(), 0u);
}

TEST(response, problem_json_escapes_detail) {
    struct row {
        std::string_view detail;
        std::string_view want; // the JSON string's contents
    };
    const row rows[] = {
        {"plain", "plain"},                                       // nothing to escape
        {R"(say "hi")", R"(say \"hi\")"},                         // quotes
        {R"(C:\dir)", R"(C:\\dir)"},                              // backslash
        {"a\nb\r\tc", R"(a\u000ab\u000d\u0009c)"},                // control bytes as \u00XX
        {std::string_view("x\0y", 3), R"(x\u0000y)"},             // NUL
        {"\x1f\x7f", "\\u001f\x7f"},                              // 0x1f escaped; DEL is legal JSON
        {"caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac"}, // valid UTF-8 kept
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},                 // 4-byte sequence kept
        {"a\xff"
         "b",
         "a\xef\xbf\xbd"
         "b"},                                                    // invalid byte -> U+FFFD
        {"\xc3", "\xef\xbf\xbd"},                                 // truncated sequence -> U+FFFD
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 // overlong '/' rejected byte-wise
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, // UTF-16 surrogate rejected
    };
    for (const auto& r : rows) {
        const auto p = response::problem(status::bad_request, r.detail);
        EXPECT_EQ(p.status(), status::bad_request);
        EXPECT_EQ(p.find("Content-Type"), "application/problem+json");
        ASSERT_NE(p.body_string(), nullptr);
        EXPECT_EQ(*p.body_string(), R"({"title":"Bad Request","status":400,"detail":")" +
                                        std::string(r.want) + R"("})")
            << r.detail;
    }
}

TEST(serialize_head, writes_exact_bytes) {
    struct row {
        response r;
        serialize_options o;
        std::string_view want;
    };
    auto with_header = response::text(status::created, "{}", "application/json");
    with_header.add("Location", "/items/7");
    const row rows[] = {
        // the simplest keep-alive HTTP/1.1 response
        {response::text(status::ok, "hello"), opts(),
         "HTTP/1.1 200 OK\r\n"
         "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
         "Server: weft\r\n"
         "Content-Length: 5\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "\r\n"},
        // user headers follow in insertion order
        {with_header, opts(),
         "HTTP/1.1 201 Created\r\n"
         "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
         "Server: weft\r\n"
         "Content-Length: 2\r\n"
         "Content-Type: application/json\r\n"
         "Location: /items/7\r\n"
         "\r\n"},
        // empty body still says Content-Length: 0
        {response::empty(status::not_found), opts(),
         "HTTP/1.1 404 Not Found\r\n"
         "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
         "Server: weft\r\n"
         "Content-Length: 0\r\n"
         "\r\n"},
        // a code with no reason phrase keeps the SP before the empty phrase (RFC 9112 §4)
        {response::empty(static_cast<status>(299)), opts(),
         "HTTP/1.1 299 \r\n"
         "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
         "Server: weft\r\n"
         "Content-Length: 0\r\n"
         "\r\n"},
        // empty date and server options omit those headers
        {response::empty(status::ok), serialize_options{.date = "", .server = ""},
         "HTTP/1.1 200 OK\r\n"
         "Content-Length: 0\r\n"
         "\r\n"},
        // 100 Continue is a bare interim response
        {response::empty(status::continue_), opts(false, true),
         "HTTP/1.1 100 Continue\r\n"
         "\r\n"},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(head_of(r.r, r.o), r.want) << r.want;
    }
}

TEST(serialize_head, appends_to_existing_output) {
    std::string out = "prefix";
    const auto n = serialize_head(response::empty(status::ok), opts(), out);
    ASSERT_TRUE(n);
    EXPECT_EQ(out.size(), 6 + *n);
    EXPECT_EQ(out.substr(0, 6 + 17), "prefixHTTP/1.1 200 OK\r\n");
}

TEST(serialize_head, head_request_keeps_content_length_but_sends_no_body) {
    const auto r = response::text(status::ok, "hello");
    const auto h = head_of(r, opts(true, false, true));
    EXPECT_EQ(count(h, "Content-Length: 5\r\n"), 1u);
    EXPECT_EQ(body_view(r, true), "");
    EXPECT_EQ(body_view(r, false), "hello");
}

TEST(serialize_head, no_content_length_for_1xx_204_304) {
    struct row {
        status s;
        bool want_length;
    };
    const row rows[] = {
        {status::continue_, false},           // 1xx (RFC 9110 §8.6)
        {status::switching_protocols, false}, // 1xx
        {status::no_content, false},          // 204
        {status::not_modified, false},        // 304, even with a user Content-Length
        {status::ok, true},                   // 200 with a body: the control row
        {static_cast<status>(205), true},     // 205 Reset Content: Content-Length: 0 is fine
    };
    for (const auto& row : rows) {
        auto r = response::text(row.s, "body");
        r.add("Content-Length", "4"); // the user's own is never written: framing is the body's
        const auto h = head_of(r, opts());
        EXPECT_EQ(count(h, "Content-Length"), row.want_length ? 1u : 0u) << h;
        EXPECT_EQ(body_view(r, false), row.want_length ? "body" : "") << h;
    }
}

TEST(serialize_head, user_framing_headers_are_never_written) {
    auto r = response::text(status::ok, "abc");
    r.add("content-length", "999");        // would contradict the body
    r.add("Transfer-Encoding", "chunked"); // would contradict Content-Length (RFC 9112 §6.1)
    const auto h = head_of(r, opts());
    EXPECT_EQ(count(h, "Content-Length: 3\r\n"), 1u);
    EXPECT_EQ(count(h, "999"), 0u);
    EXPECT_EQ(count(h, "Transfer-Encoding"), 0u);
}

TEST(serialize_head, connection_header_by_version_and_keep_alive) {
    struct row {
        bool keep_alive;
        bool http10;
        std::string_view want; // the Connection line, or "" for none
    };
    const row rows[] = {
        {true, false, ""},                          // 1.1 persists by default (RFC 9112 §9.3)
        {false, false, "Connection: close\r\n"},    // 1.1 closing says so
        {true, true, "Connection: keep-alive\r\n"}, // 1.0 keep-alive must be explicit
        {false, true, "Connection: close\r\n"},     // 1.0 closing: explicit close
    };
    for (const auto& row : rows) {
        const auto h = head_of(response::empty(status::ok), opts(row.keep_alive, row.http10));
        EXPECT_TRUE(h.starts_with("HTTP/1.1 200 OK\r\n")) << h; // RFC 9110 §6.2: our version
        EXPECT_EQ(count(h, "Connection"), row.want.empty() ? 0u : 1u) << h;
        if (!row.want.empty()) {
            EXPECT_EQ(count(h, row.want), 1u) << h;
        }
    }
}

TEST(serialize_head, user_connection_header_yields_to_the_serializers) {
    auto up = response::empty(status::switching_protocols);
    up.add("Connection", "upgrade");
    up.add("Upgrade", "websocket");
    // 101: kept as given (an interim response gets no Connection of ours)
    EXPECT_EQ(
        head_of(up, opts()),
        "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n");

    auto r = response::empty(status::ok);
    r.add("Connection", "keep-alive");
    // closing: the user's value is dropped, ours alone is written
    const auto h = head_of(r, opts(false));
    EXPECT_EQ(count(h, "Connection"), 1u) << h;
    EXPECT_EQ(count(h, "Connection: close\r\n"), 1u) << h;
}

TEST(serialize_head, date_and_server_appear_once) {
    struct row {
        std::string_view name;  // a header the user supplies, or ""
        std::string_view value; // its value
        std::string_view want;  // the one line expected for that header
    };
    const row rows[] = {
        {"", "", "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"},                 // ours
        {"Date", "Mon, 07 Nov 1994 00:00:00 GMT", "Date: Mon, 07 Nov 1994"}, // user's Date
        {"date", "Mon, 07 Nov 1994 00:00:00 GMT", "date: Mon, 07 Nov 1994"}, // any case
        {"Server", "custom/1.0", "Server: custom/1.0\r\n"},                  // user's Server
        {"SERVER", "custom/1.0", "SERVER: custom/1.0\r\n"},                  // any case
    };
    for (const auto& row : rows) {
        auto r = response::empty(status::ok);
        if (!row.name.empty()) {
            r.add(std::string(row.name), std::string(row.value));
        }
        const auto h = head_of(r, opts());
        std::string lower = h;
        for (auto& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        EXPECT_EQ(count(lower, "\r\ndate:"), 1u) << h;
        EXPECT_EQ(count(lower, "\r\nserver:"), 1u) << h;
        EXPECT_EQ(count(h, row.want), 1u) << h;
    }
}

TEST(serialize_head, rejects_response_splitting_and_bad_fields) {
    struct row {
        std::string name;
        std::string value;
    };
    const row rows[] = {
        {"X", "a\r\nSet-Cookie: b"},   // the classic injection
        {"X", "a\nSet-Cookie: b"},     // bare LF
        {"X", "a\rb"},                 // bare CR
        {"X", std::string("a\0b", 3)}, // NUL
        {"X", "a\x01"
              "b"},               // other control byte
        {"X", "a\x7f"},           // DEL
        {"X\r\nSet-Cookie", "b"}, // injection through the name
        {"X Y", "v"},             // space in a name: not a token
        {"X:Y", "v"},             // colon in a name
        {"", "v"},                // empty name
    };
    for (const auto& row : rows) {
        auto r = response::text(status::ok, "x");
        r.add(row.name, row.value);
        std::string out = "kept";
        const auto n = serialize_head(r, opts(), out);
        ASSERT_FALSE(n) << row.name;
        EXPECT_EQ(n.error(), std::errc::invalid_argument);
        EXPECT_EQ(out, "kept"); // untouched on error
    }
}

TEST(serialize_head, accepts_htab_and_obs_text_in_values) {
    auto r = response::empty(status::ok);
    r.add("X-Tab", "a\tb");      // HTAB is allowed inside a value (RFC 9110 §5.5)
    r.add("X-Latin", "caf\xe9"); // obs-text
    const auto h = head_of(r, opts());
    EXPECT_EQ(count(h, "X-Tab: a\tb\r\n"), 1u);
    EXPECT_EQ(count(h, "X-Latin: caf\xe9\r\n"), 1u);
}

TEST(serialize_head, rejects_bad_options_and_status) {
    std::string out;
    auto o = opts();
    o.server = "weft\r\nX: y"; // injection through the options
    EXPECT_EQ(serialize_head(response(), o, out).error(), std::errc::invalid_argument);
    o = opts();
    o.date = "today\n";
    EXPECT_EQ(serialize_head(response(), o, out).error(), std::errc::invalid_argument);
    // not three digits in 1xx..5xx
    for (const auto code : {0, 99, 600, 1000}) {
        EXPECT_EQ(serialize_head(response(static_cast<status>(code)), opts(), out).error(),
                  std::errc::invalid_argument)
            << code;
    }
    EXPECT_TRUE(out.empty());
}

TEST(serialize_head, file_body_content_length_is_the_range_length) {
    response r(status::partial_content);
    r.set_file({.fd = 7, .offset = 1000, .length = 4096});
    EXPECT_EQ(r.body_size(), 4096u);
    const auto h = head_of(r, opts());
    EXPECT_EQ(count(h, "Content-Length: 4096\r\n"), 1u);
    EXPECT_EQ(body_view(r, false), ""); // a file body goes out with sendfile
    ASSERT_NE(body_file(r, false), nullptr);
    EXPECT_EQ(*body_file(r, false), (file_range{.fd = 7, .offset = 1000, .length = 4096}));
    EXPECT_EQ(body_file(r, true), nullptr); // HEAD: nothing to send

    // a very large range (above 4 GiB) formats exactly
    r.set_file({.fd = 7, .offset = 0, .length = std::size_t{5} << 30});
    EXPECT_EQ(count(head_of(r, opts()), "Content-Length: 5368709120\r\n"), 1u);
}

TEST(serialize_head, grows_out_at_most_once) {
    auto r = response::text(status::ok, "hello");
    for (int i = 0; i < 20; ++i) {
        r.add("X-Header-" + std::to_string(i), std::string(40, 'v'));
    }
    // with enough room reserved, the buffer is never reallocated
    std::string out;
    out.reserve(4096);
    const char* before = out.data();
    ASSERT_TRUE(serialize_head(r, opts(), out));
    EXPECT_EQ(out.data(), before);
    // and the size is computed exactly, not estimated: a second head follows the first
    const auto first = out.size();
    ASSERT_TRUE(serialize_head(r, opts(), out));
    EXPECT_EQ(out.size(), 2 * first);
    EXPECT_EQ(out.substr(0, first), out.substr(first));
}

TEST(body_view, only_when_a_body_is_sent) {
    struct row {
        status s;
        bool head;
        std::string_view want;
    };
    const row rows[] = {
        {status::ok, false, "data"},        // GET 200
        {status::ok, true, ""},             // HEAD
        {status::not_found, false, "data"}, // error bodies are sent
        {status::no_content, false, ""},    // 204
        {status::not_modified, false, ""},  // 304
        {status::continue_, false, ""},     // 1xx
    };
    for (const auto& row : rows) {
        EXPECT_EQ(body_view(response::text(row.s, "data"), row.head), row.want)
            << to_uint(row.s) << " head=" << row.head;
    }
    EXPECT_EQ(body_view(response::empty(status::ok), false), ""); // no body at all
}

} // namespace

// Every byte value at every offset of a long value (the validator reads 8 bytes at a time):
// allowed exactly when it is HTAB, SP, visible or obs-text; likewise in a name, exactly tchar.
TEST(serialize_head, validates_every_byte_at_every_offset) {
    const auto allowed_in_value = [](int b) { return b == '\t' || (b >= 0x20 && b != 0x7f); };
    const auto tchar = [](int b) {
        const bool alnum =
            (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
        constexpr std::string_view punct = "!#$%&'*+-.^_`|~";
        return alnum || (b != 0 && punct.find(static_cast<char>(b)) != std::string_view::npos);
    };
    for (int b = 0; b < 256; ++b) {
        for (std::size_t at = 0; at < 21; ++at) {
            std::string value(21, 'v');
            value[at] = static_cast<char>(b);
            auto r = response::empty(status::ok);
            r.add("X", value);
            std::string out;
            EXPECT_EQ(serialize_head(r, opts(), out).has_value(), allowed_in_value(b))
                << "byte " << b << " at " << at;
        }
        std::string name = "X-Name";
        name[3] = static_cast<char>(b);
        auto r = response::empty(status::ok);
        r.add(name, "v");
        std::string out;
        EXPECT_EQ(serialize_head(r, opts(), out).has_value(), tchar(b)) << "name byte " << b;
    }
}
