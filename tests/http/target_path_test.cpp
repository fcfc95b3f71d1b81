#include <weft/http/target_path.hpp>

#include <string_view>

#include <gtest/gtest.h>

using weft::http::make_safe_path;
using weft::http::path_error;
using weft::http::percent_decode;

TEST(make_safe_path, normalises_inside_the_root) {
    struct row {
        std::string_view target;
        std::string_view relative;
        bool directory;
    };
    const row rows[] = {
        {"/", "", true},                              // the root: its index
        {"/index.html", "index.html", false},         // a file
        {"/docs/", "docs", true},                     // a directory
        {"/a//b", "a/b", false},                      // empty segments dropped
        {"/a/./b", "a/b", false},                     // "." dropped
        {"/a/b/../c", "a/c", false},                  // ".." inside the root is fine
        {"/a/..", "", true},                          // back to the root
        {"/a%20b/c%2Bd", "a b/c+d", false},           // decoded once
        {"/%2e/x", "x", false},                       // "%2e" is "."
        {"/a/%2e%2e/b", "b", false},                  // "%2e%2e" is "..", still inside
        {"/%252e%252e/x", "%2e%2e/x", false},         // decoded only once: a literal name
        {"/caf%C3%A9.txt", "caf\xC3\xA9.txt", false}, // UTF-8 bytes pass through
    };
    for (const auto& r : rows) {
        const auto p = make_safe_path(r.target);
        ASSERT_TRUE(p) << r.target << ": " << describe(p.error());
        EXPECT_EQ(p->relative, r.relative) << r.target;
        EXPECT_EQ(p->directory, r.directory) << r.target;
    }
}

TEST(make_safe_path, refuses_every_way_out_of_the_root) {
    struct row {
        std::string_view target;
        path_error error;
    };
    const row rows[] = {
        {"", path_error::not_absolute},                    // nothing
        {"index.html", path_error::not_absolute},          // relative
        {"/..", path_error::escapes_root},                 // straight up
        {"/../etc/passwd", path_error::escapes_root},      // the classic
        {"/a/../../etc/passwd", path_error::escapes_root}, // up twice from one level
        {"/%2e%2e/etc/passwd", path_error::escapes_root},  // encoded dots
        {"/%2E%2E/etc/passwd", path_error::escapes_root},  // upper-case escapes
        {"/.%2e/etc/passwd", path_error::escapes_root},    // half encoded
        {"/..%2fetc%2fpasswd", path_error::encoded_slash}, // encoded separator
        {"/a%5c..%5c..%5cx", path_error::encoded_slash},   // encoded backslash
        {"/a%00.html", path_error::nul},                   // NUL truncation trick
        {std::string_view("/a\0b", 4), path_error::nul},   // raw NUL
        {"/a%0d%0aSet-Cookie:x", path_error::control},     // header injection bytes
        {"/a%zz", path_error::bad_escape},                 // not hex
        {"/a%4", path_error::bad_escape},                  // truncated escape
        {"/a%", path_error::bad_escape},                   // bare '%'
    };
    for (const auto& r : rows) {
        const auto p = make_safe_path(r.target);
        ASSERT_FALSE(p) << r.target << " gave " << p->relative;
        EXPECT_EQ(p.error(), r.error) << r.target;
    }
}

TEST(percent_decode, decodes_once_and_leaves_plus) {
    EXPECT_EQ(percent_decode("a%20b+c").value(), "a b+c");
    EXPECT_EQ(percent_decode("%25").value(), "%");
    EXPECT_FALSE(percent_decode("%G0"));
}
