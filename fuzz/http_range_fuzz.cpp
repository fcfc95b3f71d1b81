// Fuzzes Range parsing and resolution: no crash; every resolved range lies inside the
// representation and is non-empty; after coalescing the ranges are sorted, disjoint and
// not touching, and cover exactly the bytes the unmerged ranges covered.
#include <weft/http/byte_range.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

// Whether byte `b` is in any of `ranges`.
bool covered(const std::vector<weft::http::byte_range>& ranges, std::uint64_t b) {
    for (const auto& r : ranges) {
        if (b >= r.first && b - r.first < r.length) {
            return true;
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    // The first two bytes pick the representation's size (1..65536), the rest is the value.
    const std::uint64_t length = 1 + (static_cast<std::uint64_t>(data[0]) << 8 | data[1]);
    const std::string_view value(reinterpret_cast<const char*>(data + 2), size - 2);
    const auto specs = weft::http::parse_range(value);
    if (!specs) {
        return 0;
    }
    check(!specs->empty());
    auto parts = weft::http::satisfiable(*specs, length);
    check(parts.size() <= specs->size());
    for (const auto& p : parts) {
        check(p.length > 0 && p.first < length && p.length <= length - p.first);
    }
    const auto before = parts;
    weft::http::coalesce(parts);
    for (std::size_t i = 1; i < parts.size(); ++i) {
        check(parts[i - 1].first + parts[i - 1].length < parts[i].first);
    }
    if (length <= 4096) {
        for (std::uint64_t b = 0; b < length; ++b) {
            check(covered(before, b) == covered(parts, b));
        }
    }
    return 0;
}
