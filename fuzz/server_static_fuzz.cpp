// Fuzzes static file serving with arbitrary requests (paths, Range, If-* and Accept-Encoding
// headers) against a small tree: no crash; only statuses a file server may give; and never a
// byte of the file kept outside the root, whatever the path or symlink.
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>
#include <weft/server/static_files.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
constexpr std::string_view secret = "OUTSIDE-THE-ROOT-SECRET";

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

// The tree, made once per process: root/{hello.txt, big.bin, page.html(+.gz), dir/index.html,
// empty/, out -> ../secret.txt, in -> hello.txt}, and secret.txt beside root.
const weft::server::static_files& files() {
    static const auto made = [] {
        const fs::path base =
            fs::temp_directory_path() / ("weft_fuzz_static_" + std::to_string(::getpid()));
        fs::remove_all(base);
        const fs::path root = base / "root";
        fs::create_directories(root / "dir");
        fs::create_directories(root / "empty");
        write(base / "secret.txt", std::string(secret));
        write(root / "hello.txt", "Hello, world\n");
        std::string big;
        for (int i = 0; i < 3000; ++i) {
            big += "line " + std::to_string(i) + " of a compressible text file\n";
        }
        write(root / "big.txt", big);
        write(root / "page.html", "<p>" + big + "</p>");
        write(root / "page.html.gz", "not really gzip");
        write(root / "dir" / "index.html", "<h1>index</h1>");
        fs::create_symlink(base / "secret.txt", root / "out");
        fs::create_symlink("hello.txt", root / "in");
        weft::server::static_files_options o;
        o.directory_listing = true;
        auto f = weft::server::static_files::open(root.string(), o);
        check(f.has_value());
        return std::move(*f);
    }();
    return made;
}

std::string body_of(const weft::http::response& r) {
    if (const auto* s = r.body_string()) {
        return *s;
    }
    if (const auto* f = r.body_file()) {
        std::string out(f->length, '\0');
        const auto n = ::pread(f->fd, out.data(), out.size(), f->offset);
        check(n == static_cast<ssize_t>(out.size()));
        return out;
    }
    return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    weft::http::request_parser parser;
    auto parsed = parser.parse(text);
    if (!parsed || *parsed == weft::http::request_parser::incomplete) {
        return 0;
    }
    const auto r = files().respond(parser.head());
    const int code = static_cast<int>(r.status());
    check(code == 200 || code == 206 || code == 301 || code == 304 || code == 400 || code == 403 ||
          code == 404 || code == 405 || code == 412 || code == 416);
    check(body_of(r).find(secret) == std::string::npos);
    return 0;
}
