// chunked_decoder: RFC 9112 §7.1 chunked bodies with extensions and trailers, strict framing,
// limits, and the same result for every way of splitting the input into reads.
#include <weft/http/chunked_decoder.hpp>
#include <weft/http/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

using namespace std::string_view_literals;
using weft::http::chunked_decoder;
using weft::http::http_errc;
using weft::http::parse_error;
using weft::http::parser_limits;
using weft::http::status;

struct decoded {
    std::string body;
    std::vector<std::pair<std::string, std::string>> trailers;
    std::size_t consumed = 0; // bytes of the input that made up the chunked body
    bool done = false;
    std::optional<parse_error> error;
};

// Decodes `in` arriving in reads of `step` bytes, like a connection: unconsumed bytes stay at
// the front of its buffer and new bytes are appended.
decoded decode(std::string_view in, std::size_t step, parser_limits limits = {}) {
    chunked_decoder d(limits);
    decoded out;
    std::string buffer;
    std::size_t fed = 0;
    while (true) {
        const std::size_t take = std::min(step, in.size() - fed);
        buffer.append(in.substr(fed, take));
        fed += take;
        std::string_view view = buffer;
        while (true) {
            const auto p = d.decode(view);
            if (!p) {
                out.error = p.error();
                return out;
            }
            if (p->data.size() > 0) {
                // The data is a view into the consumed part of the input.
                EXPECT_GE(p->data.data(), view.data());
                EXPECT_LE(p->data.data() + p->data.size(), view.data() + p->consumed);
            }
            out.body.append(p->data);
            out.consumed += p->consumed;
            view.remove_prefix(p->consumed);
            if (p->done) {
                out.done = true;
                for (const auto& t : d.trailers()) {
                    out.trailers.emplace_back(t.name, t.value);
                }
                EXPECT_EQ(d.body_size(), out.body.size());
                return out;
            }
            if (p->consumed == 0 || view.empty()) {
                break;
            }
        }
        buffer.erase(0, buffer.size() - view.size());
        if (fed == in.size()) {
            return out;
        }
    }
}

struct accept_row {
    std::string_view input;
    std::string_view body;
    std::size_t trailers;
    const char* why;
};

TEST(chunked_decoder, decodes_bodies_with_extensions_and_trailers) {
    const accept_row rows[] = {
        // The empty body: only the last chunk.
        {"0\r\n\r\n", "", 0, "empty"},
        // Two chunks.
        {"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", 0, "two chunks"},
        // Hex sizes, either case, leading zeros.
        {"00A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij", 0, "hex"},
        // Extensions, with token and quoted values and BWS, are accepted and ignored.
        {"3;name=value\r\nabc\r\n3 ; a ; b = \"q \\\" ;x\"\r\ndef\r\n0;last\r\n\r\n", "abcdef", 0,
         "extensions"},
        // Trailer fields.
        {"1\r\nx\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n", "x", 2, "trailers"},
        // CR and LF inside data are just data.
        {"4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n", 0, "CRLF as data"},
    };
    for (const auto& row : rows) {
        for (const std::size_t step :
             {std::size_t{1}, std::size_t{2}, std::size_t{7}, row.input.size()}) {
            const auto r = decode(row.input, step);
            ASSERT_FALSE(r.error) << row.why << ": " << r.error->message(row.input);
            EXPECT_TRUE(r.done) << row.why;
            EXPECT_EQ(r.body, row.body) << row.why << " step " << step;
            EXPECT_EQ(r.consumed, row.input.size()) << row.why;
            EXPECT_EQ(r.trailers.size(), row.trailers) << row.why;
        }
    }
    const auto t = decode("1\r\nx\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n", 3);
    ASSERT_EQ(t.trailers.size(), 2u);
    EXPECT_EQ(t.trailers[0], (std::pair<std::string, std::string>{"Expires", "never"}));
    EXPECT_EQ(t.trailers[1], (std::pair<std::string, std::string>{"X-Sum", "1"}));
}

TEST(chunked_decoder, stops_at_the_end_of_the_body) {
    // A pipelined request after the body is not consumed.
    constexpr std::string_view in = "2\r\nhi\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
    const auto r = decode(in, in.size());
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.body, "hi");
    EXPECT_EQ(in.substr(r.consumed), "GET / HTTP/1.1\r\n");
}

struct reject_row {
    std::string_view input;
    http_errc code;
    std::uint32_t offset;
    const char* why;
};

void check_rejects(const reject_row* first, const reject_row* last, parser_limits limits = {}) {
    for (; first != last; ++first) {
        const auto& row = *first;
        for (const std::size_t step : {std::size_t{1}, std::size_t{3}, row.input.size()}) {
            const auto r = decode(row.input, step, limits);
            ASSERT_TRUE(r.error) << row.why << " step " << step;
            EXPECT_EQ(r.error->code, row.code) << row.why << ": " << r.error->message(row.input);
            EXPECT_EQ(r.error->offset, row.offset) << row.why << " step " << step;
        }
    }
}

