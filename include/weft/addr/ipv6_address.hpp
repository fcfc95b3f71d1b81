#pragma once

#include <weft/addr/detail/text.hpp>
#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/parse_error.hpp>
#include <weft/addr/uint128.hpp>
#include <weft/expected.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace weft::addr {

/// The longest zone (scope) an address can carry: IFNAMSIZ - 1 plus one, as netip allows
/// any interface name or number.
inline constexpr std::size_t max_zone_length = 16;

namespace detail {

struct ipv6_bits {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::array<char, max_zone_length> zone{};
};

/// Each byte's value as a hex digit, or -1: one load in place of hex_value's range tests.
inline constexpr std::array<signed char, 256> hex_digit_table = [] {
    std::array<signed char, 256> t{};
    for (std::size_t c = 0; c < t.size(); ++c) {
        t[c] = static_cast<signed char>(hex_value(static_cast<char>(c)));
    }
    return t;
}();

constexpr int hex_digit(char c) noexcept {
    return hex_digit_table[static_cast<unsigned char>(c)];
}

/// The hot path of parse_ipv6: text without a zone that parse_ipv6 accepts.
///
/// Fills `out` and returns true only for text that parse_ipv6 accepts, with the same value;
/// returns false for everything else (a zone, any error), which parse_ipv6 then parses in
/// full, so error codes and offsets never come from here. It is about 1.6 times as fast as
/// the general loop (bench/addr_bench.cpp): no scan for '%' first, one table load per
/// digit, no bounds checks inside a group with five characters left after its start, and
/// the groups shift straight into the 128 bits instead of through two arrays.
constexpr bool parse_ipv6_fast(std::string_view s, ipv6_bits& out) noexcept {
    const char* p = s.data();
    const char* const end = p + s.size();
    uint128 value = 0; // the groups read so far (after the "::", once there is one)
    uint128 head = 0;  // the groups before the "::"
    int count = 0;
    int head_count = -1; // the number of groups before the "::", -1 until there is one
    if (s.size() >= 2 && p[0] == ':' && p[1] == ':') {
        head_count = 0;
        p += 2;
    }
    while (p != end) {
        const char* const start = p;
        unsigned group = 0;
        if (end - p >= 5) {
            // The group and the character after it are inside the text: no bounds checks.
            int d = hex_digit(p[0]);
            if (d < 0) {
                return false;
            }
            group = static_cast<unsigned>(d);
            int len = 1;
            while (len < 4 && (d = hex_digit(p[len])) >= 0) {
                group = (group << 4) | static_cast<unsigned>(d);
                ++len;
            }
            if (len == 4 && hex_digit(p[4]) >= 0) {
                return false; // five digits
            }
            p += len;
        } else {
            for (int d; p != end && (d = hex_digit(*p)) >= 0; ++p) {
                group = (group << 4) | static_cast<unsigned>(d);
            }
            if (p == start) {
                return false;
            }
        }
        if (count == 8) {
            return false;
        }
        if (p != end && *p == '.') {
            // RFC 4291 §2.2 form 3: a dotted quad to the end supplies the last two groups.
            if (count > 6) {
                return false;
            }
            const auto v4 =
                parse_ipv4(std::string_view(start, static_cast<std::size_t>(end - start)), 0);
            if (!v4.ok) {
                return false;
            }
            value = (value << 32) | v4.value;
            count += 2;
            break;
        }
        value = (value << 16) | group;
        ++count;
        if (p == end) {
            break;
        }
        if (*p != ':' || ++p == end) {
            return false; // a zone, another character, or a lone ':' last
        }
        if (*p == ':') {
            if (head_count >= 0) {
                return false;
            }
            head = value;
            value = 0;
            head_count = count;
            ++p;
        }
    }
    if (head_count < 0 ? count != 8 : count == 8) {
        return false; // too few groups, or a "::" that stands for none
    }
    if (head_count > 0) {
        value |= head << (16 * (8 - head_count));
    }
    out.hi = static_cast<std::uint64_t>(value >> 64);
    out.lo = static_cast<std::uint64_t>(value);
    return true;
}

/// parse_ipv6 without its fast path: every form, every error with its offset.
constexpr parse_outcome<ipv6_bits> parse_ipv6_general(std::string_view s, std::size_t base,
                                                      bool allow_zone) noexcept {
    using out = ipv6_bits;
    ipv6_bits result;
    if (const auto pct = s.find('%'); pct != std::string_view::npos) {
        if (!allow_zone) {
            return failure<out>(parse_errc::zone_not_allowed, base + pct);
        }
        const std::string_view zone = s.substr(pct + 1);
        if (zone.empty()) {
            return failure<out>(parse_errc::empty_zone, base + pct + 1);
        }
        if (zone.size() > max_zone_length) {
            return failure<out>(parse_errc::zone_too_long, base + pct + 1);
        }
        for (std::size_t i = 0; i < zone.size(); ++i) {
            const char c = zone[i];
            // A zone is an interface name or index: printable, and never a delimiter
            // that a URL or CIDR would use around it.
            if (c <= ' ' || c > '~' || c == '%' || c == '/' || c == '[' || c == ']') {
                return failure<out>(parse_errc::invalid_character, base + pct + 1 + i);
            }
            result.zone[i] = c;
        }
        s = s.substr(0, pct);
    }
    if (s.empty()) {
        return failure<out>(parse_errc::empty, base);
    }

    std::uint16_t groups[8] = {};
    int count = 0;
    int gap = -1; // index in groups where "::" stands
    std::size_t i = 0;
    if (s[0] == ':') {
        if (s.size() < 2 || s[1] != ':') {
            return failure<out>(parse_errc::bad_double_colon, base);
        }
        gap = 0;
        i = 2;
    }
    while (i < s.size()) {
        const std::size_t start = i;
        std::uint32_t group = 0;
        while (i < s.size()) {
            const int h = hex_value(s[i]);
            if (h < 0) {
                break;
            }
            if (i - start == 4) {
                return failure<out>(parse_errc::part_too_long, base + start);
            }
            group = (group << 4) | static_cast<std::uint32_t>(h);
            ++i;
        }
        if (i == start) {
            return failure<out>(
                s[i] == ':' ? parse_errc::empty_part : parse_errc::invalid_character, base + i);
        }
        if (i < s.size() && s[i] == '.') {
            // RFC 4291 §2.2 form 3: the dotted quad supplies the last two groups.
            if (count > 6) {
                return failure<out>(parse_errc::too_many_parts, base + start);
            }
            const auto v4 = parse_ipv4(s.substr(start), base + start);
            if (!v4.ok) {
                // A whole dotted quad followed by more groups ("1.2.3.4::", "::1.2.3.4:5")
                // is misplaced, not a bad IPv4 address: it must be the last 32 bits.
                const std::size_t bad = v4.error.offset - base;
                if (v4.error.code == parse_errc::invalid_character && s[bad] == ':' &&
                    parse_ipv4(s.substr(start, bad - start), 0).ok) {
                    return failure<out>(parse_errc::misplaced_ipv4, base + start);
                }
                return failure<out>(v4.error.code, v4.error.offset);
            }
            groups[count++] = static_cast<std::uint16_t>(v4.value >> 16);
            groups[count++] = static_cast<std::uint16_t>(v4.value);
            i = s.size();
            break;
        }
        if (count == 8) {
            return failure<out>(parse_errc::too_many_parts, base + start);
        }
        groups[count++] = static_cast<std::uint16_t>(group);
        if (i == s.size()) {
            break;
        }
        if (s[i] != ':') {
            return failure<out>(parse_errc::invalid_character, base + i);
        }
        ++i;
        if (i == s.size()) {
            return failure<out>(parse_errc::bad_double_colon, base + i - 1);
        }
        if (s[i] == ':') {
            if (gap >= 0) {
                return failure<out>(parse_errc::multiple_double_colon, base + i - 1);
            }
            gap = count;
            ++i;
        }
    }
    if (gap < 0 && count < 8) {
        return failure<out>(parse_errc::too_few_parts, base + s.size());
    }
    if (gap >= 0 && count == 8) {
        // "::" must stand for at least one group (RFC 4291 §2.2 form 2).
        return failure<out>(parse_errc::too_many_parts, base + s.size());
    }
    std::uint16_t full[8] = {};
    if (gap < 0) {
        for (int g = 0; g < 8; ++g) {
            full[g] = groups[g];
        }
    } else {
        const int tail = count - gap;
        for (int g = 0; g < gap; ++g) {
            full[g] = groups[g];
        }
        for (int g = 0; g < tail; ++g) {
            full[8 - tail + g] = groups[gap + g];
        }
    }
    for (int g = 0; g < 4; ++g) {
        result.hi = (result.hi << 16) | full[g];
        result.lo = (result.lo << 16) | full[g + 4];
    }
    return success(result);
}

/// Parses every RFC 4291 §2.2 text form: eight groups, "::" once, an embedded dotted
/// quad in the last 32 bits, and, when `allow_zone`, a "%zone" suffix (RFC 4007 §11).
constexpr parse_outcome<ipv6_bits> parse_ipv6(std::string_view s, std::size_t base,
                                              bool allow_zone) noexcept {
    if (ipv6_bits b; parse_ipv6_fast(s, b)) {
        return success(b);
    }
    return parse_ipv6_general(s, base, allow_zone);
}

} // namespace detail

