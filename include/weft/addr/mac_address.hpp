#pragma once

#include <weft/addr/detail/text.hpp>
#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/parse_error.hpp>
#include <weft/expected.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace weft::addr {

/// How a MAC address is written.
enum class mac_format : std::uint8_t {
    colon,  ///< "01:23:45:67:89:ab", two digits per octet (Linux, BSD, RFC 7042 §1.1 with ':')
    hyphen, ///< "01-23-45-67-89-ab", the IEEE 802 canonical form (RFC 7042 §1.1)
    dot,    ///< "0123.4567.89ab", groups of four digits (Cisco IOS)
    bare,   ///< "0123456789ab", digits only
};

/// The letter case of the hex digits a through f.
enum class mac_case : std::uint8_t {
    lower, ///< "ab"
    upper, ///< "AB"
};

namespace detail {

/// The parser's result: the identifier's bits, right-aligned, and its length in octets.
struct mac_bits {
    std::uint64_t value = 0;
    std::size_t octets = 0;
};

constexpr bool is_mac_separator(char c) noexcept {
    return c == ':' || c == '-' || c == '.';
}

/// Parses every MAC text form of mac_format: "01:23:45:67:89:ab", "01-23-45-67-89-ab",
/// "0123.4567.89ab", "0123456789ab", and their 8-octet (EUI-64) versions. `octets` is 6
/// or 8 to accept only that length, or 0 to accept either.
///
/// Strict: two hex digits per ':'/'-' group, four per '.' group, one kind of separator,
/// nothing before or after. Error offsets are byte offsets into `s`:
/// - empty: 0;
/// - a bare form of the wrong length: wrong_length, at the first digit past the longest
///   accepted length if there are too many, else at the end;
/// - a group with more digits than its width: part_too_long, at the start of the group;
/// - a group with some but too few digits, ended by the separator or the input:
///   octet_too_short (':'/'-' forms) or group_too_short ('.' form), at the start of the group;
/// - a group that ends early otherwise: too_few_parts at the end of the input,
///   invalid_character at the character that cut it short, empty_part when the group has no
///   digit at all;
/// - a separator other than the first one used: mixed_separators, at that separator;
/// - too many groups: too_many_parts, at the start of the first extra group;
/// - too few groups: too_few_parts, at the end of the input; with `octets` 0, seven octets are
///   too_many_parts at the start of the seventh (an EUI-48 has six);
/// - any other character: invalid_character, at that character.
constexpr parse_outcome<mac_bits> parse_mac(std::string_view s, std::size_t octets) noexcept {
    using out = mac_bits;
    if (s.empty()) {
        return failure<out>(parse_errc::empty, 0);
    }
    std::size_t first = 0; // the first character that is not a hex digit
    while (first < s.size() && hex_value(s[first]) >= 0) {
        ++first;
    }

    const std::size_t longest = octets == 6 ? 6 : 8;
    if (first == s.size()) {
        // The bare form: 12 or 16 digits and nothing else.
        const std::size_t digits = s.size();
        const bool fits = (digits == 12 && octets != 8) || (digits == 16 && octets != 6);
        if (!fits) {
            return failure<out>(parse_errc::wrong_length,
                                digits > 2 * longest ? 2 * longest : digits);
        }
        std::uint64_t value = 0;
        for (const char c : s) {
            value = (value << 4) | static_cast<std::uint64_t>(hex_value(c));
        }
        return success(out{value, digits / 2});
    }

    const char sep = s[first];
    if (!is_mac_separator(sep)) {
        return failure<out>(parse_errc::invalid_character, first);
    }
    const std::size_t width = sep == '.' ? 4 : 2;       // hex digits per group
    const std::size_t max_groups = 2 * longest / width; // 6 or 8 octets, 3 or 4 dot groups
    const std::size_t min_groups = (octets == 8 ? 16 : 12) / width;

    std::uint64_t value = 0;
    std::size_t groups = 0;
    std::size_t i = 0;
    std::size_t after_min = 0; // where the group after the shorter length's last one starts
    while (true) {
        const std::size_t start = i;
        if (groups == min_groups) {
            after_min = start;
        }
        std::uint64_t group = 0;
        while (i < s.size()) {
            const int h = hex_value(s[i]);
            if (h < 0) {
                break;
            }
            if (i - start == width) {
                return failure<out>(parse_errc::part_too_long, start);
            }
            group = (group << 4) | static_cast<std::uint64_t>(h);
            ++i;
        }
        if (i - start < width) {
            // A group cut short by its own separator or by the end: "1:23:...", "...:89:a".
            if (i > start && (i == s.size() || s[i] == sep)) {
                return failure<out>(
                    width == 2 ? parse_errc::octet_too_short : parse_errc::group_too_short, start);
            }
            if (i == s.size()) {
                return failure<out>(parse_errc::too_few_parts, i);
            }
            if (i == start && s[i] == sep) {
                return failure<out>(parse_errc::empty_part, i);
            }
            if (i == start && is_mac_separator(s[i])) {
                return failure<out>(parse_errc::mixed_separators, i);
            }
            return failure<out>(parse_errc::invalid_character, i);
        }
        value = (value << (4 * width)) | group;
        ++groups;
        if (i == s.size()) {
            break;
        }
        if (s[i] == sep) {
            if (groups == max_groups) {
                return failure<out>(parse_errc::too_many_parts, i + 1);
            }
            ++i;
            continue;
        }
        return failure<out>(is_mac_separator(s[i]) ? parse_errc::mixed_separators
                                                   : parse_errc::invalid_character,
                            i);
    }
    // One length alone, or (octets == 0) exactly 6 or 8 octets. Seven are too many for an
    // EUI-48 (and too few for an EUI-64): the error points at the first extra group.
    if (groups != min_groups && groups != max_groups) {
        if (groups > min_groups) {
            return failure<out>(parse_errc::too_many_parts, after_min);
        }
        return failure<out>(parse_errc::too_few_parts, s.size());
    }
    return success(out{value, groups * width / 2});
}

/// The number of characters `octets` octets take in `style`.
constexpr std::size_t mac_string_length(std::size_t octets, mac_format style) noexcept {
    switch (style) {
    case mac_format::colon:
    case mac_format::hyphen:
        return 3 * octets - 1;
    case mac_format::dot:
        return 5 * (octets / 2) - 1;
    case mac_format::bare:
        return 2 * octets;
    }
    return 0;
}

/// Writes `bytes` in `style` into `out`. @returns the length, or 0 if `out` is too short.
std::size_t format_mac(std::span<const std::uint8_t> bytes, std::span<char> out, mac_format style,
                       mac_case letters) noexcept;

/// The I/G bit (IEEE 802-2014 §8.2, RFC 7042 §2.1): least significant bit of octet 0.
inline constexpr std::uint8_t group_bit = 0x01;
/// The U/L bit (IEEE 802-2014 §8.4, RFC 7042 §2.1): the next bit of octet 0.
inline constexpr std::uint8_t local_bit = 0x02;

} // namespace detail

