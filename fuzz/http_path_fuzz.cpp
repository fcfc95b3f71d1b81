// Fuzzes make_safe_path: whatever the request path, the result never leaves the root.
#include <weft/http/target_path.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto p = weft::http::make_safe_path(text);
    if (!p) {
        return 0;
    }
    const std::string_view rel = p->relative;
    // Relative, no NUL, and no "." or ".." segment, so joining it to a root stays inside.
    if (!rel.empty() && (rel.front() == '/' || rel.back() == '/')) {
        __builtin_trap();
    }
    if (rel.find('\0') != std::string_view::npos || rel.find("//") != std::string_view::npos) {
        __builtin_trap();
    }
    std::size_t start = 0;
    while (start <= rel.size() && !rel.empty()) {
        const std::size_t slash = rel.find('/', start);
        const auto segment =
            rel.substr(start, slash == std::string_view::npos ? rel.npos : slash - start);
        if (segment == "." || segment == ".." || segment.empty()) {
            __builtin_trap();
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return 0;
}
