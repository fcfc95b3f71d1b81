#include <weft/http/byte_range.hpp>
#include <weft/http/request_parser.hpp>

#include <algorithm>
#include <limits>

namespace weft::http {
namespace {

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::optional<std::uint64_t> parse_digits(std::string_view s) noexcept {
    if (s.empty()) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        // Saturate: a position past any file is still syntactically valid, just unsatisfiable.
        const auto d = static_cast<std::uint64_t>(c - '0');
        v = v > (std::numeric_limits<std::uint64_t>::max() - d) / 10
                ? std::numeric_limits<std::uint64_t>::max()
                : v * 10 + d;
    }
    return v;
}

} // namespace

// Range = "bytes=" 1#range-spec; nullopt when invalid, which makes the header ignored
// (RFC 9110 §14.2), as is any unit other than bytes.
std::optional<std::vector<range_spec>> parse_range(std::string_view value) {
    constexpr std::string_view unit = "bytes=";
    if (value.size() < unit.size() || !detail::iequals(value.substr(0, 6), unit)) {
        return std::nullopt;
    }
    value.remove_prefix(unit.size());
    std::vector<range_spec> out;
    while (!value.empty()) {
        const auto comma = value.find(',');
        std::string_view item = value.substr(0, comma);
        value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
        while (!item.empty() && is_ows(item.front())) {
            item.remove_prefix(1);
        }
        while (!item.empty() && is_ows(item.back())) {
            item.remove_suffix(1);
        }
        if (item.empty()) {
            continue;
        }
        const auto dash = item.find('-');
        if (dash == std::string_view::npos) {
            return std::nullopt;
        }
        range_spec r;
        if (dash == 0) {
            r.last = parse_digits(item.substr(1)); // suffix-length
            if (!r.last) {
                return std::nullopt;
            }
        } else {
            r.first = parse_digits(item.substr(0, dash));
            if (!r.first) {
                return std::nullopt;
            }
            if (dash + 1 < item.size()) {
                r.last = parse_digits(item.substr(dash + 1));
                if (!r.last || *r.last < *r.first) {
                    return std::nullopt; // last-pos < first-pos is invalid (§14.1.2)
                }
            }
        }
        out.push_back(r);
    }
    if (out.empty()) {
        return std::nullopt;
    }
    return out;
}

// The satisfiable ranges of `specs` for a representation of `size` bytes (size > 0).
std::vector<byte_range> satisfiable(const std::vector<range_spec>& specs, std::uint64_t size) {
    std::vector<byte_range> out;
    for (const auto& s : specs) {
        if (!s.first) {
            if (*s.last > 0) {
                const std::uint64_t n = std::min(*s.last, size);
                out.push_back({size - n, n});
            }
        } else if (*s.first < size) {
            const std::uint64_t last = std::min(s.last.value_or(size - 1), size - 1);
            out.push_back({*s.first, last - *s.first + 1});
        }
    }
    return out;
}

// Orders the ranges and merges those that overlap or touch (RFC 9110 §14.3 allows it).
void coalesce(std::vector<byte_range>& ranges) {
    std::sort(ranges.begin(), ranges.end(),
              [](const byte_range& a, const byte_range& b) { return a.first < b.first; });
    std::vector<byte_range> merged;
    for (const auto& r : ranges) {
        if (!merged.empty() && r.first <= merged.back().first + merged.back().length) {
            auto& m = merged.back();
            m.length = std::max(m.first + m.length, r.first + r.length) - m.first;
        } else {
            merged.push_back(r);
        }
    }
    ranges = std::move(merged);
}

} // namespace weft::http
