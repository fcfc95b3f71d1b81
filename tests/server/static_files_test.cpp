#include <weft/http/compression.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/server/static_files.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace weft;
using http::content_coding;
using http::response;
using http::status;
using server::static_files;
using server::static_files_options;

namespace {

namespace fs = std::filesystem;

std::string pattern(std::size_t n) {
    std::string s;
    s.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        s += static_cast<char>('a' + (i * 7 + i / 26) % 26);
    }
    return s;
}

std::string text(std::size_t n) {
    std::string s;
    while (s.size() < n) {
        s += "body { color: black; background: white; margin: 0 auto; }\n";
    }
    s.resize(n);
    return s;
}

void write_file(const fs::path& p, std::string_view content) {
    std::ofstream(p, std::ios::binary) << content;
}

// A temporary document root, removed at the end of the test.
class static_files_test : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "weft-static-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        base_ = tmpl;
        root_ = base_ / "root";
        fs::create_directory(root_);
        write_file(root_ / "hello.txt", "Hello, world\n");
        write_file(root_ / "digits.txt", "0123456789abcdefghij"); // 20 bytes
        write_file(root_ / "big.bin", pattern(100000));
        write_file(root_ / "image.png", pattern(5000));
        write_file(root_ / "page.html", text(5000));
        write_file(root_ / "style.css", text(3000));
        write_file(root_ / "style.css.br", "pretend-brotli");
        write_file(root_ / "style.css.gz", "pretend-gzip");
        write_file(root_ / "hello.txt.gz", "pretend-gzip");
        write_file(root_ / "large.txt", text(200000));
        fs::create_directory(root_ / "docs");
        write_file(root_ / "docs" / "index.html", "<h1>docs</h1>\n");
        fs::create_directory(root_ / "list");
        write_file(root_ / "list" / "b.txt", "bb");
        write_file(root_ / "list" / "a <&> \"q\".txt", "aaa");
        write_file(root_ / "list" / "hash#?.txt", "h");
        write_file(root_ / "list" / ".hidden", "secret");
        fs::create_directory(root_ / "list" / "zdir");
        fs::create_directory(root_ / "list" / "adir");
        write_file(base_ / "outside.txt", "outside the root\n");
        fs::create_symlink(base_ / "outside.txt", root_ / "out");
        fs::create_symlink("hello.txt", root_ / "inside");
        files_.emplace(static_files::open(root_.string()).value());
    }
    void TearDown() override {
        files_.reset();
        fs::remove_all(base_);
    }

    static response request(const static_files& f, std::string_view target,
                            const std::vector<std::string>& headers = {},
                            std::string_view method = "GET") {
        std::string raw =
            std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n";
        for (const auto& h : headers) {
            raw += h + "\r\n";
        }
        raw += "\r\n";
        http::request_parser p;
        const auto n = p.parse(raw);
        EXPECT_TRUE(n.has_value() && *n == raw.size()) << raw;
        return f.respond(p.head());
    }
    response get(std::string_view target, const std::vector<std::string>& headers = {},
                 std::string_view method = "GET") const {
        return request(*files_, target, headers, method);
    }
    static_files with(static_files_options o) const {
        return static_files::open(root_.string(), o).value();
    }

    // The body, whether a string or a file range.
    static std::string body(const response& r) {
        if (const auto* s = r.body_string()) {
            return *s;
        }
        if (const auto* f = r.body_file()) {
            std::string out(f->length, '\0');
            EXPECT_EQ(::pread(f->fd, out.data(), out.size(), f->offset),
                      static_cast<ssize_t>(out.size()));
            return out;
        }
        return {};
    }
    static std::string header(const response& r, std::string_view name) {
        return std::string(r.find(name).value_or("<none>"));
    }

    fs::path base_;
    fs::path root_;
    std::optional<static_files> files_;
};

} // namespace

