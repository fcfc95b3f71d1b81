#pragma once

// Character helpers shared by the addr parsers: constexpr, locale-free, ASCII only.

#include <weft/addr/parse_error.hpp>

#include <cstdint>
#include <string_view>

namespace weft::addr::detail {

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

/// @returns the value of hex digit `c`, or -1.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

inline constexpr char lower_hex_digits[] = "0123456789abcdef";
inline constexpr char upper_hex_digits[] = "0123456789ABCDEF";

/// A parse outcome usable in constant expressions (consteval literals), converted to
/// `expected` at the public boundary.
template <class T> struct parse_outcome {
    T value{};
    parse_error error{};
    bool ok = false;
};

template <class T> constexpr parse_outcome<T> success(T value) noexcept {
    return {value, {}, true};
}

template <class T>
constexpr parse_outcome<T> failure(parse_errc code, std::size_t offset) noexcept {
    return {T{}, parse_error{code, static_cast<std::uint32_t>(offset)}, false};
}

/// Parses an unsigned decimal with no sign, no leading zero (unless it is "0") and a value
/// of at most `max`. Offsets in errors are `base` + the position in `s`.
constexpr parse_outcome<std::uint64_t> parse_decimal(std::string_view s, std::size_t base,
                                                     std::uint64_t max, parse_errc too_big) {
    if (s.empty()) {
        return failure<std::uint64_t>(parse_errc::empty, base);
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!is_digit(s[i])) {
            return failure<std::uint64_t>(parse_errc::invalid_character, base + i);
        }
        value = value * 10 + static_cast<std::uint64_t>(s[i] - '0');
        if (value > max) {
            return failure<std::uint64_t>(too_big, base);
        }
    }
    if (s.size() > 1 && s[0] == '0') {
        return failure<std::uint64_t>(parse_errc::leading_zero, base);
    }
    return success(value);
}

} // namespace weft::addr::detail
