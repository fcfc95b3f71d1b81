#include <weft/http/compression.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <gtest/gtest.h>

using namespace weft::http;

namespace {

constexpr auto identity = content_coding::identity;
constexpr auto gzip = content_coding::gzip;
constexpr auto br = content_coding::br;
constexpr auto zstd = content_coding::zstd;

std::string sample_text(std::size_t n) {
    std::string s;
    while (s.size() < n) {
        s += "The quick brown fox jumps over the lazy dog. 0123456789\n";
    }
    s.resize(n);
    return s;
}

response text_response(std::string body, std::string_view type = "text/plain; charset=utf-8") {
    auto r = response::text(status::ok, std::move(body), type);
    r.set("ETag", "\"abc\"");
    return r;
}

} // namespace

static_assert(coding_set::all().contains(br) && !coding_set::all().contains(identity));
static_assert(coding_set{gzip}.contains(gzip) && !coding_set{gzip}.contains(zstd));

TEST(content_coding, names) {
    EXPECT_EQ(to_string(identity), "identity");
    EXPECT_EQ(to_string(gzip), "gzip");
    EXPECT_EQ(to_string(br), "br");
    EXPECT_EQ(to_string(zstd), "zstd");
}

TEST(compression, round_trips_every_coding) {
    for (const auto c : {identity, gzip, br, zstd}) {
        for (const std::size_t n : {0, 1, 255, 4096, 300000}) {
            const std::string text = sample_text(n);
            const auto packed = compress(text, c, default_level(c));
            ASSERT_TRUE(packed.has_value()) << to_string(c);
            if (n > 1000 && c != identity) {
                EXPECT_LT(packed->size(), text.size() / 4) << to_string(c);
            }
            const auto back = decompress(*packed, c, n);
            ASSERT_TRUE(back.has_value()) << to_string(c) << " " << n;
            EXPECT_EQ(*back, text) << to_string(c);
        }
    }
}

TEST(compression, gzip_has_the_gzip_wrapper) {
    const auto packed = compress("hello", gzip, 6);
    ASSERT_TRUE(packed.has_value());
    ASSERT_GE(packed->size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>((*packed)[0]), 0x1f); // RFC 1952 ID1
    EXPECT_EQ(static_cast<unsigned char>((*packed)[1]), 0x8b); // ID2
}

TEST(compression, levels_out_of_range_are_clamped) {
    for (const auto c : {gzip, br, zstd}) {
        for (const int level : {-5, 0, 100}) {
            const auto packed = compress(sample_text(1000), c, level);
            ASSERT_TRUE(packed.has_value()) << to_string(c) << " " << level;
            EXPECT_EQ(decompress(*packed, c, 1000).value(), sample_text(1000));
        }
    }
}

TEST(compression, decompress_stops_at_the_limit) {
    const std::string big(1 << 20, 'a'); // compresses to about a kilobyte
    for (const auto c : {identity, gzip, br, zstd}) {
        const auto packed = compress(big, c, default_level(c)).value();
        const auto r = decompress(packed, c, 1000);
        ASSERT_FALSE(r.has_value()) << to_string(c);
        EXPECT_EQ(r.error(), std::errc::value_too_large) << to_string(c);
    }
}

TEST(compression, corrupt_truncated_and_trailing_data_are_refused) {
    for (const auto c : {gzip, br, zstd}) {
        const auto packed = compress(sample_text(5000), c, default_level(c)).value();
        // Truncated by half.
        auto r = decompress(std::string_view(packed).substr(0, packed.size() / 2), c, 1 << 20);
        EXPECT_EQ(r.error(), std::errc::bad_message) << to_string(c);
        // Not compressed data at all.
        r = decompress("this is not compressed data, not at all", c, 1 << 20);
        EXPECT_EQ(r.error(), std::errc::bad_message) << to_string(c);
        // Empty input.
        r = decompress("", c, 1 << 20);
        EXPECT_EQ(r.error(), std::errc::bad_message) << to_string(c);
    }
    // Garbage after a complete gzip or br stream.
    for (const auto c : {gzip, br}) {
        const auto packed = compress("hello", c, 6).value() + "junk";
        EXPECT_EQ(decompress(packed, c, 100).error(), std::errc::bad_message) << to_string(c);
    }
}

