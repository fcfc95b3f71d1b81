#pragma once

#include <weft/addr/detail/text.hpp>
#include <weft/addr/parse_error.hpp>
#include <weft/expected.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace weft::addr {

namespace detail {

/// Strict dotted-quad parser (RFC 791 text form as inet_pton accepts it): exactly four
/// decimal octets 0..255, no leading zeros, no shorthand. `base` offsets the error positions.
constexpr parse_outcome<std::uint32_t> parse_ipv4(std::string_view s, std::size_t base) noexcept {
    using out = std::uint32_t;
    if (s.empty()) {
        return failure<out>(parse_errc::empty, base);
    }
    std::uint32_t value = 0;
    std::size_t i = 0;
    for (int octet = 0; octet < 4; ++octet) {
        const std::size_t start = i;
        std::uint32_t part = 0;
        while (i < s.size() && is_digit(s[i])) {
            if (i - start == 3) {
                return failure<out>(parse_errc::octet_overflow, base + start);
            }
            part = part * 10 + static_cast<std::uint32_t>(s[i] - '0');
            ++i;
        }
        if (i == start) {
            if (i == s.size()) {
                return failure<out>(parse_errc::too_few_parts, base + i);
            }
            return failure<out>(
                s[i] == '.' ? parse_errc::empty_part : parse_errc::invalid_character, base + i);
        }
        if (i - start > 1 && s[start] == '0') {
            return failure<out>(parse_errc::leading_zero, base + start);
        }
        if (part > 255) {
            return failure<out>(parse_errc::octet_overflow, base + start);
        }
        value = (value << 8) | part;
        if (octet == 3) {
            break;
        }
        if (i == s.size()) {
            return failure<out>(parse_errc::too_few_parts, base + i);
        }
        if (s[i] != '.') {
            return failure<out>(parse_errc::invalid_character, base + i);
        }
        ++i;
    }
    if (i != s.size()) {
        return failure<out>(
            s[i] == '.' ? parse_errc::too_many_parts : parse_errc::invalid_character, base + i);
    }
    return success(value);
}

} // namespace detail

/// An IPv4 address (RFC 791): a 32-bit value, trivially copyable, no allocation.
///
/// The default value is the unspecified address 0.0.0.0. Ordering is numeric.
class ipv4_address {
  public:
    using uint_type = std::uint32_t;
    static constexpr int bits = 32;
    /// Length of the longest text form, "255.255.255.255".
    static constexpr std::size_t max_string_length = 15;
    /// Length of the longest reverse pointer, "255.255.255.255.in-addr.arpa".
    static constexpr std::size_t max_reverse_pointer_length = 28;

    constexpr ipv4_address() noexcept = default;
    /// The address whose value is `value` in host byte order (0x7f000001 is 127.0.0.1).
    constexpr explicit ipv4_address(uint_type value) noexcept : value_(value) {}
    constexpr ipv4_address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept
        : value_((uint_type{a} << 24) | (uint_type{b} << 16) | (uint_type{c} << 8) | d) {}

    static constexpr ipv4_address from_uint(uint_type value) noexcept {
        return ipv4_address(value);
    }
    /// The address whose network-order bytes are `b`.
    static constexpr ipv4_address from_bytes(std::array<std::uint8_t, 4> b) noexcept {
        return {b[0], b[1], b[2], b[3]};
    }

    /// Parses a strict dotted quad: "192.168.0.1". Rejects leading zeros ("1.2.3.04"),
    /// shorthand ("1.2.3", "127.1"), octets above 255 and any other text.
    static constexpr expected<ipv4_address, parse_error> parse(std::string_view text) noexcept {
        auto r = detail::parse_ipv4(text, 0);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return ipv4_address(r.value);
    }

    /// The value in host byte order.
    [[nodiscard]] constexpr uint_type to_uint() const noexcept { return value_; }
    /// The four bytes in network order.
    [[nodiscard]] constexpr std::array<std::uint8_t, 4> to_bytes() const noexcept {
        return {static_cast<std::uint8_t>(value_ >> 24), static_cast<std::uint8_t>(value_ >> 16),
                static_cast<std::uint8_t>(value_ >> 8), static_cast<std::uint8_t>(value_)};
    }

    /// Writes the dotted quad into `out` (at least max_string_length long).
    /// @returns the number of characters written.
    std::size_t format_to(std::span<char> out) const noexcept;
    /// Writes "d.c.b.a.in-addr.arpa" (RFC 1035 §3.5) into `out`
    /// (at least max_reverse_pointer_length long). @returns the length.
    std::size_t reverse_pointer_to(std::span<char> out) const noexcept;

    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] std::string reverse_pointer() const;

    /// 0.0.0.0 (RFC 1122 §3.2.1.3).
    [[nodiscard]] constexpr bool is_unspecified() const noexcept { return value_ == 0; }
    /// 127.0.0.0/8 (RFC 1122 §3.2.1.3).
    [[nodiscard]] constexpr bool is_loopback() const noexcept { return (value_ >> 24) == 127; }
    /// 169.254.0.0/16 (RFC 3927).
    [[nodiscard]] constexpr bool is_link_local() const noexcept { return (value_ >> 16) == 0xa9fe; }
    /// 224.0.0.0/4 (RFC 5771).
    [[nodiscard]] constexpr bool is_multicast() const noexcept { return (value_ >> 28) == 0xe; }
    /// 240.0.0.0/4, reserved for future use (RFC 1112 §4); includes 255.255.255.255.
    [[nodiscard]] constexpr bool is_reserved() const noexcept { return (value_ >> 28) == 0xf; }
    /// 255.255.255.255, limited broadcast (RFC 919 §7).
    [[nodiscard]] constexpr bool is_broadcast() const noexcept { return value_ == 0xffffffff; }
    /// 100.64.0.0/10, shared address space for carrier-grade NAT (RFC 6598).
    [[nodiscard]] constexpr bool is_shared() const noexcept {
        return (value_ >> 22) == (0x64400000u >> 22);
    }
    /// 198.18.0.0/15, benchmarking (RFC 2544).
    [[nodiscard]] constexpr bool is_benchmarking() const noexcept {
        return (value_ >> 17) == (0xc6120000u >> 17);
    }
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737).
    [[nodiscard]] constexpr bool is_documentation() const noexcept {
        const uint_type net = value_ >> 8;
        return net == 0xc00002 || net == 0xc63364 || net == 0xcb0071;
    }
    /// Not globally reachable per the IANA IPv4 Special-Purpose Address Registry; the
    /// table and its RFCs are in special_purpose.hpp. 100.64.0.0/10 is neither private
    /// nor global (as in Python's ipaddress).
    [[nodiscard]] bool is_private() const noexcept;
    /// Globally reachable: not private and not shared address space.
    [[nodiscard]] bool is_global() const noexcept;

    friend constexpr auto operator<=>(const ipv4_address&, const ipv4_address&) = default;

  private:
    uint_type value_ = 0;
};

} // namespace weft::addr

template <> struct std::hash<weft::addr::ipv4_address> {
    std::size_t operator()(weft::addr::ipv4_address a) const noexcept {
        return std::hash<std::uint32_t>{}(a.to_uint());
    }
};

template <> struct fmt::formatter<weft::addr::ipv4_address> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::ipv4_address a, Ctx& ctx) const {
        char buf[weft::addr::ipv4_address::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, a.format_to(buf)),
                                                        ctx);
    }
};