TEST_F(static_files_test, small_file_with_validators) {
    const auto r = get("/hello.txt");
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(body(r), "Hello, world\n");
    ASSERT_NE(r.body_string(), nullptr); // small files go in the head's write
    EXPECT_EQ(header(r, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding"); // text could have been compressed
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    EXPECT_NE(header(r, "ETag"), "<none>");
    EXPECT_NE(header(r, "Last-Modified"), "<none>");
}

TEST_F(static_files_test, large_file_goes_by_sendfile) {
    const auto r = get("/big.bin");
    EXPECT_EQ(r.status(), status::ok);
    ASSERT_NE(r.body_file(), nullptr);
    EXPECT_EQ(r.body_file()->offset, 0);
    EXPECT_EQ(r.body_file()->length, 100000u);
    EXPECT_EQ(body(r), pattern(100000));
    EXPECT_EQ(header(r, "Vary"), "<none>"); // octet-stream is never compressed
}

TEST_F(static_files_test, methods_redirects_index) {
    auto r = get("/hello.txt", {}, "POST");
    EXPECT_EQ(r.status(), status::method_not_allowed);
    EXPECT_EQ(header(r, "Allow"), "GET, HEAD");
    r = get("/docs");
    EXPECT_EQ(r.status(), status::moved_permanently);
    EXPECT_EQ(header(r, "Location"), "/docs/");
    r = get("/docs/");
    EXPECT_EQ(body(r), "<h1>docs</h1>\n");
    r = get("/missing");
    EXPECT_EQ(r.status(), status::not_found);
    r = get("/hello.txt", {}, "HEAD");
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(r.body_size(), 13u); // Content-Length as for GET
}

TEST_F(static_files_test, single_ranges) {
    struct row {
        std::string range;
        std::string body;
        std::string content_range;
    };
    const row rows[] = {
        {"bytes=0-4", "01234", "bytes 0-4/20"},                  // first bytes
        {"bytes=10-", "abcdefghij", "bytes 10-19/20"},           // open-ended
        {"bytes=-3", "hij", "bytes 17-19/20"},                   // suffix
        {"bytes=-500", "0123456789abcdefghij", "bytes 0-19/20"}, // suffix longer than the file
        {"bytes=15-999", "fghij", "bytes 15-19/20"},             // last clamped
        {"BYTES=0-0", "0", "bytes 0-0/20"},                      // unit is case-insensitive
        {"bytes= 2-3 ", "23", "bytes 2-3/20"},                   // whitespace
        {"bytes=0-1,2-3", "0123", "bytes 0-3/20"},               // adjacent: coalesced
        {"bytes=0-10,5-12", "0123456789abc", "bytes 0-12/20"},   // overlapping: coalesced
        {"bytes=30-40,0-1", "01", "bytes 0-1/20"},               // unsatisfiable one dropped
        {"bytes=0-1,,", "01", "bytes 0-1/20"},                   // empty list elements
    };
    for (const auto& row : rows) {
        const auto r = get("/digits.txt", {"Range: " + row.range});
        EXPECT_EQ(r.status(), status::partial_content) << row.range;
        EXPECT_EQ(body(r), row.body) << row.range;
        EXPECT_EQ(header(r, "Content-Range"), row.content_range) << row.range;
        EXPECT_EQ(header(r, "Content-Encoding"), "<none>") << row.range;
    }
}

TEST_F(static_files_test, range_of_a_large_file_uses_sendfile) {
    const auto r = get("/big.bin", {"Range: bytes=50000-89999"});
    EXPECT_EQ(r.status(), status::partial_content);
    ASSERT_NE(r.body_file(), nullptr);
    EXPECT_EQ(r.body_file()->offset, 50000);
    EXPECT_EQ(r.body_file()->length, 40000u);
    EXPECT_EQ(body(r), pattern(100000).substr(50000, 40000));
    EXPECT_EQ(header(r, "Content-Range"), "bytes 50000-89999/100000");
}

TEST_F(static_files_test, multiple_ranges_are_multipart) {
    const auto r = get("/digits.txt", {"Range: bytes=0-1, 5-6, -2"});
    ASSERT_EQ(r.status(), status::partial_content);
    const std::string type = header(r, "Content-Type");
    const std::string prefix = "multipart/byteranges; boundary=";
    ASSERT_EQ(type.substr(0, prefix.size()), prefix);
    const std::string b = type.substr(prefix.size());
    const std::string part_head = "Content-Type: text/plain; charset=utf-8\r\nContent-Range: ";
    const std::string want = "--" + b + "\r\n" + part_head + "bytes 0-1/20\r\n\r\n01\r\n" + //
                             "--" + b + "\r\n" + part_head + "bytes 5-6/20\r\n\r\n56\r\n" + //
                             "--" + b + "\r\n" + part_head + "bytes 18-19/20\r\n\r\nij\r\n" + "--" +
                             b + "--\r\n";
    EXPECT_EQ(body(r), want);
    EXPECT_EQ(header(r, "Content-Range"), "<none>");
}

TEST_F(static_files_test, abusive_unsatisfiable_and_invalid_ranges) {
    std::string many = "Range: bytes=0-0";
    for (int i = 1; i <= 16; ++i) {
        many += "," + std::to_string(i) + "-" + std::to_string(i);
    }
    auto r = get("/digits.txt", {many}); // 17 ranges: the whole file (nginx max_ranges)
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(body(r), "0123456789abcdefghij");

    for (const std::string range : {"bytes=20-", "bytes=100-200", "bytes=-0", "bytes=20-30,40-"}) {
        r = get("/digits.txt", {"Range: " + range});
        EXPECT_EQ(r.status(), status::range_not_satisfiable) << range;
        EXPECT_EQ(header(r, "Content-Range"), "bytes */20") << range;
    }
    for (const std::string range : {"bytes=abc", "bytes=5-1", "items=0-1", "bytes=", "bytes=1",
                                    "bytes=0-1,x", "bytes=--1", "bytes 0-1"}) {
        r = get("/digits.txt", {"Range: " + range});
        EXPECT_EQ(r.status(), status::ok) << range; // invalid: ignored
        EXPECT_EQ(body(r), "0123456789abcdefghij") << range;
    }
    r = get("/digits.txt", {"Range: bytes=0-1"}, "HEAD"); // GET only
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(r.body_size(), 20u);
    r = get("/digits.txt", {"Range: bytes=99999999999999999999999-"}); // saturates, unsatisfiable
    EXPECT_EQ(r.status(), status::range_not_satisfiable);
}

TEST_F(static_files_test, if_range) {
    const auto full = get("/digits.txt");
    const std::string etag = header(full, "ETag");
    const std::string modified = header(full, "Last-Modified");
    const std::vector<std::pair<std::string, status>> rows = {
        {etag, status::partial_content},               // same entity-tag
        {"\"other\"", status::ok},                     // changed
        {"W/" + etag, status::ok},                     // weak never matches (strong)
        {modified, status::partial_content},           // exactly Last-Modified
        {"Sun, 06 Nov 1994 08:49:37 GMT", status::ok}, // another date
        {"not a date", status::ok},                    // neither
    };
    for (const auto& [value, want] : rows) {
        const auto r = get("/digits.txt", {"Range: bytes=0-1", "If-Range: " + value});
        EXPECT_EQ(r.status(), want) << value;
    }
}

TEST_F(static_files_test, conditional_precedence) {
    const auto full = get("/hello.txt");
    const std::string etag = header(full, "ETag");
    const std::string modified = header(full, "Last-Modified");
    const std::string past = "Sun, 06 Nov 1994 08:49:37 GMT";
    auto r = get("/hello.txt", {"If-None-Match: " + etag});
    EXPECT_EQ(r.status(), status::not_modified);
    EXPECT_EQ(header(r, "ETag"), etag);
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    EXPECT_EQ(r.body_size(), 0u);
    r = get("/hello.txt", {"If-None-Match: \"x\", W/" + etag}); // weak comparison, in a list
    EXPECT_EQ(r.status(), status::not_modified);
    r = get("/hello.txt", {"If-None-Match: *"});
    EXPECT_EQ(r.status(), status::not_modified);
    r = get("/hello.txt", {"If-Modified-Since: " + modified});
    EXPECT_EQ(r.status(), status::not_modified);
    r = get("/hello.txt", {"If-Modified-Since: " + past});
    EXPECT_EQ(r.status(), status::ok);
    // RFC 9110 §13.2.2: If-None-Match is evaluated, If-Modified-Since ignored.
    r = get("/hello.txt", {"If-None-Match: \"other\"", "If-Modified-Since: " + modified});
    EXPECT_EQ(r.status(), status::ok);
    r = get("/hello.txt", {"If-Match: \"other\""});
    EXPECT_EQ(r.status(), status::precondition_failed);
    r = get("/hello.txt", {"If-Match: W/" + etag}); // strong comparison
    EXPECT_EQ(r.status(), status::precondition_failed);
    r = get("/hello.txt", {"If-Match: " + etag});
    EXPECT_EQ(r.status(), status::ok);
    r = get("/hello.txt", {"If-Match: *"});
    EXPECT_EQ(r.status(), status::ok);
    r = get("/hello.txt", {"If-Unmodified-Since: " + past});
    EXPECT_EQ(r.status(), status::precondition_failed);
    r = get("/hello.txt", {"If-Match: " + etag, "If-Unmodified-Since: " + past}); // If-Match wins
    EXPECT_EQ(r.status(), status::ok);
}

TEST_F(static_files_test, precompressed_siblings) {
    const auto identity = get("/style.css");
    auto r = get("/style.css", {"Accept-Encoding: gzip, deflate, br"});
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(body(r), "pretend-brotli");
    EXPECT_EQ(header(r, "Content-Encoding"), "br");
    EXPECT_EQ(header(r, "Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    EXPECT_NE(header(r, "ETag"), header(identity, "ETag")); // its own
    EXPECT_EQ(header(r, "Accept-Ranges"), "<none>");
    const std::string br_etag = header(r, "ETag");
    r = get("/style.css", {"Accept-Encoding: br", "If-None-Match: " + br_etag});
    EXPECT_EQ(r.status(), status::not_modified);

    r = get("/style.css", {"Accept-Encoding: gzip"});
    EXPECT_EQ(body(r), "pretend-gzip");
    EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
    // br preferred, but only .gz is acceptable besides it: br;q=0 excludes the .br sibling.
    r = get("/style.css", {"Accept-Encoding: br;q=0, gzip"});
    EXPECT_EQ(body(r), "pretend-gzip");
    // zstd has no sibling: compressed on the fly instead.
    r = get("/style.css", {"Accept-Encoding: zstd"});
    EXPECT_EQ(header(r, "Content-Encoding"), "zstd");
    EXPECT_EQ(http::decompress(body(r), content_coding::zstd, 1 << 20).value(), text(3000));
    // A Range asks for bytes of the file itself.
    r = get("/style.css", {"Accept-Encoding: br", "Range: bytes=0-3"});
    EXPECT_EQ(r.status(), status::partial_content);
    EXPECT_EQ(body(r), text(4));
    // A file too small to be worth compressing: its siblings are not even looked for.
    r = get("/hello.txt", {"Accept-Encoding: gzip"});
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    EXPECT_EQ(body(r), "Hello, world\n");
    // With the option off, the siblings are just files.
    static_files_options o;
    o.precompressed = false;
    r = request(with(o), "/style.css", {"Accept-Encoding: br"});
    EXPECT_EQ(header(r, "Content-Encoding"), "br");
    EXPECT_EQ(http::decompress(body(r), content_coding::br, 1 << 20).value(), text(3000));
}

TEST_F(static_files_test, on_the_fly_compression) {
    const auto identity = get("/page.html");
    EXPECT_EQ(header(identity, "Vary"), "Accept-Encoding");
    EXPECT_EQ(body(identity), text(5000));
    for (const auto c : {content_coding::gzip, content_coding::br, content_coding::zstd}) {
        const std::string name(http::to_string(c));
        const auto r = get("/page.html", {"Accept-Encoding: " + name});
        EXPECT_EQ(r.status(), status::ok);
        EXPECT_EQ(header(r, "Content-Encoding"), name);
        EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
        EXPECT_EQ(header(r, "ETag"), http::etag_for_coding(header(identity, "ETag"), c));
        EXPECT_EQ(header(r, "Accept-Ranges"), "<none>");
        EXPECT_EQ(http::decompress(body(r), c, 1 << 20).value(), text(5000));
        // Revalidation of the compressed representation does not compress again.
        const auto again =
            get("/page.html", {"Accept-Encoding: " + name, "If-None-Match: " + header(r, "ETag")});
        EXPECT_EQ(again.status(), status::not_modified);
    }
    // A 200 KiB text file: compressed too (below compress_max), as a string body.
    auto r = get("/large.txt", {"Accept-Encoding: gzip"});
    EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
    EXPECT_EQ(http::decompress(body(r), content_coding::gzip, 1 << 20).value(), text(200000));
    // Above compress_max: identity by sendfile.
    static_files_options o;
    o.compress_max = 100000;
    r = request(with(o), "/large.txt", {"Accept-Encoding: gzip"});
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    EXPECT_NE(r.body_file(), nullptr);
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    // compress off.
    o = {};
    o.compress = false;
    r = request(with(o), "/page.html", {"Accept-Encoding: gzip"});
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    // Images, small files, identity-only clients.
    r = get("/image.png", {"Accept-Encoding: gzip, br"});
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    EXPECT_EQ(header(r, "Vary"), "<none>");
    r = get("/hello.txt", {"Accept-Encoding: gzip, br"});
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    EXPECT_EQ(body(r), "Hello, world\n");
    r = get("/page.html", {"Accept-Encoding: identity"});
    EXPECT_EQ(header(r, "Content-Encoding"), "<none>");
    // HEAD reports the length of the body GET would send.
    const auto g = get("/page.html", {"Accept-Encoding: gzip"});
    const auto h = get("/page.html", {"Accept-Encoding: gzip"}, "HEAD");
    EXPECT_EQ(h.body_size(), g.body_size());
    EXPECT_EQ(header(h, "Content-Encoding"), "gzip");
}

TEST_F(static_files_test, directory_listing) {
    auto r = get("/list/");
    EXPECT_EQ(r.status(), status::forbidden); // off by default, like nginx
    static_files_options o;
    o.directory_listing = true;
    const auto listing = with(o);
    r = request(listing, "/list/");
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
    const std::string html = body(r);
    EXPECT_EQ(html.find(".hidden"), std::string::npos);
    EXPECT_NE(html.find("<title>Index of /list/</title>"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"../\">../</a>"), std::string::npos);
    // Escaped for HTML in the text, percent-encoded in the link.
    EXPECT_NE(
        html.find("<a href=\"a%20%3C%26%3E%20%22q%22.txt\">a &lt;&amp;&gt; &quot;q&quot;.txt</a>"),
        std::string::npos)
        << html;
    EXPECT_NE(html.find("<a href=\"hash%23%3F.txt\">hash#?.txt</a>"), std::string::npos);
    EXPECT_EQ(html.find("<a <&>"), std::string::npos);
    // Sorted, directories first with a trailing '/'.
    const auto adir = html.find(">adir/<");
    const auto zdir = html.find(">zdir/<");
    const auto a = html.find(">a &lt;");
    const auto b = html.find(">b.txt<");
    ASSERT_NE(adir, std::string::npos);
    EXPECT_LT(adir, zdir);
    EXPECT_LT(zdir, a);
    EXPECT_LT(a, b);
    EXPECT_NE(html.find(">b.txt</a></td><td>2</td>"), std::string::npos); // size
    EXPECT_NE(html.find(" GMT</td>"), std::string::npos);                 // mtime
    // A directory with an index still serves the index.
    r = request(listing, "/docs/");
    EXPECT_EQ(body(r), "<h1>docs</h1>\n");
    // The root, and compression of the listing for clients that accept it.
    r = request(listing, "/", {"Accept-Encoding: gzip"});
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    const std::string root_html =
        header(r, "Content-Encoding") == "gzip"
            ? http::decompress(body(r), content_coding::gzip, 1 << 20).value()
            : body(r);
    EXPECT_NE(root_html.find("Index of /<"), std::string::npos);
    EXPECT_EQ(root_html.find("href=\"../\""), std::string::npos);
    EXPECT_NE(root_html.find(">list/<"), std::string::npos);
    EXPECT_EQ(root_html.find(">out<"), std::string::npos); // a symlink not followed: not listed
}

TEST_F(static_files_test, nothing_outside_the_root) {
    const std::pair<std::string_view, status> rows[] = {
        {"/../outside.txt", status::bad_request},         // raw ..
        {"/%2e%2e/outside.txt", status::bad_request},     // encoded ..
        {"/%2E%2e/outside.txt", status::bad_request},     // mixed case
        {"/docs/../../outside.txt", status::bad_request}, // climbs above the root
        {"/..%2foutside.txt", status::bad_request},       // encoded slash
        {"/docs%2findex.html", status::bad_request},      // encoded slash, even inside
        {"/hello%00.txt", status::bad_request},           // NUL
        {"/out", status::forbidden},                      // symlink leaving the root
        {"/inside", status::ok},                          // a symlink within the root is fine
        {"/docs/../hello.txt", status::ok},               // .. that stays inside is fine
    };
    for (const auto& [target, want] : rows) {
        const auto r = get(target);
        EXPECT_EQ(r.status(), want) << target;
        EXPECT_EQ(body(r).find("outside the root"), std::string::npos) << target;
    }
}

TEST_F(static_files_test, follow_symlinks) {
    static_files_options o;
    o.follow_symlinks = true;
    const auto f = with(o);
    auto r = request(f, "/inside");
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(body(r), "Hello, world\n");
    r = request(f, "/out"); // the operator asked for it: symlinks go where they point
    EXPECT_EQ(r.status(), status::ok);
    EXPECT_EQ(body(r), "outside the root\n");
    r = request(f, "/../outside.txt"); // but the path itself still cannot climb out
    EXPECT_EQ(r.status(), status::bad_request);
    r = request(f, "/%2e%2e/outside.txt");
    EXPECT_EQ(r.status(), status::bad_request);
}

// ---- the open-file cache --------------------------------------------------------------------

namespace {

std::size_t open_descriptors() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) {
        ++n;
    }
    return n;
}

} // namespace

TEST_F(static_files_test, cache_trusts_a_file_while_valid) {
    static_files_options o;
    o.cache_valid = std::chrono::hours(1);
    const auto f = with(o);
    EXPECT_EQ(body(request(f, "/hello.txt")), "Hello, world\n");
    write_file(root_ / "hello.txt", "changed\n");
    EXPECT_EQ(body(request(f, "/hello.txt")), "Hello, world\n"); // no syscall: the cached copy
    fs::remove(root_ / "hello.txt");
    EXPECT_EQ(request(f, "/hello.txt").status(), status::ok);
    // Another instance (another root, or options) has caches of its own.
    EXPECT_EQ(request(with(o), "/hello.txt").status(), status::not_found);
}

TEST_F(static_files_test, cache_sees_changes_after_the_validity_window) {
    static_files_options o;
    o.cache_valid = std::chrono::milliseconds(50);
    const auto f = with(o);
    const auto wait = [] { ::usleep(80 * 1000); };
    auto r = request(f, "/hello.txt");
    const std::string etag = header(r, "ETag");
    EXPECT_EQ(body(r), "Hello, world\n");
    (void)request(f, "/big.bin");
    (void)request(f, "/nothing.txt");

    // Rewritten in place (same inode, new mtime and size).
    write_file(root_ / "hello.txt", "changed in place\n");
    // Replaced by rename (a new inode), as editors and deploy tools do.
    write_file(root_ / "big.tmp", pattern(50000));
    fs::rename(root_ / "big.tmp", root_ / "big.bin");
    // Created where a 404 was.
    write_file(root_ / "nothing.txt", "now here\n");
    wait();
    r = request(f, "/hello.txt");
    EXPECT_EQ(body(r), "changed in place\n");
    EXPECT_NE(header(r, "ETag"), etag);
    r = request(f, "/hello.txt", {"If-None-Match: " + etag});
    EXPECT_EQ(r.status(), status::ok); // the old validator no longer matches
    r = request(f, "/big.bin");
    ASSERT_NE(r.body_file(), nullptr);
    EXPECT_EQ(r.body_file()->length, 50000u);
    EXPECT_EQ(body(r), pattern(50000));
    EXPECT_EQ(body(request(f, "/nothing.txt")), "now here\n");

    // Deleted: 404 once the window has passed.
    fs::remove(root_ / "hello.txt");
    wait();
    EXPECT_EQ(request(f, "/hello.txt").status(), status::not_found);

    // A symlink swapped to leave the root is refused again (the revalidation reopens
    // beneath the root).
    (void)request(f, "/inside");
    fs::remove(root_ / "inside");
    fs::create_symlink(base_ / "outside.txt", root_ / "inside");
    wait();
    r = request(f, "/inside");
    EXPECT_EQ(r.status(), status::forbidden);
    EXPECT_EQ(body(r).find("outside the root"), std::string::npos);

    // A precompressed sibling that appears is used; one that goes away is not.
    write_file(root_ / "page.html.br", "pretend-brotli");
    (void)request(f, "/page.html", {"Accept-Encoding: br"});
    fs::remove(root_ / "page.html.br");
    wait();
    r = request(f, "/page.html", {"Accept-Encoding: br"});
    EXPECT_EQ(http::decompress(body(r), content_coding::br, 1 << 20).value(), text(5000));
}

TEST_F(static_files_test, cache_off_opens_every_time) {
    static_files_options o;
    o.cache_entries = 0;
    const auto f = with(o);
    EXPECT_EQ(body(request(f, "/hello.txt")), "Hello, world\n");
    write_file(root_ / "hello.txt", "changed\n");
    EXPECT_EQ(body(request(f, "/hello.txt")), "changed\n");
}

TEST_F(static_files_test, cache_is_bounded) {
    static_files_options o;
    o.cache_entries = 8;
    const auto f = with(o);
    fs::create_directory(root_ / "many");
    for (int i = 0; i < 100; ++i) {
        write_file(root_ / "many" / (std::to_string(i) + ".bin"), pattern(20000 + i));
    }
    (void)request(f, "/hello.txt");
    const std::size_t before = open_descriptors();
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 100; ++i) {
            const auto r = request(f, "/many/" + std::to_string(i) + ".bin");
            ASSERT_EQ(r.status(), status::ok);
            ASSERT_NE(r.body_file(), nullptr);
            EXPECT_EQ(body(r), pattern(20000 + i)) << i;
        }
    }
    // At most the bound stays open (the cache held one file already).
    EXPECT_LE(open_descriptors(), before + 8);
}