class eui64;

/// An EUI-48 identifier, the 48-bit MAC address of IEEE 802 (RFC 7042 §2.1): six octets,
/// trivially copyable, no allocation.
///
/// The default value is 00:00:00:00:00:00. Ordering is that of the octets in transmission
/// order, which is also the numeric order of to_uint().
class mac_address {
  public:
    using bytes_type = std::array<std::uint8_t, 6>;
    /// The number of octets.
    static constexpr std::size_t octets = 6;
    /// Length of the longest text form, "01:23:45:67:89:ab".
    static constexpr std::size_t max_string_length = 17;
    /// Length of the OUI text form, "01:23:45".
    static constexpr std::size_t oui_string_length = 8;

    /// 00:00:00:00:00:00.
    constexpr mac_address() noexcept = default;
    /// The address a:b:c:d:e:f, octets in transmission order.
    constexpr mac_address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                          std::uint8_t e, std::uint8_t f) noexcept
        : bytes_{a, b, c, d, e, f} {}

    /// The address whose octets, in transmission order, are `b`.
    static constexpr mac_address from_bytes(bytes_type b) noexcept {
        mac_address m;
        m.bytes_ = b;
        return m;
    }
    /// The address whose value is the low 48 bits of `value` (0x0123456789ab is
    /// 01:23:45:67:89:ab); higher bits are ignored.
    static constexpr mac_address from_uint(std::uint64_t value) noexcept {
        mac_address m;
        for (std::size_t i = 0; i < octets; ++i) {
            m.bytes_[i] = static_cast<std::uint8_t>(value >> (8 * (octets - 1 - i)));
        }
        return m;
    }
    /// ff:ff:ff:ff:ff:ff, the broadcast address (IEEE 802-2014 §8.2).
    static constexpr mac_address broadcast() noexcept { return from_uint(0xffff'ffff'ffffull); }

    /// Parses "01:23:45:67:89:ab", "01-23-45-67-89-AB", "0123.4567.89ab" or "0123456789ab",
    /// in either case. Strict: exactly two digits per ':' or '-' group and four per '.'
    /// group, one kind of separator, no surrounding text; the error codes and offsets are
    /// listed at detail::parse_mac. An EUI-64 is rejected (too_many_parts, wrong_length).
    static constexpr expected<mac_address, parse_error> parse(std::string_view text) noexcept {
        const auto r = detail::parse_mac(text, octets);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return from_uint(r.value.value);
    }

    /// The octets in transmission order.
    [[nodiscard]] constexpr bytes_type to_bytes() const noexcept { return bytes_; }
    /// The 48-bit value, octet 0 most significant: 01:23:45:67:89:ab is 0x0123456789ab.
    [[nodiscard]] constexpr std::uint64_t to_uint() const noexcept {
        std::uint64_t v = 0;
        for (const std::uint8_t b : bytes_) {
            v = (v << 8) | b;
        }
        return v;
    }
    /// Octet `index` (0..5) in transmission order.
    [[nodiscard]] constexpr std::uint8_t operator[](std::size_t index) const noexcept {
        return bytes_[index];
    }

    /// The number of characters this address takes in `style`: 17, 17, 14 or 12.
    static constexpr std::size_t string_length(mac_format style) noexcept {
        return detail::mac_string_length(octets, style);
    }
    /// Writes the address in `style` and `letters` into `out`, which must hold at least
    /// string_length(style) characters (max_string_length always does).
    /// @returns the number of characters written, or 0 (nothing written) if `out` is too short.
    std::size_t format_to(std::span<char> out, mac_format style = mac_format::colon,
                          mac_case letters = mac_case::lower) const noexcept;
    /// The address as text: "01:23:45:67:89:ab" by default.
    [[nodiscard]] std::string to_string(mac_format style = mac_format::colon,
                                        mac_case letters = mac_case::lower) const;

    /// The I/G bit is set: a group address (IEEE 802-2014 §8.2; RFC 7042 §2.1).
    /// The broadcast address is a multicast address.
    [[nodiscard]] constexpr bool is_multicast() const noexcept {
        return (bytes_[0] & detail::group_bit) != 0;
    }
    /// The I/G bit is clear: an individual address. @returns !is_multicast().
    [[nodiscard]] constexpr bool is_unicast() const noexcept { return !is_multicast(); }
    /// The U/L bit is set: locally administered, not assigned from an OUI
    /// (IEEE 802-2014 §8.4; RFC 7042 §2.1).
    [[nodiscard]] constexpr bool is_local() const noexcept {
        return (bytes_[0] & detail::local_bit) != 0;
    }
    /// The U/L bit is clear: universally administered. @returns !is_local().
    [[nodiscard]] constexpr bool is_universal() const noexcept { return !is_local(); }
    /// ff:ff:ff:ff:ff:ff (IEEE 802-2014 §8.2).
    [[nodiscard]] constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }

    /// The Organizationally Unique Identifier: the first three octets.
    /// @returns (octet 0 << 16) | (octet 1 << 8) | octet 2; 00:00:5e:00:53:01 gives 0x00005e.
    /// Meaningful only for a universal address (is_universal()).
    [[nodiscard]] constexpr std::uint32_t oui() const noexcept {
        return (std::uint32_t{bytes_[0]} << 16) | (std::uint32_t{bytes_[1]} << 8) | bytes_[2];
    }
    /// Writes the OUI as "00:00:5e" (or with '-' when `style` is hyphen, with no separator
    /// when bare; dot is written as colon) into `out`, which must hold oui_string_length
    /// characters. @returns the number written, or 0 if `out` is too short.
    std::size_t oui_format_to(std::span<char> out, mac_format style = mac_format::colon,
                              mac_case letters = mac_case::lower) const noexcept;
    /// The OUI as text, "00:00:5e" by default; see oui_format_to.
    [[nodiscard]] std::string oui_to_string(mac_format style = mac_format::colon,
                                            mac_case letters = mac_case::lower) const;

    /// The EUI-64 made by inserting ff:fe between the OUI and the rest
    /// (RFC 4291 Appendix A): 00:00:5e:00:53:01 gives 00:00:5e:ff:fe:00:53:01.
    /// The U/L bit is unchanged; see modified_interface_id for the IPv6 form.
    [[nodiscard]] constexpr eui64 to_eui64() const noexcept;
    /// The modified EUI-64 interface identifier of RFC 4291 Appendix A: to_eui64() with the
    /// U/L bit inverted. 00:00:5e:00:53:01 gives 0x0200'5eff'fe00'5301 (0200:5eff:fe00:5301).
    /// @returns to_eui64().modified_interface_id()
    [[nodiscard]] constexpr std::uint64_t modified_interface_id() const noexcept;
    /// The link-local IPv6 address fe80::/64 with modified_interface_id() as its low 64 bits
    /// (RFC 4862 §5.3, RFC 2464 §5): 00:00:5e:00:53:01 gives fe80::200:5eff:fe00:5301.
    /// It has no zone.
    [[nodiscard]] constexpr ipv6_address ipv6_link_local() const noexcept;

    friend constexpr auto operator<=>(const mac_address&, const mac_address&) = default;
    friend constexpr bool operator==(const mac_address&, const mac_address&) = default;

  private:
    bytes_type bytes_{};
};

