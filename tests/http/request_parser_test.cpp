// request_parser: RFC 9112 request heads, strictness rules with their statuses, incremental
// parsing across every read boundary, pipelining, smuggling shapes, the SIMD scanners against
// the scalar ones, and a guard page behind the input (STYLE.md 2.9).
#include <weft/http/error.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory_resource>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

namespace {

using namespace std::string_view_literals;
using weft::http::http_errc;
using weft::http::http_version;
using weft::http::parse_error;
using weft::http::parser_limits;
using weft::http::request_parser;
using weft::http::status;

constexpr std::string_view browser_get =
    "GET /static/app.js?v=3 HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36\r\n"
    "Accept: */*\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-GB,en;q=0.9\r\n"
    "Referer: https://www.example.com/\r\n"
    "Sec-Fetch-Dest: script\r\n"
    "Sec-Fetch-Mode: no-cors\r\n"
    "Cookie: session=abc123; theme=dark\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

weft::expected<std::size_t, parse_error> parse_once(std::string_view in,
                                                    parser_limits limits = {}) {
    request_parser p(limits);
    return p.parse(in);
}

// Feeds `in` one more byte per call to a single parser, the buffer at a fixed address (or
// copied to a new one each call when `move`). Returns the first non-incomplete result, or
// incomplete; `first_done` is the prefix length at which it came.
weft::expected<std::size_t, parse_error>
parse_bytewise(std::string_view in, bool move, std::size_t& first_done, parser_limits limits = {}) {
    request_parser p(limits);
    std::string fixed(in);
    for (std::size_t n = 0; n <= in.size(); ++n) {
        std::vector<char> copy(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
        copy.reserve(n + 1);
        const std::string_view view =
            move ? std::string_view(copy.data(), n) : std::string_view(fixed).substr(0, n);
        auto r = p.parse(view);
        if (!r || *r != request_parser::incomplete) {
            first_done = n;
            return r;
        }
    }
    first_done = in.size() + 1;
    return request_parser::incomplete;
}

TEST(request_parser, parses_a_browser_get) {
    request_parser p;
    const auto r = p.parse(browser_get);
    ASSERT_TRUE(r.has_value()) << r.error().message(browser_get);
    EXPECT_EQ(*r, browser_get.size());
    const auto& h = p.head();
    EXPECT_EQ(h.method, "GET");
    EXPECT_EQ(h.target, "/static/app.js?v=3");
    EXPECT_EQ(h.version, http_version::http_1_1);
    ASSERT_EQ(h.headers.size(), 10u);
    EXPECT_EQ(h.headers[0].name, "Host");
    EXPECT_EQ(h.headers[0].value, "www.example.com");
    EXPECT_EQ(h.headers[8].value, "session=abc123; theme=dark");
    EXPECT_EQ(h.find("accept-encoding"), "gzip, deflate, br");
    EXPECT_FALSE(h.find("content-length").has_value());
    EXPECT_TRUE(h.keep_alive);
    EXPECT_TRUE(h.has_host);
    EXPECT_EQ(h.host, "www.example.com");
    EXPECT_FALSE(h.chunked);
    EXPECT_FALSE(h.content_length.has_value());
    EXPECT_FALSE(h.has_body());
    // Zero-copy: every view points into the input.
    EXPECT_EQ(h.method.data(), browser_get.data());
    EXPECT_EQ(h.headers[9].value.data(), browser_get.data() + browser_get.find("keep-alive"));
}

struct accept_row {
    std::string_view input;
    std::string_view method;
    std::string_view target;
    http_version version;
    std::optional<std::uint64_t> content_length;
    bool chunked;
    bool keep_alive;
    bool expect_continue;
    const char* why;
};

TEST(request_parser, accepts_valid_heads_with_their_framing) {
    const accept_row rows[] = {
        // The smallest HTTP/1.1 request.
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
         "GET",
         "/",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "tiny GET"},
        // HTTP/1.0 needs no Host and is not persistent by default (RFC 9112 §9.3).
        {"GET / HTTP/1.0\r\n\r\n",
         "GET",
         "/",
         http_version::http_1_0,
         {},
         false,
         false,
         false,
         "HTTP/1.0 without headers"},
        // HTTP/1.0 keep-alive opt-in.
        {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
         "GET",
         "/",
         http_version::http_1_0,
         {},
         false,
         true,
         false,
         "1.0 keep-alive"},
        // Connection: close ends persistence, found among other tokens.
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n",
         "GET",
         "/",
         http_version::http_1_1,
         {},
         false,
         false,
         false,
         "close token"},
        // Bare LF line endings are accepted (RFC 9112 §2.2).
        {"GET /x HTTP/1.1\nHost: a\n\n",
         "GET",
         "/x",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "LF only"},
        // Leading empty lines are skipped (RFC 9112 §2.2).
        {"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
         "GET",
         "/",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "leading CRLFs"},
        // Content-Length gives the body length.
        {"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", "POST", "/f",
         http_version::http_1_1, 5, false, true, false, "content-length"},
        // Identical repeated Content-Length is one length (RFC 9110 §8.6).
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n", "POST",
         "/", http_version::http_1_1, 7, false, true, false, "repeated same CL"},
        // ...and so is an identical list.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7, 7\r\n\r\n", "POST", "/",
         http_version::http_1_1, 7, false, true, false, "CL list of same values"},
        // Chunked, case-insensitive.
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n",
         "POST",
         "/",
         http_version::http_1_1,
         {},
         true,
         true,
         false,
         "chunked"},
        // Expect: 100-continue on HTTP/1.1.
        {"PUT /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", "PUT",
         "/u", http_version::http_1_1, 1, false, true, true, "expect"},
        // ...ignored on HTTP/1.0 (RFC 9110 §10.1.1).
        {"PUT /u HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", "PUT", "/u",
         http_version::http_1_0, 1, false, false, false, "expect on 1.0"},
        // asterisk-form, absolute-form and authority-form targets.
        {"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
         "OPTIONS",
         "*",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "asterisk"},
        {"GET http://a/b?c HTTP/1.1\r\nHost: a\r\n\r\n",
         "GET",
         "http://a/b?c",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "absolute-form"},
        {"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n",
         "CONNECT",
         "a.example:443",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "authority-form"},
        // Values keep inner whitespace and obs-text; OWS around them is dropped.
        {"GET / HTTP/1.1\r\nHost:a\r\nX: \t v a\xe9 \t\r\nY:\r\n\r\n",
         "GET",
         "/",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "OWS and obs-text"},
        // An extension method token.
        {"M-SEARCH * HTTP/1.1\r\nHost: [::1]:1900\r\n\r\n",
         "M-SEARCH",
         "*",
         http_version::http_1_1,
         {},
         false,
         true,
         false,
         "extension method, IPv6 host"},
    };
    for (const auto& row : rows) {
        request_parser p;
        const auto r = p.parse(row.input);
        ASSERT_TRUE(r.has_value()) << row.why << ": " << r.error().message(row.input);
        EXPECT_EQ(*r, row.input.size()) << row.why;
        EXPECT_EQ(p.head().method, row.method) << row.why;
        EXPECT_EQ(p.head().target, row.target) << row.why;
        EXPECT_EQ(p.head().version, row.version) << row.why;
        EXPECT_EQ(p.head().content_length, row.content_length) << row.why;
        EXPECT_EQ(p.head().chunked, row.chunked) << row.why;
        EXPECT_EQ(p.head().keep_alive, row.keep_alive) << row.why;
        EXPECT_EQ(p.head().expect_continue, row.expect_continue) << row.why;
    }
}