TEST(accept_encoding, table) {
    struct row {
        std::string_view header;
        coding_set available;
        std::optional<content_coding> want;
    };
    const auto all = coding_set::all();
    const row rows[] = {
        {"", all, identity},                           // absent: identity only
        {"gzip", all, gzip},                           // the one named
        {"gzip, deflate, br, zstd", all, br},          // browsers: ties prefer br
        {"gzip, zstd", all, zstd},                     // zstd over gzip at a tie
        {"GZIP", all, gzip},                           // case-insensitive
        {"x-gzip", all, gzip},                         // RFC 9110 §8.4.1.3
        {"br;q=0.5, gzip;q=0.8", all, gzip},           // higher weight wins
        {"br;q=0.5, gzip", all, gzip},                 // implicit q=1
        {"br ; q=0.9 , gzip ; Q=0.1", all, br},        // whitespace, Q in capitals
        {"br;q=0, gzip;q=0.001", all, gzip},           // q=0 excludes
        {"br;q=0", all, identity},                     // excluded: identity is left
        {"*", all, br},                                // any coding
        {"*;q=0.5, gzip;q=0.1", all, br},              // * covers the unnamed ones
        {"*;q=0", all, std::nullopt},                  // nothing at all
        {"*;q=0, identity", all, identity},            // identity named explicitly
        {"identity;q=0", all, std::nullopt},           // identity excluded
        {"identity;q=0, gzip", all, gzip},             // a coding still acceptable
        {"gzip;q=0.5, identity", all, identity},       // identity preferred
        {"br", coding_set{gzip}, identity},            // not available here
        {"br, gzip;q=0.2", coding_set{gzip}, gzip},    // the best available
        {"br;q=1.0", all, br},                         // "1.0" is a valid qvalue
        {"br;q=1.5, gzip", all, gzip},                 // bad qvalue: element ignored
        {"br;q=0.1234, gzip;q=0.1", all, gzip},        // too many digits: ignored
        {"br;q=, gzip;q=0.1", all, gzip},              // empty qvalue: ignored
        {"br;level=5, gzip;q=0.1", all, gzip},         // unknown parameter: ignored
        {"b r, gzip", all, gzip},                      // not a token: ignored
        {",, ,gzip,", all, gzip},                      // empty elements are allowed
        {"deflate, compress", all, identity},          // codings weft does not produce
        {"gzip;q=0.3, gzip;q=0.9, br;q=0.5", all, br}, // the first mention counts
        {"zstd;q=0.9, br;q=0.9, gzip;q=0.9", all, br}, // explicit tie: br
        {"zstd, gzip", coding_set{gzip, zstd}, zstd},  // restricted set, still ordered
        {"br;q=0.001, identity;q=0.001", all, br},     // tie with identity: the coding
        {"identity", all, identity},                   // only identity
    };
    for (const auto& r : rows) {
        EXPECT_EQ(choose_coding(r.header, r.available), r.want) << '"' << r.header << '"';
    }
}

TEST(vary, added_and_merged) {
    response r;
    add_vary_accept_encoding(r);
    EXPECT_EQ(r.find("Vary"), "Accept-Encoding"); // none before
    add_vary_accept_encoding(r);
    EXPECT_EQ(r.find("Vary"), "Accept-Encoding"); // not twice

    response cookie;
    cookie.set("Vary", "Cookie");
    add_vary_accept_encoding(cookie);
    EXPECT_EQ(cookie.find("Vary"), "Cookie, Accept-Encoding"); // appended

    response already;
    already.set("vary", "Origin, accept-encoding");
    add_vary_accept_encoding(already);
    EXPECT_EQ(already.find("Vary"), "Origin, accept-encoding"); // case-insensitive

    response star;
    star.set("Vary", "*");
    add_vary_accept_encoding(star);
    EXPECT_EQ(star.find("Vary"), "*"); // "*" already varies on everything
}