/// An EUI-64 identifier (RFC 7042 §2.2): eight octets, trivially copyable, no allocation.
///
/// The default value is 00:00:00:00:00:00:00:00. Ordering is that of the octets in
/// transmission order, which is also the numeric order of to_uint().
class eui64 {
  public:
    using bytes_type = std::array<std::uint8_t, 8>;
    /// The number of octets.
    static constexpr std::size_t octets = 8;
    /// Length of the longest text form, "01:23:45:67:89:ab:cd:ef".
    static constexpr std::size_t max_string_length = 23;
    /// Length of the OUI text form, "01:23:45".
    static constexpr std::size_t oui_string_length = 8;

    /// 00:00:00:00:00:00:00:00.
    constexpr eui64() noexcept = default;
    /// The identifier a:b:c:d:e:f:g:h, octets in transmission order.
    constexpr eui64(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e,
                    std::uint8_t f, std::uint8_t g, std::uint8_t h) noexcept
        : bytes_{a, b, c, d, e, f, g, h} {}

    /// The identifier whose octets, in transmission order, are `b`.
    static constexpr eui64 from_bytes(bytes_type b) noexcept {
        eui64 e;
        e.bytes_ = b;
        return e;
    }
    /// The identifier whose value is `value`, octet 0 most significant
    /// (0x0123456789abcdef is 01:23:45:67:89:ab:cd:ef).
    static constexpr eui64 from_uint(std::uint64_t value) noexcept {
        eui64 e;
        for (std::size_t i = 0; i < octets; ++i) {
            e.bytes_[i] = static_cast<std::uint8_t>(value >> (8 * (octets - 1 - i)));
        }
        return e;
    }
    /// The EUI-64 whose modified EUI-64 interface identifier (RFC 4291 Appendix A) is `id`,
    /// for instance the low 64 bits of an IPv6 address: `id` with the U/L bit inverted.
    static constexpr eui64 from_modified_interface_id(std::uint64_t id) noexcept {
        return from_uint(id ^ (std::uint64_t{detail::local_bit} << 56));
    }
    /// ff:ff:ff:ff:ff:ff:ff:ff.
    static constexpr eui64 broadcast() noexcept { return from_uint(~std::uint64_t{0}); }