TEST(request_parser, trims_values_and_keeps_empty_ones) {
    request_parser p;
    constexpr std::string_view in = "GET / HTTP/1.1\r\nHost:a\r\nX: \t v a \t\r\nY:\r\n\r\n";
    ASSERT_TRUE(p.parse(in).has_value());
    EXPECT_EQ(p.head().find("x"), "v a");
    EXPECT_EQ(p.head().find("Y"), "");
}

TEST(request_parser, accepts_every_shape_of_host) {
    const std::pair<std::string_view, const char*> rows[] = {
        {"a.example", "reg-name"},
        {"a.example:8080", "reg-name and port"},
        {"a.example:", "empty port (RFC 3986 §3.2.3)"},
        {"192.0.2.1:80", "IPv4 and port"},
        {"[2001:db8::1]", "IPv6 literal"},
        {"[::ffff:192.0.2.1]:443", "IPv6 with embedded IPv4, and port"},
        {"[v1.fe]", "IPvFuture"},
        {"xn--bcher-kva.example", "A-label"},
        {"%41b", "pct-encoded reg-name"},
        {"", "empty Host (RFC 9110 §7.2)"},
    };
    for (const auto& [host, why] : rows) {
        const std::string in = "GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n";
        request_parser p;
        const auto r = p.parse(in);
        ASSERT_TRUE(r.has_value()) << why << ": " << r.error().message(in);
        EXPECT_EQ(p.head().host, host) << why;
    }
}