TEST(etag, coding_suffix) {
    EXPECT_EQ(etag_for_coding("\"abc\"", br), "\"abc-br\"");
    EXPECT_EQ(etag_for_coding("W/\"abc\"", gzip), "W/\"abc-gzip\"");
    EXPECT_EQ(etag_for_coding("\"abc\"", identity), "\"abc\"");
    EXPECT_EQ(etag_for_coding("garbage", zstd), "garbage"); // not an entity-tag: unchanged
}

TEST(compress_response, compresses_text_and_marks_it) {
    for (const auto c : {gzip, br, zstd}) {
        const std::string text = sample_text(5000);
        auto r = text_response(text);
        r.set("Accept-Ranges", "bytes");
        ASSERT_TRUE(compress_response(r, std::string(to_string(c))));
        EXPECT_EQ(r.find("Content-Encoding"), to_string(c));
        EXPECT_EQ(r.find("Vary"), "Accept-Encoding");
        EXPECT_EQ(r.find("ETag"), "\"abc-" + std::string(to_string(c)) + "\"");
        EXPECT_FALSE(r.find("Accept-Ranges").has_value());
        ASSERT_NE(r.body_string(), nullptr);
        EXPECT_EQ(decompress(*r.body_string(), c, 1 << 20).value(), text);
    }
}

TEST(compress_response, leaves_alone_what_it_should) {
    // An image: not compressible, and no Vary either.
    auto png = text_response(sample_text(5000), "image/png");
    EXPECT_FALSE(compress_response(png, "gzip"));
    EXPECT_FALSE(png.find("Content-Encoding").has_value());
    EXPECT_FALSE(png.find("Vary").has_value());

    // Too small to be worth it: not compressed, but Vary still says it could have been.
    auto small = text_response("tiny");
    EXPECT_FALSE(compress_response(small, "gzip"));
    EXPECT_EQ(*small.body_string(), "tiny");
    EXPECT_EQ(small.find("Vary"), "Accept-Encoding");
    EXPECT_EQ(small.find("ETag"), "\"abc\"");

    // A client that accepts nothing we have.
    auto plain = text_response(sample_text(5000));
    EXPECT_FALSE(compress_response(plain, "deflate"));
    EXPECT_EQ(plain.find("Vary"), "Accept-Encoding");
    EXPECT_EQ(plain.body_string()->size(), 5000u);

    // 304 and 204 have no body; 206 is a range of the identity body.
    for (const auto s : {status::not_modified, status::no_content, status::partial_content}) {
        auto r = text_response(sample_text(5000));
        r.set_status(s);
        EXPECT_FALSE(compress_response(r, "gzip")) << static_cast<int>(s);
        EXPECT_EQ(r.find("Vary"), "Accept-Encoding");
    }

    // Already encoded: untouched.
    auto encoded = text_response(sample_text(5000));
    encoded.set("Content-Encoding", "gzip");
    EXPECT_FALSE(compress_response(encoded, "br"));
    EXPECT_FALSE(encoded.find("Vary").has_value());

    // No Content-Type: we do not know what it is.
    response untyped;
    untyped.set_body(sample_text(5000));
    EXPECT_FALSE(compress_response(untyped, "gzip"));

    // Only the codings allowed by the options.
    auto only_gzip = text_response(sample_text(5000));
    compress_options o;
    o.codings = coding_set{gzip};
    EXPECT_TRUE(compress_response(only_gzip, "br, gzip;q=0.5", o));
    EXPECT_EQ(only_gzip.find("Content-Encoding"), "gzip");

    // A file body is left for the file server to deal with.
    auto file = text_response("");
    file.set_file({0, 0, 100000});
    EXPECT_FALSE(compress_response(file, "gzip"));
}

TEST(compress_response, merges_an_existing_vary) {
    auto r = text_response(sample_text(5000));
    r.set("Vary", "Origin");
    ASSERT_TRUE(compress_response(r, "br"));
    EXPECT_EQ(r.find("Vary"), "Origin, Accept-Encoding");
}