TEST_F(static_files_test, a_response_keeps_its_file_open_after_eviction) {
    static_files_options o;
    o.cache_entries = 1;
    const auto f = with(o);
    const auto big = request(f, "/big.bin");
    ASSERT_NE(big.body_file(), nullptr);
    (void)request(f, "/large.txt"); // evicts big.bin
    (void)request(f, "/hello.txt");
    EXPECT_EQ(body(big), pattern(100000));
}

TEST_F(static_files_test, caches_of_instances_that_are_gone_are_dropped) {
    const std::size_t before = open_descriptors();
    for (int i = 0; i < 20; ++i) {
        const auto f = with({});
        (void)request(f, "/big.bin");
        (void)request(f, "/large.txt");
    }
    // Each new instance drops the caches of those destroyed before it: one left at most.
    EXPECT_LE(open_descriptors(), before + 3);
}

// Canonical targets take a shortcut past make_safe_path; every other spelling of the same
// file must still reach it, and the refusals stay refusals.
TEST_F(static_files_test, path_spellings) {
    const std::pair<std::string_view, status> rows[] = {
        {"/hello.txt", status::ok},
        {"//hello.txt", status::ok},
        {"/./hello.txt", status::ok},
        {"/docs/./index.html", status::ok},
        {"/docs//index.html", status::ok},
        {"/hell%6F.txt", status::ok},
        {"/docs/", status::ok},
        {"/docs/.", status::ok},
        {"/docs", status::moved_permanently},
        {"/", status::forbidden}, // no index.html, listing off
        {"/hello.txt/", status::ok},
        {"/docs/..", status::forbidden}, // the root
        {"/..", status::bad_request},
        {"/a\\..\\hello.txt", status::bad_request},
        {"/nothing", status::not_found},
    };
    for (const auto& [target, want] : rows) {
        EXPECT_EQ(get(target).status(), want) << target;
    }
    EXPECT_EQ(body(get("/docs//index.html")), "<h1>docs</h1>\n");
    EXPECT_EQ(body(get("/docs/")), "<h1>docs</h1>\n");
}