/// An IPv6 address (RFC 4291) with an optional zone (RFC 4007), held inline.
///
/// 16 bytes of address plus a 16-byte zone; trivially copyable, never allocates.
/// The default value is the unspecified address "::" with no zone. Ordering is numeric,
/// and an address with a zone sorts just after the same address without one (netip).
class ipv6_address {
  public:
    using uint_type = uint128;
    static constexpr int bits = 128;
    /// Length of the longest text form: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
    /// plus "%" and a 16-character zone.
    static constexpr std::size_t max_string_length = 45 + 1 + max_zone_length;
    /// Length of the exploded form: eight groups of four digits, plus a zone.
    static constexpr std::size_t max_exploded_length = 39 + 1 + max_zone_length;
    /// Length of the ip6.arpa name: 32 nibbles with dots, then "ip6.arpa".
    static constexpr std::size_t max_reverse_pointer_length = 72;

    constexpr ipv6_address() noexcept = default;
    /// From the parser's representation; use parse() or the factories below instead.
    constexpr explicit ipv6_address(const detail::ipv6_bits& b) noexcept : bits_(b) {}

    static constexpr ipv6_address from_uint(uint_type value) noexcept {
        ipv6_address a;
        a.bits_.hi = static_cast<std::uint64_t>(value >> 64);
        a.bits_.lo = static_cast<std::uint64_t>(value);
        return a;
    }
    static constexpr ipv6_address from_halves(std::uint64_t hi, std::uint64_t lo) noexcept {
        ipv6_address a;
        a.bits_.hi = hi;
        a.bits_.lo = lo;
        return a;
    }
    /// The address whose network-order bytes are `b`.
    static constexpr ipv6_address from_bytes(std::array<std::uint8_t, 16> b) noexcept {
        ipv6_address a;
        for (int i = 0; i < 8; ++i) {
            a.bits_.hi = (a.bits_.hi << 8) | b[static_cast<std::size_t>(i)];
            a.bits_.lo = (a.bits_.lo << 8) | b[static_cast<std::size_t>(i + 8)];
        }
        return a;
    }
    /// ::ffff:a.b.c.d, the IPv4-mapped form of `v4` (RFC 4291 §2.5.5.2).
    static constexpr ipv6_address mapped(ipv4_address v4) noexcept {
        return from_halves(0, 0xffff00000000ull | v4.to_uint());
    }

