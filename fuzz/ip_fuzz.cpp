// Fuzzes the IP address parsers and formatters: ipv4_address, ipv6_address, ip_address.
//
// Properties checked on every input (STYLE.md 2.9), each failure a __builtin_trap():
// - a parse error points inside the input (offset <= size) and renders a message;
// - parse(format(x)) == x for format_to, exploded_to and the ip6.arpa / in-addr.arpa name,
//   each written into a buffer of exactly the advertised max_*_length (ASan catches any
//   constant that is too small), and formatting is idempotent;
// - glibc inet_pton is the reference for acceptance and bytes, inet_ntop for the text:
//   * AF_INET: weft accepts exactly what inet_pton accepts, with the same bytes, and
//     formats exactly the input (a strict dotted quad has one spelling) as inet_ntop does.
//   * AF_INET6, input without '%': weft accepts exactly what inet_pton accepts, with the
//     same bytes. Both implement the RFC 4291 §2.2 grammar with the same choices (at most
//     four hex digits per group, "::" for at least one group, the embedded dotted quad
//     only in the last 32 bits and as strict as AF_INET). inet_pton has no zones, so text
//     with '%' is checked against inet_pton on the part before it instead.
//   * inet_ntop: the same text as format_to, except where glibc deliberately differs
//     from RFC 5952: it writes IPv4-compatible addresses (RFC 4291 §2.5.5.1, deprecated)
//     such as ::102:304 as "::1.2.3.4"; weft writes only IPv4-mapped ones dotted (§5).
// - inet_pton reads a C string, so inputs holding a NUL byte skip the glibc comparison;
// - the IPv6 fast path (detail::parse_ipv6_fast) accepts exactly the zone-less text the
//   general parser accepts, with the same bits.
#include <weft/addr/ip_address.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <fmt/format.h>

#define WEFT_FUZZ_CHECK(cond)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (false)

namespace {

using weft::addr::ip_address;
using weft::addr::ipv4_address;
using weft::addr::ipv6_address;

// A parse failure must point inside the input and render without crashing.
void check_error(const weft::addr::parse_error& e, std::string_view text) {
    WEFT_FUZZ_CHECK(e.offset <= text.size());
    WEFT_FUZZ_CHECK(!e.message(text).empty());
}

// Parses the label `part` of a reverse pointer: a decimal octet or a hex nibble.
int label_value(std::string_view part, int base) {
    if (part.empty() || part.size() > 3) {
        return -1;
    }
    int v = 0;
    for (const char c : part) {
        const int d = weft::addr::detail::hex_value(c);
        if (d < 0 || d >= base) {
            return -1;
        }
        v = v * base + d;
    }
    return v;
}

void check_ipv4(std::string_view text, const char* c_text) {
    const auto r = ipv4_address::parse(text);
    if (c_text != nullptr) {
        in_addr ref{};
        const bool ref_ok = inet_pton(AF_INET, c_text, &ref) == 1;
        WEFT_FUZZ_CHECK(ref_ok == r.has_value());
        if (ref_ok) {
            WEFT_FUZZ_CHECK(std::memcmp(&ref, r->to_bytes().data(), 4) == 0);
        }
    }
    if (!r) {
        check_error(r.error(), text);
        return;
    }
    const ipv4_address a = *r;

    char buf[ipv4_address::max_string_length];
    const std::size_t n = a.format_to(buf);
    WEFT_FUZZ_CHECK(n <= sizeof buf);
    const std::string_view formatted(buf, n);
    // A strict dotted quad has exactly one spelling, so the text comes back unchanged.
    WEFT_FUZZ_CHECK(formatted == text);
    WEFT_FUZZ_CHECK(ipv4_address::parse(formatted) == a);
    WEFT_FUZZ_CHECK(a.to_string() == formatted);
    WEFT_FUZZ_CHECK(fmt::format("{}", a) == formatted);
    WEFT_FUZZ_CHECK(ipv4_address::from_bytes(a.to_bytes()) == a);

    char ntop[INET_ADDRSTRLEN];
    const auto bytes = a.to_bytes();
    WEFT_FUZZ_CHECK(inet_ntop(AF_INET, bytes.data(), ntop, sizeof ntop) != nullptr);
    WEFT_FUZZ_CHECK(formatted == ntop);

    // "d.c.b.a.in-addr.arpa": the four labels, read back in reverse, are the address.
    char rev[ipv4_address::max_reverse_pointer_length];
    const std::size_t rn = a.reverse_pointer_to(rev);
    WEFT_FUZZ_CHECK(rn <= sizeof rev);
    std::string_view name(rev, rn);
    WEFT_FUZZ_CHECK(name.ends_with(".in-addr.arpa"));
    WEFT_FUZZ_CHECK(a.reverse_pointer() == name);
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        const std::size_t dot = name.find('.');
        const int octet = label_value(name.substr(0, dot), 10);
        WEFT_FUZZ_CHECK(octet >= 0 && octet <= 255);
        value |= static_cast<std::uint32_t>(octet) << (8 * i);
        name.remove_prefix(dot + 1);
    }
    WEFT_FUZZ_CHECK(name == "in-addr.arpa");
    WEFT_FUZZ_CHECK(value == a.to_uint());