// A small file's compressed copy is kept with it, and made again when the file changes.
TEST_F(static_files_test, compressed_copies_follow_their_file) {
    static_files_options o;
    o.cache_valid = std::chrono::milliseconds(50);
    const auto f = with(o);
    for (const auto c : {content_coding::gzip, content_coding::br, content_coding::zstd}) {
        const std::string accept = "Accept-Encoding: " + std::string(http::to_string(c));
        const auto first = request(f, "/page.html", {accept});
        const auto second = request(f, "/page.html", {accept});
        EXPECT_EQ(body(second), body(first));
        EXPECT_EQ(header(second, "ETag"), header(first, "ETag"));
        EXPECT_EQ(http::decompress(body(second), c, 1 << 20).value(), text(5000));
    }
    const auto before = request(f, "/page.html", {"Accept-Encoding: gzip"});
    write_file(root_ / "page.html", text(6000));
    ::usleep(80 * 1000);
    for (const auto c : {content_coding::gzip, content_coding::br, content_coding::zstd}) {
        const std::string accept = "Accept-Encoding: " + std::string(http::to_string(c));
        const auto r = request(f, "/page.html", {accept});
        EXPECT_EQ(http::decompress(body(r), c, 1 << 20).value(), text(6000));
        EXPECT_EQ(header(r, "ETag"),
                  http::etag_for_coding(header(request(f, "/page.html"), "ETag"), c));
    }
    EXPECT_NE(header(request(f, "/page.html", {"Accept-Encoding: gzip"}), "ETag"),
              header(before, "ETag"));
}