    /// Parses "01:23:45:67:89:ab:cd:ef", "01-23-45-67-89-AB-CD-EF", "0123.4567.89ab.cdef" or
    /// "0123456789abcdef", in either case, with the rules of mac_address::parse. An EUI-48
    /// is rejected (too_few_parts, wrong_length); use mac_address::to_eui64 to widen one.
    static constexpr expected<eui64, parse_error> parse(std::string_view text) noexcept {
        const auto r = detail::parse_mac(text, octets);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return from_uint(r.value.value);
    }

    /// The octets in transmission order.
    [[nodiscard]] constexpr bytes_type to_bytes() const noexcept { return bytes_; }
    /// The 64-bit value, octet 0 most significant.
    [[nodiscard]] constexpr std::uint64_t to_uint() const noexcept {
        std::uint64_t v = 0;
        for (const std::uint8_t b : bytes_) {
            v = (v << 8) | b;
        }
        return v;
    }
    /// Octet `index` (0..7) in transmission order.
    [[nodiscard]] constexpr std::uint8_t operator[](std::size_t index) const noexcept {
        return bytes_[index];
    }

    /// The number of characters this identifier takes in `style`: 23, 23, 19 or 16.
    static constexpr std::size_t string_length(mac_format style) noexcept {
        return detail::mac_string_length(octets, style);
    }
    /// Writes the identifier in `style` and `letters` into `out`, which must hold at least
    /// string_length(style) characters (max_string_length always does).
    /// @returns the number of characters written, or 0 (nothing written) if `out` is too short.
    std::size_t format_to(std::span<char> out, mac_format style = mac_format::colon,
                          mac_case letters = mac_case::lower) const noexcept;
    /// The identifier as text: "01:23:45:67:89:ab:cd:ef" by default.
    [[nodiscard]] std::string to_string(mac_format style = mac_format::colon,
                                        mac_case letters = mac_case::lower) const;

