#include <weft/addr/ipv6_address.hpp>

#include <cstring>

namespace weft::addr {

namespace {

std::size_t put_group(char* out, unsigned g) noexcept {
    const char* hex = detail::lower_hex_digits;
    std::size_t n = 0;
    if (g >> 12) {
        out[n++] = hex[g >> 12];
    }
    if (g >> 8) {
        out[n++] = hex[(g >> 8) & 0xf];
    }
    if (g >> 4) {
        out[n++] = hex[(g >> 4) & 0xf];
    }
    out[n++] = hex[g & 0xf];
    return n;
}

std::size_t put_zone(char* out, std::string_view zone) noexcept {
    if (zone.empty()) {
        return 0;
    }
    out[0] = '%';
    std::memcpy(out + 1, zone.data(), zone.size());
    return zone.size() + 1;
}

} // namespace

std::size_t ipv6_address::format_to(std::span<char> out) const noexcept {
    char* p = out.data();
    std::size_t n = 0;
    // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad people recognise.
    if (auto v4 = ipv4_mapped()) {
        constexpr std::string_view prefix = "::ffff:";
        std::memcpy(p, prefix.data(), prefix.size());
        n = prefix.size();
        n += v4->format_to(std::span<char>(p + n, ipv4_address::max_string_length));
        return n + put_zone(p + n, zone());
    }
    std::uint16_t g[8];
    for (int i = 0; i < 8; ++i) {
        g[i] = group(i);
    }
    // RFC 5952 §4.2: "::" replaces the longest run of two or more zero groups, the first
    // such run on a tie; a single zero group is written as "0".
    int best_start = -1;
    int best_len = 1;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0) {
            ++j;
        }
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            p[n++] = ':';
            p[n++] = ':';
            i += best_len - 1;
            continue;
        }
        if (i != 0 && i != best_start + best_len) {
            p[n++] = ':';
        }
        n += put_group(p + n, g[i]);
    }
    return n + put_zone(p + n, zone());
}

std::size_t ipv6_address::exploded_to(std::span<char> out) const noexcept {
    char* p = out.data();
    const char* hex = detail::lower_hex_digits;
    std::size_t n = 0;
    for (int i = 0; i < 8; ++i) {
        const unsigned v = group(i);
        if (i != 0) {
            p[n++] = ':';
        }
        p[n++] = hex[v >> 12];
        p[n++] = hex[(v >> 8) & 0xf];
        p[n++] = hex[(v >> 4) & 0xf];
        p[n++] = hex[v & 0xf];
    }
    return n + put_zone(p + n, zone());
}

std::size_t ipv6_address::reverse_pointer_to(std::span<char> out) const noexcept {
    char* p = out.data();
    std::size_t n = 0;
    const char* hex = detail::lower_hex_digits;
    for (int nibble = 0; nibble < 32; ++nibble) {
        const std::uint64_t half = nibble < 16 ? bits_.lo : bits_.hi;
        p[n++] = hex[(half >> (4 * (nibble % 16))) & 0xf];
        p[n++] = '.';
    }
    constexpr std::string_view suffix = "ip6.arpa";
    std::memcpy(p + n, suffix.data(), suffix.size());
    return n + suffix.size();
}

std::string ipv6_address::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

std::string ipv6_address::exploded() const {
    char buf[max_exploded_length];
    return std::string(buf, exploded_to(buf));
}

std::string ipv6_address::reverse_pointer() const {
    char buf[max_reverse_pointer_length];
    return std::string(buf, reverse_pointer_to(buf));
}

bool ipv6_address::is_reserved() const noexcept {
    // The blocks RFC 4291 §2.4 leaves unassigned, as Python's ipaddress lists them:
    // ::/8, 100::/8, 200::/7, 400::/6, 800::/5, 1000::/4, 4000::/3 .. c000::/3,
    // e000::/4, f000::/5, f800::/6, fe00::/9.
    const unsigned top = static_cast<unsigned>(bits_.hi >> 48);
    if (top < 0x2000) {
        return true;
    }
    if (top < 0x4000) {
        return false; // 2000::/3, global unicast
    }
    if (top < 0xfc00) {
        return true;
    }
    if (top < 0xfe00) {
        return false; // fc00::/7, unique local
    }
    return top < 0xfe80; // fe00::/9; fe80::/10, fec0::/10 and ff00::/8 are assigned
}

} // namespace weft::addr