struct reject_row {
    std::string_view input;
    http_errc code;
    std::uint32_t offset;
    status expected_status;
    const char* why;
};

constexpr std::uint32_t any_offset = 0xffffffff;

void check_rejects(const reject_row* first, const reject_row* last, parser_limits limits = {}) {
    for (; first != last; ++first) {
        const auto& row = *first;
        const auto r = parse_once(row.input, limits);
        ASSERT_FALSE(r.has_value()) << row.why;
        EXPECT_EQ(r.error().code, row.code) << row.why << ": " << r.error().message(row.input);
        if (row.offset != any_offset) {
            EXPECT_EQ(r.error().offset, row.offset) << row.why;
        }
        EXPECT_EQ(r.error().to_status(), row.expected_status) << row.why;
        // The same error whatever the read boundaries.
        std::size_t at = 0;
        const auto bytewise = parse_bytewise(row.input, false, at, limits);
        ASSERT_FALSE(bytewise.has_value()) << row.why;
        EXPECT_EQ(bytewise.error(), r.error()) << row.why;
    }
}

TEST(request_parser, rejects_bad_request_lines_with_400_or_505) {
    const reject_row rows[] = {
        // Empty method: the line starts with a space.
        {" GET / HTTP/1.1\r\n\r\n", http_errc::bad_method, 0, status::bad_request, "empty method"},
        // A non-token byte in the method.
        {"GE(T / HTTP/1.1\r\n\r\n", http_errc::bad_method, 2, status::bad_request, "( in method"},
        // Binary garbage is refused at its first byte, without waiting for a line end.
        {"\x16\x03\x01\x02", http_errc::bad_method, 0, status::bad_request, "TLS to HTTP port"},
        // Two spaces: an empty target.
        {"GET  / HTTP/1.1\r\n\r\n", http_errc::bad_target, 4, status::bad_request, "double SP"},
        // A control byte in the target.
        {"GET /a\x01 HTTP/1.1\r\n\r\n", http_errc::bad_target, 6, status::bad_request, "CTL"},
        // DEL in the target.
        {"GET /a\x7f HTTP/1.1\r\n\r\n", http_errc::bad_target, 6, status::bad_request, "DEL"},
        // A raw non-ASCII byte in the target.
        {"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", http_errc::bad_target, 5, status::bad_request,
         "UTF-8 in target"},
        // A target that is none of the four forms.
        {"GET ../x HTTP/1.1\r\n\r\n", http_errc::bad_target, 4, status::bad_request,
         "relative target"},
        // "*" must stand alone.
        {"OPTIONS *x HTTP/1.1\r\n\r\n", http_errc::bad_target, 8, status::bad_request, "*x"},
        // HTTP/0.9-style line without version.
        {"GET /\r\n\r\n", http_errc::bad_target, 5, status::bad_request, "no version"},
        // Lower-case protocol name (RFC 9112 §2.3: case-sensitive).
        {"GET / http/1.1\r\n\r\n", http_errc::bad_version, 6, status::bad_request, "http/1.1"},
        // Garbage version.
        {"GET / HTTP/1.x\r\n\r\n", http_errc::bad_version, 13, status::bad_request, "1.x"},
        // Trailing space after the version.
        {"GET / HTTP/1.1 \r\n\r\n", http_errc::bad_version, 14, status::bad_request,
         "space after version"},
        // Two-digit version.
        {"GET / HTTP/1.10\r\n\r\n", http_errc::bad_version, 14, status::bad_request, "1.10"},
        // Well-formed but unsupported versions: 505.
        {"GET / HTTP/2.0\r\n\r\n", http_errc::version_not_supported, 6,
         status::http_version_not_supported, "HTTP/2.0"},
        {"GET / HTTP/9.9\r\n\r\n", http_errc::version_not_supported, 6,
         status::http_version_not_supported, "HTTP/9.9"},
        {"GET / HTTP/1.2\r\n\r\n", http_errc::version_not_supported, 6,
         status::http_version_not_supported, "HTTP/1.2"},
        {"GET / HTTP/0.9\r\n\r\n", http_errc::version_not_supported, 6,
         status::http_version_not_supported, "HTTP/0.9"},
        // A bare CR ending the request line.
        {"GET / HTTP/1.1\rHost: a\r\n\r\n", http_errc::bare_cr, 14, status::bad_request,
         "bare CR after version"},
        // A bare CR among leading empty lines.
        {"\r\rGET / HTTP/1.1\r\n\r\n", http_errc::bare_cr, 0, status::bad_request,
         "bare CR before request line"},
    };
    check_rejects(std::begin(rows), std::end(rows));
}