    /// The I/G bit is set: a group identifier (RFC 7042 §2.2).
    [[nodiscard]] constexpr bool is_multicast() const noexcept {
        return (bytes_[0] & detail::group_bit) != 0;
    }
    /// @returns !is_multicast().
    [[nodiscard]] constexpr bool is_unicast() const noexcept { return !is_multicast(); }
    /// The U/L bit is set: locally administered (RFC 7042 §2.2).
    [[nodiscard]] constexpr bool is_local() const noexcept {
        return (bytes_[0] & detail::local_bit) != 0;
    }
    /// @returns !is_local().
    [[nodiscard]] constexpr bool is_universal() const noexcept { return !is_local(); }
    /// ff:ff:ff:ff:ff:ff:ff:ff.
    [[nodiscard]] constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }

    /// The Organizationally Unique Identifier: the first three octets, as for mac_address.
    [[nodiscard]] constexpr std::uint32_t oui() const noexcept {
        return (std::uint32_t{bytes_[0]} << 16) | (std::uint32_t{bytes_[1]} << 8) | bytes_[2];
    }
    /// Writes the OUI as mac_address::oui_format_to does.
    std::size_t oui_format_to(std::span<char> out, mac_format style = mac_format::colon,
                              mac_case letters = mac_case::lower) const noexcept;
    /// The OUI as text, "00:00:5e" by default.
    [[nodiscard]] std::string oui_to_string(mac_format style = mac_format::colon,
                                            mac_case letters = mac_case::lower) const;

    /// The EUI-48 this identifier was made from by mac_address::to_eui64, if octets 3 and 4
    /// are ff:fe (RFC 4291 Appendix A); std::nullopt otherwise.
    [[nodiscard]] constexpr std::optional<mac_address> to_mac_address() const noexcept {
        if (bytes_[3] != 0xff || bytes_[4] != 0xfe) {
            return std::nullopt;
        }
        return mac_address(bytes_[0], bytes_[1], bytes_[2], bytes_[5], bytes_[6], bytes_[7]);
    }
    /// The modified EUI-64 interface identifier of RFC 4291 Appendix A: this value with the
    /// U/L bit (0x02 of octet 0) inverted, so that a universal identifier gives a 1 there
    /// and hand-written local ones such as ::1 stay short. 00:00:5e:ef:10:00:00:01 gives
    /// 0x0200'5eef'1000'0001. @returns to_uint() ^ (0x02 << 56)
    [[nodiscard]] constexpr std::uint64_t modified_interface_id() const noexcept {
        return to_uint() ^ (std::uint64_t{detail::local_bit} << 56);
    }
    /// The link-local IPv6 address fe80::/64 with modified_interface_id() as its low 64 bits
    /// (RFC 4862 §5.3, RFC 4291 §2.5.6). It has no zone.
    [[nodiscard]] constexpr ipv6_address ipv6_link_local() const noexcept {
        return ipv6_address::from_halves(0xfe80'0000'0000'0000ull, modified_interface_id());
    }

    friend constexpr auto operator<=>(const eui64&, const eui64&) = default;
    friend constexpr bool operator==(const eui64&, const eui64&) = default;

  private:
    bytes_type bytes_{};
};