    /// Parses any RFC 4291 §2.2 text form, with an optional "%zone": "2001:db8::1",
    /// "::ffff:192.0.2.1", "fe80::1%eth0". Rejects "::1::", "1:2:3:4:5:6:7:8:9", groups
    /// of more than four digits and dotted quads that inet_pton would reject.
    static constexpr expected<ipv6_address, parse_error> parse(std::string_view text) noexcept {
        if (detail::ipv6_bits b; detail::parse_ipv6_fast(text, b)) {
            return ipv6_address(b); // the common case, without building a parse_outcome
        }
        auto r = detail::parse_ipv6_general(text, 0, true);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return ipv6_address(r.value);
    }

    [[nodiscard]] constexpr uint_type to_uint() const noexcept {
        return (uint_type{bits_.hi} << 64) | bits_.lo;
    }
    [[nodiscard]] constexpr std::uint64_t high_bits() const noexcept { return bits_.hi; }
    [[nodiscard]] constexpr std::uint64_t low_bits() const noexcept { return bits_.lo; }
    /// The sixteen bytes in network order.
    [[nodiscard]] constexpr std::array<std::uint8_t, 16> to_bytes() const noexcept {
        std::array<std::uint8_t, 16> b{};
        for (int i = 0; i < 8; ++i) {
            b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bits_.hi >> (56 - 8 * i));
            b[static_cast<std::size_t>(i + 8)] =
                static_cast<std::uint8_t>(bits_.lo >> (56 - 8 * i));
        }
        return b;
    }
    /// The 16-bit group `index` (0..7), as written in text.
    [[nodiscard]] constexpr std::uint16_t group(int index) const noexcept {
        const std::uint64_t half = index < 4 ? bits_.hi : bits_.lo;
        return static_cast<std::uint16_t>(half >> (48 - 16 * (index % 4)));
    }

    /// The zone ("eth0", "3"), empty when there is none. Valid as long as this object.
    [[nodiscard]] constexpr std::string_view zone() const noexcept {
        std::size_t n = 0;
        while (n < max_zone_length && bits_.zone[n] != '\0') {
            ++n;
        }
        return {bits_.zone.data(), n};
    }
    [[nodiscard]] constexpr bool has_zone() const noexcept { return bits_.zone[0] != '\0'; }
    /// This address with zone `z` (truncated to max_zone_length), or with none when empty.
    [[nodiscard]] constexpr ipv6_address with_zone(std::string_view z) const noexcept {
        ipv6_address a = *this;
        a.bits_.zone = {};
        for (std::size_t i = 0; i < z.size() && i < max_zone_length; ++i) {
            a.bits_.zone[i] = z[i];
        }
        return a;
    }
    [[nodiscard]] constexpr ipv6_address without_zone() const noexcept { return with_zone({}); }

    /// Writes the RFC 5952 canonical form (lower case, longest zero run as "::", IPv4-mapped
    /// addresses as ::ffff:a.b.c.d per §5), plus "%zone". @returns the length.
    std::size_t format_to(std::span<char> out) const noexcept;
    /// Writes all eight groups in four digits: "2001:0db8:0000:...". @returns the length.
    std::size_t exploded_to(std::span<char> out) const noexcept;
    /// Writes the nibble-reversed ip6.arpa name (RFC 3596 §2.5). @returns the length.
    std::size_t reverse_pointer_to(std::span<char> out) const noexcept;

    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] std::string exploded() const;
    [[nodiscard]] std::string reverse_pointer() const;

    /// "::" (RFC 4291 §2.5.2).
    [[nodiscard]] constexpr bool is_unspecified() const noexcept {
        return bits_.hi == 0 && bits_.lo == 0;
    }
    /// "::1" (RFC 4291 §2.5.3).
    [[nodiscard]] constexpr bool is_loopback() const noexcept {
        return bits_.hi == 0 && bits_.lo == 1;
    }
    /// fe80::/10 (RFC 4291 §2.5.6).
    [[nodiscard]] constexpr bool is_link_local() const noexcept {
        return (bits_.hi >> 54) == (0xfe80ull >> 6);
    }
    /// fec0::/10, deprecated site-local (RFC 3879).
    [[nodiscard]] constexpr bool is_site_local() const noexcept {
        return (bits_.hi >> 54) == (0xfec0ull >> 6);
    }
    /// ff00::/8 (RFC 4291 §2.7).
    [[nodiscard]] constexpr bool is_multicast() const noexcept { return (bits_.hi >> 56) == 0xff; }
    /// fc00::/7, unique local (RFC 4193).
    [[nodiscard]] constexpr bool is_unique_local() const noexcept {
        return (bits_.hi >> 57) == (0xfcull >> 1);
    }
    /// 2001:db8::/32 and 3fff::/20 (RFC 3849, RFC 9637).
    [[nodiscard]] constexpr bool is_documentation() const noexcept {
        return (bits_.hi >> 32) == 0x20010db8 || (bits_.hi >> 44) == 0x3fff0;
    }
    /// 2001:2::/48, benchmarking (RFC 5180).
    [[nodiscard]] constexpr bool is_benchmarking() const noexcept {
        return (bits_.hi >> 16) == 0x200100020000ull;
    }
    /// Space the IETF reserves (RFC 4291 §2.4 table): every /3../9 block outside
    /// 2000::/3, fc00::/7, fe80::/10, fec0::/10 and ff00::/8, as Python's ipaddress.
    [[nodiscard]] bool is_reserved() const noexcept;
    /// Not globally reachable per the IANA IPv6 Special-Purpose Address Registry
    /// (special_purpose.hpp); an IPv4-mapped address answers as its IPv4 address.
    [[nodiscard]] bool is_private() const noexcept;
    [[nodiscard]] bool is_global() const noexcept;

    /// The IPv4 address of ::ffff:a.b.c.d (RFC 4291 §2.5.5.2), if this is one.
    [[nodiscard]] constexpr std::optional<ipv4_address> ipv4_mapped() const noexcept {
        if (bits_.hi != 0 || (bits_.lo >> 32) != 0xffff) {
            return std::nullopt;
        }
        return ipv4_address(static_cast<std::uint32_t>(bits_.lo));
    }
    /// The IPv4 address embedded in a 6to4 address 2002:aabb:ccdd::/48 (RFC 3056 §2).
    [[nodiscard]] constexpr std::optional<ipv4_address> sixtofour() const noexcept {
        if ((bits_.hi >> 48) != 0x2002) {
            return std::nullopt;
        }
        return ipv4_address(static_cast<std::uint32_t>(bits_.hi >> 16));
    }
    /// The Teredo server and client addresses of 2001::/32 (RFC 4380 §4): the server is
    /// bits 32..63, the client the complement of the last 32 bits.
    struct teredo_endpoints {
        ipv4_address server;
        ipv4_address client;
        friend constexpr bool operator==(const teredo_endpoints&,
                                         const teredo_endpoints&) = default;
    };
    [[nodiscard]] constexpr std::optional<teredo_endpoints> teredo() const noexcept {
        if ((bits_.hi >> 32) != 0x20010000) {
            return std::nullopt;
        }
        return teredo_endpoints{ipv4_address(static_cast<std::uint32_t>(bits_.hi)),
                                ipv4_address(~static_cast<std::uint32_t>(bits_.lo))};
    }

    friend constexpr bool operator==(const ipv6_address& a, const ipv6_address& b) noexcept {
        return a.bits_.hi == b.bits_.hi && a.bits_.lo == b.bits_.lo && a.bits_.zone == b.bits_.zone;
    }
    friend constexpr std::strong_ordering operator<=>(const ipv6_address& a,
                                                      const ipv6_address& b) noexcept {
        if (auto c = a.bits_.hi <=> b.bits_.hi; c != 0) {
            return c;
        }
        if (auto c = a.bits_.lo <=> b.bits_.lo; c != 0) {
            return c;
        }
        return a.zone().compare(b.zone()) <=> 0;
    }

  private:
    detail::ipv6_bits bits_;
};

} // namespace weft::addr

template <> struct std::hash<weft::addr::ipv6_address> {
    std::size_t operator()(const weft::addr::ipv6_address& a) const noexcept {
        const std::size_t h = std::hash<std::uint64_t>{}(a.high_bits());
        const std::size_t l = std::hash<std::uint64_t>{}(a.low_bits());
        const std::size_t z = std::hash<std::string_view>{}(a.zone());
        return h ^ (l + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2)) ^ (z << 1);
    }
};

template <> struct fmt::formatter<weft::addr::ipv6_address> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(const weft::addr::ipv6_address& a, Ctx& ctx) const {
        char buf[weft::addr::ipv6_address::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, a.format_to(buf)),
                                                        ctx);
    }
};