TEST(chunked_decoder, rejects_bad_framing_with_400) {
    const reject_row rows[] = {
        // No hex digit.
        {"\r\n", http_errc::bad_chunk_size, 0, "empty size"},
        {"x\r\n", http_errc::bad_chunk_size, 0, "non-hex size"},
        {"-1\r\n", http_errc::bad_chunk_size, 0, "negative size"},
        {"0x5\r\nhello\r\n", http_errc::bad_chunk_size, 1, "0x prefix"},
        // A space inside the size is not BWS before an extension.
        {"1 2\r\n", http_errc::bad_chunk_size, 2, "space inside size"},
        // 17 hex digits overflow 64 bits.
        {"10000000000000000\r\n", http_errc::chunk_size_overflow, 16, "2^64"},
        {"fffffffffffffffff\r\n", http_errc::chunk_size_overflow, 16, "17 f"},
        // Chunk data must be followed by CRLF.
        {"3\r\nabcX\r\n0\r\n\r\n", http_errc::missing_chunk_crlf, 6, "data too long"},
        {"3\r\nabc\rX0\r\n\r\n", http_errc::missing_chunk_crlf, 7, "CR without LF after data"},
        {"3\r\nabc\n0\r\n\r\n", http_errc::missing_chunk_crlf, 6, "LF only after data"},
        // The size line needs CRLF; a bare CR is refused, and so is LF alone.
        {"3\rabc", http_errc::bare_cr, 1, "bare CR after size"},
        {"3\nabc\r\n", http_errc::bad_chunk_size, 1, "LF only after size"},
        // Extensions must be ;token[=token|quoted-string].
        {"1;\r\nx\r\n", http_errc::bad_chunk_extension, 2, "empty extension name"},
        {"1;a=\r\nx\r\n", http_errc::bad_chunk_extension, 4, "empty extension value"},
        {"1;a=b c\r\nx\r\n", http_errc::bad_chunk_extension, 6, "two tokens"},
        {"1;a=\"b\x01\"\r\nx\r\n", http_errc::bad_chunk_extension, 6, "CTL in quoted"},
        {"1;a\x7f\r\nx\r\n", http_errc::bad_chunk_extension, 3, "DEL in name"},
        {"1;a\nx\r\n", http_errc::bad_chunk_extension, 3, "LF ends an extension"},
        // Trailer lines follow the header rules.
        {"0\r\nX : y\r\n\r\n", http_errc::whitespace_before_colon, 4, "SP before colon"},
        {"0\r\nX: y\r\n z\r\n\r\n", http_errc::obs_fold, 9, "folded trailer"},
        {"0\r\nX: \x01\r\n\r\n", http_errc::bad_field_value, 6, "CTL in trailer"},
    };
    check_rejects(std::begin(rows), std::end(rows));
}

TEST(chunked_decoder, enforces_limits_with_413_431_400) {
    parser_limits limits;
    limits.max_body = 10;
    limits.max_header_bytes = 16;
    limits.max_headers = 1;
    limits.max_chunk_line = 8;
    const reject_row rows[] = {
        // One chunk above max_body: 413 at its size line, before any data.
        {"b\r\n01234567890\r\n0\r\n\r\n", http_errc::body_too_large, 0, "11 bytes"},
        // The total above max_body.
        {"6\r\n012345\r\n5\r\n01234\r\n0\r\n\r\n", http_errc::body_too_large, 11, "6 + 5"},
        // A huge size, still in 64 bits, is 413 not overflow.
        {"ffffff\r\n", http_errc::body_too_large, 0, "16 MiB"},
        // A long extension: the size line is bounded.
        {"1;aaaaaaaaaaaa\r\nx\r\n", http_errc::chunk_line_too_long, 8, "long extension"},
        // A trailer section above 16 bytes: 431.
        {"0\r\nX: aaaaaaaaaaaaaaaaaaaaa\r\n\r\n", http_errc::headers_too_large, 19, "big trailer"},
        // Two trailer fields when one is allowed: 431.
        {"0\r\nA: 1\r\nB: 2\r\n\r\n", http_errc::too_many_headers, 9, "two trailers"},
    };
    check_rejects(std::begin(rows), std::end(rows), limits);
    EXPECT_EQ(weft::http::to_status(http_errc::body_too_large), status::content_too_large);
    // Exactly max_body is fine.
    const auto ok = decode("a\r\n0123456789\r\n0\r\n\r\n", 4, limits);
    EXPECT_FALSE(ok.error);
    EXPECT_EQ(ok.body, "0123456789");
}

TEST(chunked_decoder, failed_decoder_stays_failed_and_done_stays_done) {
    chunked_decoder d;
    const auto e = d.decode("z\r\n");
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(d.decode("0\r\n\r\n").error(), e.error());
    d.reset();
    auto p = d.decode("0\r\n\r\n");
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->consumed, 3u);
    p = d.decode("\r\n");
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->done);
    EXPECT_TRUE(d.done());
    p = d.decode("more");
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->done);
    EXPECT_EQ(p->consumed, 0u);
}

TEST(chunked_decoder, data_larger_than_a_read_streams_in_pieces) {
    chunked_decoder d;
    auto p = d.decode("10\r\n0123");
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->data, "0123");
    EXPECT_EQ(p->consumed, 8u);
    p = d.decode("456789abcdef\r\n0\r\n\r\n");
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->data, "456789abcdef");
    EXPECT_EQ(d.body_size(), 16u);
}

} // namespace