    // Predicates must not crash; their answers are the unit tests' business.
    (void)(a.is_private() + a.is_global() + a.is_reserved() + a.is_loopback());
}

// glibc's inet_ntop writes the last 32 bits dotted when the longest zero run (of two or
// more groups, the first on a tie) starts at group 0 and is 6 groups long, or 7 with a
// last group other than 1, or 5 followed by ffff (the mapped form weft also uses).
bool glibc_writes_ipv4_compatible(const ipv6_address& a) {
    int best_start = -1;
    int best_len = 0;
    for (int i = 0; i < 8;) {
        if (a.group(i) != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && a.group(j) == 0) {
            ++j;
        }
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    return best_start == 0 && (best_len == 6 || (best_len == 7 && a.group(7) != 1));
}

void check_ipv6(std::string_view text, const char* c_text) {
    const auto r = ipv6_address::parse(text);
    const std::size_t pct = text.find('%');
    if (c_text != nullptr) {
        // inet_pton knows no zones: compare the address part; the zone is weft's alone.
        const std::string address(text.substr(0, pct));
        in6_addr ref{};
        const bool ref_ok = inet_pton(AF_INET6, address.c_str(), &ref) == 1;
        if (pct == std::string_view::npos) {
            WEFT_FUZZ_CHECK(ref_ok == r.has_value());
        } else if (r) {
            WEFT_FUZZ_CHECK(ref_ok);
        }
        if (r) {
            WEFT_FUZZ_CHECK(std::memcmp(&ref, r->to_bytes().data(), 16) == 0);
        }
    }
    if (!r) {
        check_error(r.error(), text);
        return;
    }
    const ipv6_address a = *r;
    if (pct == std::string_view::npos) {
        WEFT_FUZZ_CHECK(!a.has_zone());
    } else {
        WEFT_FUZZ_CHECK(a.zone() == text.substr(pct + 1));
        WEFT_FUZZ_CHECK(a.without_zone().with_zone(a.zone()) == a);
    }
    WEFT_FUZZ_CHECK(ipv6_address::from_bytes(a.to_bytes()).with_zone(a.zone()) == a);
    WEFT_FUZZ_CHECK(ipv6_address::from_uint(a.to_uint()).with_zone(a.zone()) == a);

    char buf[ipv6_address::max_string_length];
    const std::size_t n = a.format_to(buf);
    WEFT_FUZZ_CHECK(n <= sizeof buf);
    const std::string_view formatted(buf, n);
    const auto again = ipv6_address::parse(formatted);
    WEFT_FUZZ_CHECK(again && *again == a);
    char buf2[ipv6_address::max_string_length];
    WEFT_FUZZ_CHECK(std::string_view(buf2, again->format_to(buf2)) == formatted);
    WEFT_FUZZ_CHECK(a.to_string() == formatted);
    WEFT_FUZZ_CHECK(fmt::format("{}", a) == formatted);

    if (!a.has_zone()) {
        char ntop[INET6_ADDRSTRLEN];
        const auto bytes = a.to_bytes();
        WEFT_FUZZ_CHECK(inet_ntop(AF_INET6, bytes.data(), ntop, sizeof ntop) != nullptr);
        if (!glibc_writes_ipv4_compatible(a)) {
            WEFT_FUZZ_CHECK(formatted == ntop);
        }
    }

    char exploded[ipv6_address::max_exploded_length];
    const std::size_t en = a.exploded_to(exploded);
    WEFT_FUZZ_CHECK(en <= sizeof exploded);
    WEFT_FUZZ_CHECK(en == 39 + (a.has_zone() ? 1 + a.zone().size() : 0));
    WEFT_FUZZ_CHECK(ipv6_address::parse(std::string_view(exploded, en)) == a);
    WEFT_FUZZ_CHECK(a.exploded() == std::string_view(exploded, en));

    // 32 nibbles, least significant first, then "ip6.arpa"; the zone is not part of it.
    char rev[ipv6_address::max_reverse_pointer_length];
    const std::size_t rn = a.reverse_pointer_to(rev);
    WEFT_FUZZ_CHECK(rn == sizeof rev);
    const std::string_view name(rev, rn);
    WEFT_FUZZ_CHECK(name.ends_with(".ip6.arpa"));
    WEFT_FUZZ_CHECK(a.reverse_pointer() == name);
    weft::addr::uint128 value = 0;
    for (int i = 0; i < 32; ++i) {
        const int nibble = label_value(name.substr(2 * static_cast<std::size_t>(i), 1), 16);
        WEFT_FUZZ_CHECK(nibble >= 0 && name[2 * static_cast<std::size_t>(i) + 1] == '.');
        value |= static_cast<weft::addr::uint128>(nibble) << (4 * i);
    }
    WEFT_FUZZ_CHECK(value == a.to_uint());

    (void)(a.is_private() + a.is_global() + a.is_reserved() + a.is_link_local());
    if (const auto v4 = a.ipv4_mapped()) {
        WEFT_FUZZ_CHECK(ipv6_address::mapped(*v4) == a.without_zone());
    }
}

// detail::parse_ipv6_fast is the hot path of every IPv6 parse and must agree with the
// general parser: accept only what it accepts, with the same bits. It should also accept
// every zone-less address, or the fast path has silently stopped being the common case.
void check_ipv6_fast_path(std::string_view text) {
    weft::addr::detail::ipv6_bits fast;
    const bool fast_ok = weft::addr::detail::parse_ipv6_fast(text, fast);
    const auto general = weft::addr::detail::parse_ipv6_general(text, 0, true);
    if (fast_ok) {
        WEFT_FUZZ_CHECK(general.ok);
        WEFT_FUZZ_CHECK(fast.hi == general.value.hi && fast.lo == general.value.lo);
        WEFT_FUZZ_CHECK(general.value.zone == weft::addr::detail::ipv6_bits{}.zone);
    } else if (general.ok) {
        WEFT_FUZZ_CHECK(general.value.zone[0] != '\0');
    }
}

void check_ip(std::string_view text) {
    const auto r = ip_address::parse(text);
    // A ':' makes the text IPv6, so the result is exactly that family's parser's.
    if (text.find(':') != std::string_view::npos) {
        const auto v6 = ipv6_address::parse(text);
        WEFT_FUZZ_CHECK(r.has_value() == v6.has_value());
        WEFT_FUZZ_CHECK(r ? r->is_v6() && r->v6() == *v6 : r.error() == v6.error());
    } else {
        const auto v4 = ipv4_address::parse(text);
        WEFT_FUZZ_CHECK(r.has_value() == v4.has_value());
        WEFT_FUZZ_CHECK(r ? r->is_v4() && r->v4() == *v4 : r.error() == v4.error());
    }
    if (!r) {
        return;
    }
    char buf[ip_address::max_string_length];
    const std::size_t n = r->format_to(buf);
    WEFT_FUZZ_CHECK(n <= sizeof buf);
    WEFT_FUZZ_CHECK(ip_address::parse(std::string_view(buf, n)) == *r);
    WEFT_FUZZ_CHECK(fmt::format("{}", *r) == std::string_view(buf, n));
    WEFT_FUZZ_CHECK(r->is_valid() && *r > ip_address{});
    (void)(r->is_private() + r->is_global() + r->is_reserved() + r->is_multicast());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string c_string(text);
    const char* c_text = text.find('\0') == std::string_view::npos ? c_string.c_str() : nullptr;
    check_ipv4(text, c_text);
    check_ipv6(text, c_text);
    check_ipv6_fast_path(text);
    check_ip(text);
    return 0;
}