constexpr eui64 mac_address::to_eui64() const noexcept {
    return {bytes_[0], bytes_[1], bytes_[2], 0xff, 0xfe, bytes_[3], bytes_[4], bytes_[5]};
}

constexpr std::uint64_t mac_address::modified_interface_id() const noexcept {
    return to_eui64().modified_interface_id();
}

constexpr ipv6_address mac_address::ipv6_link_local() const noexcept {
    return to_eui64().ipv6_link_local();
}

/// Either an EUI-48 (mac_address) or an EUI-64 (eui64), as parse_mac returns it, for code
/// that takes both (`weft mac info`). Trivially copyable, no allocation.
///
/// Not a std::variant: g++ 12 reports a false -Wmaybe-uninitialized on the variant's index
/// inside an expected that holds an error. visit() gives the same generic access.
///
/// The default value is the EUI-48 00:00:00:00:00:00. Ordering puts every EUI-48 before
/// every EUI-64 (the family first, as netip orders IPv4 before IPv6), then numeric.
class any_mac {
  public:
    /// Length of the longest text form, that of an EUI-64.
    static constexpr std::size_t max_string_length = eui64::max_string_length;

    /// The EUI-48 00:00:00:00:00:00.
    constexpr any_mac() noexcept = default;
    /// Holds the EUI-48 `m`.
    constexpr any_mac(mac_address m) noexcept : octets_(mac_address::octets) {
        const auto b = m.to_bytes();
        for (std::size_t i = 0; i < b.size(); ++i) {
            bytes_[i] = b[i];
        }
    }
    /// Holds the EUI-64 `e`.
    constexpr any_mac(eui64 e) noexcept : octets_(eui64::octets), bytes_(e.to_bytes()) {}

    /// 6 for an EUI-48, 8 for an EUI-64.
    [[nodiscard]] constexpr std::size_t octets() const noexcept { return octets_; }
    /// This holds an EUI-64 (eight octets) rather than an EUI-48.
    [[nodiscard]] constexpr bool is_eui64() const noexcept { return octets_ == eui64::octets; }
    /// The EUI-48, or std::nullopt for an EUI-64 (see eui64::to_mac_address to undo ff:fe).
    [[nodiscard]] constexpr std::optional<mac_address> as_mac_address() const noexcept {
        if (is_eui64()) {
            return std::nullopt;
        }
        return mac();
    }
    /// The EUI-64, or std::nullopt for an EUI-48 (see mac_address::to_eui64 to widen one).
    [[nodiscard]] constexpr std::optional<eui64> as_eui64() const noexcept {
        if (!is_eui64()) {
            return std::nullopt;
        }
        return eui64::from_bytes(bytes_);
    }
    /// @returns f(mac_address) or f(eui64), whichever this holds; both calls must have the
    /// same return type.
    template <class F> constexpr decltype(auto) visit(F&& f) const {
        if (is_eui64()) {
            return std::forward<F>(f)(eui64::from_bytes(bytes_));
        }
        return std::forward<F>(f)(mac());
    }

    /// The value, octet 0 most significant (48 or 64 bits).
    [[nodiscard]] constexpr std::uint64_t to_uint() const noexcept {
        return visit([](auto m) { return m.to_uint(); });
    }
    /// The characters this value takes in `style`; see mac_address::string_length.
    [[nodiscard]] constexpr std::size_t string_length(mac_format style) const noexcept {
        return detail::mac_string_length(octets_, style);
    }
    /// As mac_address::format_to or eui64::format_to.
    std::size_t format_to(std::span<char> out, mac_format style = mac_format::colon,
                          mac_case letters = mac_case::lower) const noexcept {
        return visit([&](auto m) { return m.format_to(out, style, letters); });
    }
    /// As mac_address::to_string or eui64::to_string.
    [[nodiscard]] std::string to_string(mac_format style = mac_format::colon,
                                        mac_case letters = mac_case::lower) const {
        return visit([&](auto m) { return m.to_string(style, letters); });
    }