TEST(request_parser, rejects_obs_fold_with_400) {
    const reject_row rows[] = {
        // A continuation line (obs-fold, RFC 9112 §5.2).
        {"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", http_errc::obs_fold, 31,
         status::bad_request, "SP fold"},
        // ...with HTAB.
        {"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n\tc\r\n\r\n", http_errc::obs_fold, 31,
         status::bad_request, "HTAB fold"},
        // Whitespace between the start line and the first field (RFC 9112 §2.2).
        {"GET / HTTP/1.1\r\n Host: a\r\n\r\n", http_errc::obs_fold, 16, status::bad_request,
         "whitespace-preceded first line"},
    };
    check_rejects(std::begin(rows), std::end(rows));
}

TEST(request_parser, rejects_bad_field_lines_with_400) {
    const reject_row rows[] = {
        // RFC 9112 §5.1: no whitespace between name and colon.
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", http_errc::whitespace_before_colon, 20,
         status::bad_request, "SP before colon"},
        {"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", http_errc::whitespace_before_colon, 20,
         status::bad_request, "HTAB before colon"},
        // Non-token bytes in the name.
        {"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", http_errc::bad_field_name, 18, status::bad_request,
         "( in name"},
        {"GET / HTTP/1.1\r\nH\xc3\xb6st: a\r\n\r\n", http_errc::bad_field_name, 17,
         status::bad_request, "UTF-8 in name"},
        // An empty name.
        {"GET / HTTP/1.1\r\n: a\r\n\r\n", http_errc::bad_field_name, 16, status::bad_request,
         "empty name"},
        // A line without a colon.
        {"GET / HTTP/1.1\r\nHost\r\n\r\n", http_errc::bad_field_name, 20, status::bad_request,
         "no colon"},
        // Control bytes in the value; HTAB is fine but NUL, VT, ESC and DEL are not.
        {"GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n"sv, http_errc::bad_field_value, 23,
         status::bad_request, "NUL in value"},
        {"GET / HTTP/1.1\r\nHost: a\x0b\r\n\r\n", http_errc::bad_field_value, 23,
         status::bad_request, "VT in value"},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: \x1b[31m\r\n\r\n", http_errc::bad_field_value, 28,
         status::bad_request, "ESC in value"},
        {"GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n", http_errc::bad_field_value, 23,
         status::bad_request, "DEL in value"},
        // A bare CR inside a field line (a classic smuggling ingredient).
        {"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", http_errc::bare_cr, 23, status::bad_request,
         "bare CR in value"},
        // A bare CR where the empty line should be.
        {"GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n\r\n", http_errc::bare_cr, 25, status::bad_request,
         "bare CR at line start"},
    };
    check_rejects(std::begin(rows), std::end(rows));
}

