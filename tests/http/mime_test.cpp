#include <weft/http/mime.hpp>

#include <string_view>

#include <gtest/gtest.h>

using weft::http::is_compressible;
using weft::http::mime_type_for;

TEST(mime_type_for, maps_extensions_case_insensitively) {
    struct row {
        std::string_view path;
        std::string_view type;
    };
    const row rows[] = {
        {"index.html", "text/html; charset=utf-8"},      // the usual page
        {"/site/INDEX.HTM", "text/html; charset=utf-8"}, // upper case, path
        {"app.js", "text/javascript; charset=utf-8"},    // RFC 9239
        {"data.json", "application/json"},               // no charset for JSON
        {"logo.svg", "image/svg+xml"},                   // XML image
        {"photo.JPEG", "image/jpeg"},                    // upper-case extension
        {"font.woff2", "font/woff2"},                    // fonts
        {"archive.tar.gz", "application/gzip"},          // last extension wins
        {"Makefile", "application/octet-stream"},        // no extension
        {".htaccess", "application/octet-stream"},       // dot file: no extension
        {"dir.d/file", "application/octet-stream"},      // dot in a directory only
        {"x.unknownext", "application/octet-stream"},    // unknown
        {"", "application/octet-stream"},                // empty
    };
    for (const auto& r : rows) {
        EXPECT_EQ(mime_type_for(r.path), r.type) << r.path;
    }
}

TEST(is_compressible, text_yes_media_no) {
    EXPECT_TRUE(is_compressible("text/html; charset=utf-8"));
    EXPECT_TRUE(is_compressible("application/json"));
    EXPECT_TRUE(is_compressible("image/svg+xml"));
    EXPECT_TRUE(is_compressible("application/wasm"));
    EXPECT_FALSE(is_compressible("image/png"));
    EXPECT_FALSE(is_compressible("video/mp4"));
    EXPECT_FALSE(is_compressible("application/gzip"));
    EXPECT_FALSE(is_compressible("font/woff2"));
    EXPECT_FALSE(is_compressible("application/octet-stream"));
}