    /// The I/G bit is set (RFC 7042 §2.1, §2.2).
    [[nodiscard]] constexpr bool is_multicast() const noexcept {
        return (bytes_[0] & detail::group_bit) != 0;
    }
    /// @returns !is_multicast().
    [[nodiscard]] constexpr bool is_unicast() const noexcept { return !is_multicast(); }
    /// The U/L bit is set (RFC 7042 §2.1, §2.2).
    [[nodiscard]] constexpr bool is_local() const noexcept {
        return (bytes_[0] & detail::local_bit) != 0;
    }
    /// @returns !is_local().
    [[nodiscard]] constexpr bool is_universal() const noexcept { return !is_local(); }
    /// All ones, in either length.
    [[nodiscard]] constexpr bool is_broadcast() const noexcept {
        return visit([](auto m) { return m.is_broadcast(); });
    }
    /// The first three octets; see mac_address::oui.
    [[nodiscard]] constexpr std::uint32_t oui() const noexcept {
        return (std::uint32_t{bytes_[0]} << 16) | (std::uint32_t{bytes_[1]} << 8) | bytes_[2];
    }
    /// The modified EUI-64 interface identifier (RFC 4291 Appendix A); an EUI-48 is first
    /// widened with ff:fe.
    [[nodiscard]] constexpr std::uint64_t modified_interface_id() const noexcept {
        return visit([](auto m) { return m.modified_interface_id(); });
    }
    /// fe80::/64 plus modified_interface_id() (RFC 4862 §5.3).
    [[nodiscard]] constexpr ipv6_address ipv6_link_local() const noexcept {
        return visit([](auto m) { return m.ipv6_link_local(); });
    }

    friend constexpr auto operator<=>(const any_mac&, const any_mac&) = default;
    friend constexpr bool operator==(const any_mac&, const any_mac&) = default;

  private:
    constexpr mac_address mac() const noexcept {
        return {bytes_[0], bytes_[1], bytes_[2], bytes_[3], bytes_[4], bytes_[5]};
    }

    std::uint8_t octets_ = mac_address::octets;
    std::array<std::uint8_t, 8> bytes_{}; // an EUI-48 in the first six, then zeros
};

/// Parses any text form accepted by mac_address::parse or eui64::parse and keeps the
/// length the text has: six octets give an EUI-48, eight an EUI-64. The error codes and
/// offsets are those of detail::parse_mac; seven groups are too_few_parts at the end, and
/// 13 to 15 bare digits wrong_length at the end.
constexpr expected<any_mac, parse_error> parse_mac(std::string_view text) noexcept {
    const auto r = detail::parse_mac(text, 0);
    if (!r.ok) {
        return unexpected(r.error);
    }
    if (r.value.octets == mac_address::octets) {
        return any_mac(mac_address::from_uint(r.value.value));
    }
    return any_mac(eui64::from_uint(r.value.value));
}

} // namespace weft::addr

template <> struct std::hash<weft::addr::mac_address> {
    std::size_t operator()(weft::addr::mac_address m) const noexcept {
        return std::hash<std::uint64_t>{}(m.to_uint());
    }
};

template <> struct std::hash<weft::addr::eui64> {
    std::size_t operator()(weft::addr::eui64 e) const noexcept {
        return std::hash<std::uint64_t>{}(e.to_uint());
    }
};

/// Formats in the default style, "01:23:45:67:89:ab"; width, fill and alignment work as for
/// strings. Other styles: to_string(style, letters) or format_to.
template <> struct fmt::formatter<weft::addr::mac_address> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::mac_address m, Ctx& ctx) const {
        char buf[weft::addr::mac_address::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, m.format_to(buf)),
                                                        ctx);
    }
};

/// Formats in the default style, "01:23:45:67:89:ab:cd:ef".
template <> struct fmt::formatter<weft::addr::eui64> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::eui64 e, Ctx& ctx) const {
        char buf[weft::addr::eui64::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, e.format_to(buf)),
                                                        ctx);
    }
};

template <> struct std::hash<weft::addr::any_mac> {
    std::size_t operator()(weft::addr::any_mac m) const noexcept {
        return std::hash<std::uint64_t>{}(m.to_uint()) ^ m.octets();
    }
};

/// Formats as the EUI-48 or EUI-64 it holds, in the default style.
template <> struct fmt::formatter<weft::addr::any_mac> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::any_mac m, Ctx& ctx) const {
        char buf[weft::addr::any_mac::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, m.format_to(buf)),
                                                        ctx);
    }
};