TEST(request_parser, rejects_bad_framing_with_400_or_501) {
    const reject_row rows[] = {
        // CL + TE: the request-smuggling classic (RFC 9112 §6.1).
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
         http_errc::content_length_with_transfer_encoding, 45, status::bad_request, "CL then TE"},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
         http_errc::content_length_with_transfer_encoding, 26, status::bad_request, "TE then CL"},
        // Different Content-Length values.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
         http_errc::conflicting_content_length, 45, status::bad_request, "CL 5 and 6"},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n",
         http_errc::conflicting_content_length, 26, status::bad_request, "CL list 5, 6"},
        // Content-Length must be 1*DIGIT.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", http_errc::bad_content_length,
         26, status::bad_request, "CL +5"},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", http_errc::bad_content_length,
         26, status::bad_request, "CL -1"},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
         http_errc::bad_content_length, 26, status::bad_request, "CL hex"},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n", http_errc::bad_content_length,
         26, status::bad_request, "CL with inner space"},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", http_errc::bad_content_length, 26,
         status::bad_request, "CL empty"},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n", http_errc::bad_content_length,
         26, status::bad_request, "CL trailing comma"},
        // 2^64 overflows.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n",
         http_errc::bad_content_length, 26, status::bad_request, "CL overflow"},
        // A coding that is not chunked, alone: chunked is not final (RFC 9112 §6.3 item 4).
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
         http_errc::chunked_not_final, 26, status::bad_request, "xchunked"},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
         http_errc::chunked_not_final, 26, status::bad_request, "chunked not last"},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
         http_errc::chunked_not_final, 26, status::bad_request, "gzip alone"},
        // Codings split over two lines are one list.
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"
         "\r\n",
         http_errc::chunked_not_final, 54, status::bad_request, "TE lines chunked then gzip"},
        // A coding we do not implement before chunked: 501 (RFC 9112 §6.1).
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
         http_errc::unsupported_transfer_coding, 26, status::not_implemented, "gzip, chunked"},
        // chunked twice is forbidden (RFC 9112 §6.1).
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
         http_errc::bad_transfer_encoding, 26, status::bad_request, "chunked twice"},
        // chunked takes no parameters; an empty value has no coding.
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n",
         http_errc::bad_transfer_encoding, 26, status::bad_request, "chunked;q=1"},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n",
         http_errc::bad_transfer_encoding, 26, status::bad_request, "empty TE"},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n",
         http_errc::bad_transfer_encoding, 26, status::bad_request, "quoted coding"},
        // Transfer-Encoding in HTTP/1.0 is faulty framing (RFC 9112 §6.1).
        {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
         http_errc::transfer_encoding_in_http10, 17, status::bad_request, "TE in 1.0"},
    };
    check_rejects(std::begin(rows), std::end(rows));
}

