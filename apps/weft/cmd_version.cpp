// weft version (and weft --version): what this binary is and what it runs with, like
// `nginx -V`: weft's version and commit, the compiler, the libraries as they report
// themselves at run time, and the io backend the event loop picks on this machine.

#include "commands.hpp"
#include "output.hpp"
#include "usage.hpp"

#include <weft/io/loop.hpp>

#include <cstdlib>
#include <memory>
#include <string>

#include <boost/version.hpp>
#include <brotli/encode.h>
#include <fmt/format.h>
#include <git_commit.hpp>
#include <link.h>
#include <sqlite3.h>
#include <sys/utsname.h>
#include <zlib.h>
#include <zstd.h>

namespace weft::cli {
namespace {

namespace json = boost::json;

// liburing 2.3 has no version call: its version is in the file name the loader mapped
// (liburing.so.2 -> liburing.so.2.3).
std::string mapped_library_version(const std::string& soname_prefix) {
    struct search {
        std::string prefix;
        std::string path;
    } s{soname_prefix, {}};
    dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* data) {
            auto* s = static_cast<search*>(data);
            const std::string_view name = info->dlpi_name == nullptr ? "" : info->dlpi_name;
            if (name.find(s->prefix) != std::string_view::npos) {
                s->path = name;
                return 1;
            }
            return 0;
        },
        &s);
    if (s.path.empty()) {
        return "linked statically";
    }
    char* real = realpath(s.path.c_str(), nullptr);
    const std::string resolved = real != nullptr ? real : s.path;
    std::free(real);
    const auto at = resolved.rfind(".so.");
    if (at == std::string::npos) {
        return resolved;
    }
    // "2.3" from ".so.2.3"
    return resolved.substr(at + 4);
}

std::string kernel_release() {
    utsname u{};
    return uname(&u) == 0 ? u.release : "unknown";
}

json::object version_object() {
    json::object libraries;
    libraries["liburing"] = mapped_library_version("liburing.so");
    libraries["zlib"] = zlibVersion();
    const std::uint32_t br = BrotliEncoderVersion();
    libraries["brotli"] = fmt::format("{}.{}.{}", br >> 24, (br >> 12) & 0xfff, br & 0xfff);
    libraries["zstd"] = ZSTD_versionString();
    libraries["sqlite"] = sqlite3_libversion();
    libraries["boost"] = fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
                                     BOOST_VERSION % 100);
    libraries["fmt"] =
        fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100);
    libraries["cli11"] = CLI11_VERSION;

    json::object o;
    o["weft"] = WEFT_VERSION;
    o["commit"] = WEFT_GIT_COMMIT;
    o["compiler"] =
#if defined(__clang__)
        fmt::format("clang++ {}", __clang_version__);
#else
        fmt::format("g++ {}", __VERSION__);
#endif
    o["kernel"] = kernel_release();
    // The backend a loop gets here: io_uring unless the kernel refuses it or WEFT_IO says.
    if (auto loop = io::loop::create()) {
        o["io_backend"] = io::to_string((*loop)->kind());
    } else {
        o["io_backend"] = fmt::format("none ({})", loop.error().message());
    }
    const char* forced = std::getenv("WEFT_IO");
    o["io_backend_forced_by"] =
        forced != nullptr ? json::value(fmt::format("WEFT_IO={}", forced)) : json::value(nullptr);
    o["libraries"] = std::move(libraries);
    return o;
}

std::string forced_text(const json::value& forced_by) {
    return forced_by.is_string() ? fmt::format(", forced by {}", forced_by.as_string().c_str())
                                 : std::string();
}

} // namespace

int print_version(bool json_out) {
    const json::object o = version_object();
    if (json_out) {
        print_json(o);
        return exit_ok;
    }
    fmt::print("weft {} (commit {})\n", o.at("weft").as_string().c_str(),
               o.at("commit").as_string().c_str());
    fmt::print("built with {}, C++20\n", o.at("compiler").as_string().c_str());
    fmt::print("io backend: {} (kernel {}{})\n", o.at("io_backend").as_string().c_str(),
               o.at("kernel").as_string().c_str(), forced_text(o.at("io_backend_forced_by")));
    std::string libs;
    for (const auto& [name, version] : o.at("libraries").as_object()) {
        libs += fmt::format("{}{} {}", libs.empty() ? "" : ", ", std::string_view(name),
                            version.as_string().c_str());
    }
    fmt::print("libraries: {}\n", libs);
    return exit_ok;
}

void add_version_commands(CLI::App& app, int& status) {
    auto json_out = std::make_shared<bool>(false);
    auto* version =
        app.add_subcommand("version", "weft's version, commit, libraries and io backend");
    version->add_flag("--json", *json_out, "print JSON instead of text");
    set_example(version, "weft version");
    version->callback([json_out, &status] { status = print_version(*json_out); });
}

} // namespace weft::cli