TEST(request_parser, rejects_missing_or_repeated_host_with_400) {
    const reject_row rows[] = {
        // HTTP/1.1 requires Host (RFC 9112 §3.2); offset is the start of the field lines.
        {"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", http_errc::missing_host, 16, status::bad_request,
         "no Host"},
        {"GET / HTTP/1.1\r\n\r\n", http_errc::missing_host, 16, status::bad_request,
         "no fields at all"},
        // Two Host lines, even identical.
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", http_errc::multiple_host, 25,
         status::bad_request, "Host twice"},
        {"GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", http_errc::multiple_host, 25,
         status::bad_request, "Host twice on 1.0"},
        // A Host value with a path or userinfo.
        {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "slash in Host"},
        {"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "userinfo in Host"},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "space in Host"},
        // The bytes of a host but not its shape: colons belong only in brackets or before a
        // port, and a port is digits.
        {"GET / HTTP/1.1\r\nHost: a:8a\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "port that is not digits"},
        {"GET / HTTP/1.1\r\nHost: a:80:80\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "two ports"},
        {"GET / HTTP/1.1\r\nHost: ::1\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "IPv6 address without brackets"},
        {"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "unclosed bracket"},
        {"GET / HTTP/1.1\r\nHost: []\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "empty brackets"},
        {"GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "bytes after the bracket"},
        {"GET / HTTP/1.1\r\nHost: [::1]]:80\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "two closing brackets"},
        {"GET / HTTP/1.1\r\nHost: a]:80\r\n\r\n", http_errc::bad_host, 16, status::bad_request,
         "bracket in a reg-name"},
    };
    check_rejects(std::begin(rows), std::end(rows));
}

TEST(request_parser, enforces_limits_with_414_431_413_411) {
    parser_limits limits;
    limits.max_request_line = 32;
    limits.max_header_bytes = 64;
    limits.max_headers = 2;
    limits.max_body = 100;
    limits.allow_chunked = false;
    const reject_row rows[] = {
        // A request line longer than 32 bytes: 414 at the limit, with no line end in sight.
        {"GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", http_errc::uri_too_long, 32,
         status::uri_too_long, "long target, no LF yet"},
        {"GET /aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n\r\n", http_errc::uri_too_long, 32,
         status::uri_too_long, "long line, complete"},
        // A header section above 64 bytes: 431.
        {"GET / HTTP/1.1\r\nHost: a\r\nX: "
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
         "\r\n",
         http_errc::headers_too_large, 64, status::request_header_fields_too_large, "big value"},
        // Three field lines when two are allowed: 431, at the third line.
        {"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", http_errc::too_many_headers, 31,
         status::request_header_fields_too_large, "three fields"},
        // A body above the limit by Content-Length: 413 before any body byte.
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", http_errc::body_too_large, 26,
         status::content_too_large, "CL 101"},
        // Chunked refused by configuration: 411.
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
         http_errc::length_required, 26, status::length_required, "chunked refused"},
        // Errors before the limit still win: the first bad byte decides.
        {"G(T /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", http_errc::bad_method, 1,
         status::bad_request, "bad method within a long line"},
    };
    check_rejects(std::begin(rows), std::end(rows), limits);
    // Exactly at the limits is fine.
    EXPECT_TRUE(parse_once("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n", limits));
    EXPECT_TRUE(parse_once("GET /aaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: a\r\n\r\n", limits));
}

TEST(request_parser, default_limits_are_8k_16k_100_1m) {
    const parser_limits d;
    EXPECT_EQ(d.max_request_line, 8192u);
    EXPECT_EQ(d.max_header_bytes, 16384u);
    EXPECT_EQ(d.max_headers, 100u);
    EXPECT_EQ(d.max_body, 1048576u);
    std::string line = "GET /" + std::string(8200, 'a');
    EXPECT_EQ(parse_once(line).error().code, http_errc::uri_too_long);
    std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(17000, 'b');
    EXPECT_EQ(parse_once(big).error().code, http_errc::headers_too_large);
    std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 100; ++i) {
        many += "X: y\r\n";
    }
    EXPECT_EQ(parse_once(many + "\r\n").error().code, http_errc::too_many_headers);
}

TEST(request_parser, smuggling_shapes_are_all_rejected) {
    const std::string_view cases[] = {
        // CL.TE and TE.CL.
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n",
        // TE obfuscations.
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\x0b"
        "chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n",
        // CL obfuscations.
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
        "POST / HTTP/1.1\r\n Content-Length: 5\r\nHost: a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\rX: y\r\n\r\n",
    };
    for (const auto c : cases) {
        const auto r = parse_once(c);
        ASSERT_FALSE(r.has_value()) << c;
        EXPECT_EQ(r.error().to_status(), status::bad_request) << r.error().message(c);
    }
}

TEST(request_parser, every_prefix_is_incomplete_then_the_same_result) {
    const std::string_view inputs[] = {
        browser_get,
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\nPOST /f HTTP/1.1\nHost: a\nContent-Length: 3\n\n",
        "GET / HTTP/1.0\r\n\r\n",
    };
    for (const auto in : inputs) {
        request_parser whole;
        const auto expected_length = whole.parse(in);
        ASSERT_TRUE(expected_length.has_value());
        for (const bool move : {false, true}) {
            std::size_t at = 0;
            const auto r = parse_bytewise(in, move, at);
            ASSERT_TRUE(r.has_value()) << r.error().message(in);
            EXPECT_EQ(*r, *expected_length);
            EXPECT_EQ(at, in.size()) << "complete only with the last byte";
        }
        // Parsing again after completion returns the same length, and the head is intact.
        request_parser p;
        for (std::size_t n = 0; n < in.size(); ++n) {
            ASSERT_EQ(p.parse(in.substr(0, n)), request_parser::incomplete);
        }
        ASSERT_EQ(p.parse(in), expected_length);
        EXPECT_EQ(p.parse(in), expected_length);
        EXPECT_EQ(p.head().headers.size(), whole.head().headers.size());
    }
}

TEST(request_parser, moved_buffer_gives_views_into_the_new_one) {
    request_parser p;
    std::string first(browser_get.substr(0, 100));
    ASSERT_EQ(p.parse(first), request_parser::incomplete);
    const std::string second(browser_get); // another address
    ASSERT_EQ(p.parse(second), second.size());
    for (const auto& h : p.head().headers) {
        EXPECT_GE(h.name.data(), second.data());
        EXPECT_LT(h.value.data(), second.data() + second.size());
    }
    EXPECT_EQ(p.head().method.data(), second.data());
}

TEST(request_parser, pipelined_requests_consume_only_the_first) {
    constexpr std::string_view two = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                                     "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n";
    request_parser p;
    const auto r = p.parse(two);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, two.find("GET /2"));
    EXPECT_EQ(p.head().target, "/1");
    p.reset();
    const auto rest = two.substr(*r);
    const auto r2 = p.parse(rest);
    ASSERT_TRUE(r2.has_value());
    EXPECT_EQ(*r2, rest.size());
    EXPECT_EQ(p.head().target, "/2");
    EXPECT_EQ(p.head().host, "b");
}

TEST(request_parser, body_bytes_after_the_head_are_not_consumed) {
    constexpr std::string_view in = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
    request_parser p;
    const auto r = p.parse(in);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(in.substr(*r), "hello");
    EXPECT_TRUE(p.head().has_body());
}

TEST(request_parser, failed_parser_stays_failed_until_reset) {
    request_parser p;
    const auto r = p.parse("GET / HTTP/2.0\r\n\r\n");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(p.parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").error(), r.error());
    p.reset();
    EXPECT_TRUE(p.parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").has_value());
}

// A memory resource that counts allocations, to show the header array is reused.
class counting_resource : public std::pmr::memory_resource {
  public:
    std::size_t allocations = 0;

  private:
    void* do_allocate(std::size_t bytes, std::size_t align) override {
        ++allocations;
        return std::pmr::new_delete_resource()->allocate(bytes, align);
    }
    void do_deallocate(void* p, std::size_t bytes, std::size_t align) override {
        std::pmr::new_delete_resource()->deallocate(p, bytes, align);
    }
    bool do_is_equal(const memory_resource& other) const noexcept override {
        return this == &other;
    }
};

TEST(request_parser, reused_parser_allocates_nothing) {
    counting_resource memory;
    request_parser p({}, &memory);
    ASSERT_TRUE(p.parse(browser_get).has_value());
    const std::size_t warm = memory.allocations;
    EXPECT_GT(warm, 0u);
    for (int i = 0; i < 100; ++i) {
        p.reset();
        ASSERT_TRUE(p.parse(browser_get).has_value());
    }
    EXPECT_EQ(memory.allocations, warm);
}

TEST(request_parser, http_errc_is_an_error_code_with_statuses) {
    const std::error_code ec = http_errc::obs_fold;
    EXPECT_EQ(&ec.category(), &weft::http::http_category());
    EXPECT_STREQ(ec.category().name(), "weft.http");
    EXPECT_EQ(ec.message(), "obs-fold line (line starts with whitespace)");
    EXPECT_EQ(ec, std::errc::bad_message);
    const std::pair<http_errc, int> rows[] = {
        {http_errc::bad_method, 400},                  // malformed
        {http_errc::length_required, 411},             // chunked refused
        {http_errc::body_too_large, 413},              // Content-Length above max_body
        {http_errc::uri_too_long, 414},                // request line above max_request_line
        {http_errc::headers_too_large, 431},           // header section above max_header_bytes
        {http_errc::too_many_headers, 431},            // more than max_headers lines
        {http_errc::unsupported_transfer_coding, 501}, // gzip, chunked
        {http_errc::version_not_supported, 505},       // HTTP/2.0 on an HTTP/1 connection
        {http_errc::missing_chunk_crlf, 400},          // chunked framing
    };
    for (const auto& [code, expected] : rows) {
        EXPECT_EQ(weft::http::to_uint(weft::http::to_status(code)), expected);
    }
    EXPECT_EQ(weft::http::reason_phrase(status::request_header_fields_too_large),
              "Request Header Fields Too Large");
}

TEST(request_parser, error_message_names_the_place) {
    constexpr std::string_view in = "GET / HTTP/1.1\r\nHost : a\r\n\r\n";
    const auto r = parse_once(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message(in),
              "\"GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n\": whitespace between field name and "
              "colon (at offset 20)");
}

// The vector scanners must agree with the scalar ones on every position and byte class.
TEST(request_parser, simd_scanners_agree_with_scalar) {
    using namespace weft::http::detail;
    std::mt19937 rng(42);
    const char interesting[] = {' ',
                                '\t',
                                '\r',
                                '\n',
                                '\0',
                                0x1f,
                                0x21,
                                0x7e,
                                0x7f,
                                static_cast<char>(0x80),
                                static_cast<char>(0xff),
                                'a',
                                '/'};
    for (int round = 0; round < 20000; ++round) {
        const std::size_t len = rng() % 80;
        std::string s(len, 'x');
        for (auto& c : s) {
            c = static_cast<char>('!' + rng() % 94);
        }
        const int specials = static_cast<int>(rng() % 3);
        for (int k = 0; k < specials && len > 0; ++k) {
            s[rng() % len] = interesting[rng() % sizeof interesting];
        }
        const char* b = s.data();
        const char* e = b + s.size();
        ASSERT_EQ(find_target_end_simd(b, e), find_target_end_scalar(b, e)) << round;
        ASSERT_EQ(find_value_end_simd(b, e), find_value_end_scalar(b, e)) << round;
    }
    // Every single byte value at every position of a 40-byte block.
    for (int v = 0; v < 256; ++v) {
        for (std::size_t at = 0; at < 40; ++at) {
            std::string s(40, 'a');
            s[at] = static_cast<char>(v);
            const char* b = s.data();
            const char* e = b + s.size();
            ASSERT_EQ(find_target_end_simd(b, e), find_target_end_scalar(b, e)) << v << " " << at;
            ASSERT_EQ(find_value_end_simd(b, e), find_value_end_scalar(b, e)) << v << " " << at;
        }
    }
    EXPECT_FALSE(simd_path().empty());
}

// Input that ends right before a PROT_NONE page: any read past the end faults.
class guard_page {
  public:
    guard_page() {
        page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        void* m =
            mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            throw std::runtime_error("mmap");
        }
        base_ = static_cast<char*>(m);
        if (mprotect(base_ + page_, page_, PROT_NONE) != 0) {
            throw std::runtime_error("mprotect");
        }
    }
    ~guard_page() { munmap(base_, 2 * page_); }
    guard_page(const guard_page&) = delete;
    guard_page& operator=(const guard_page&) = delete;

    // Copies `s` so that its last byte is the last readable byte.
    std::string_view place(std::string_view s) {
        char* at = base_ + page_ - s.size();
        std::memcpy(at, s.data(), s.size());
        return {at, s.size()};
    }

  private:
    std::size_t page_ = 0;
    char* base_ = nullptr;
};

TEST(request_parser, never_reads_past_the_input_guard_page) {
    guard_page guard;
    const std::string_view inputs[] = {
        browser_get,
        "GET "
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "GET / HTTP/1.1\r\nHost: a\r\nX: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "GET / HTTP/1.1\r\nHost: a\r",
    };
    for (const auto in : inputs) {
        for (std::size_t n = 0; n <= in.size(); ++n) {
            const auto placed = guard.place(in.substr(0, n));
            request_parser p;
            (void)p.parse(placed);
            using namespace weft::http::detail;
            const char* b = placed.data();
            const char* e = b + placed.size();
            EXPECT_EQ(find_target_end_simd(b, e), find_target_end_scalar(b, e));
            EXPECT_EQ(find_value_end_simd(b, e), find_value_end_scalar(b, e));
        }
    }
}

} // namespace
