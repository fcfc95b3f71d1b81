#include <weft/addr/ipv4_address.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using weft::addr::ipv4_address;
using weft::addr::parse_errc;

TEST(ipv4_address, default_is_unspecified_0_0_0_0) {
    EXPECT_EQ(ipv4_address{}.to_uint(), 0u);
    EXPECT_TRUE(ipv4_address{}.is_unspecified());
    EXPECT_EQ(ipv4_address{}.to_string(), "0.0.0.0");
}

TEST(ipv4_address, parse_accepts_strict_dotted_quads) {
    struct row {
        std::string_view text;
        std::uint32_t value;
    };
    const row rows[] = {
        {"0.0.0.0", 0x00000000},         // the unspecified address
        {"1.2.3.4", 0x01020304},         // one digit per octet
        {"127.0.0.1", 0x7f000001},       // loopback
        {"192.168.100.1", 0xc0a86401},   // three digits, then one
        {"10.0.0.255", 0x0a0000ff},      // 255 is the largest octet
        {"255.255.255.255", 0xffffffff}, // the longest text, max_string_length
        {"100.64.0.0", 0x64400000},      // two digits and zeros
        {"1.20.100.0", 0x01146400},      // a single 0 octet is not a leading zero
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = ipv4_address::parse(r.text);
        ASSERT_TRUE(a.has_value());
        EXPECT_EQ(a->to_uint(), r.value);
    }
}

TEST(ipv4_address, parse_rejects_with_code_and_offset) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    const row rows[] = {
        {"", parse_errc::empty, 0},                         // nothing at all
        {"1.2.3.04", parse_errc::leading_zero, 6},          // octal-looking last octet
        {"01.2.3.4", parse_errc::leading_zero, 0},          // octal-looking first octet
        {"1.2.3.00", parse_errc::leading_zero, 6},          // "00" is a leading zero too
        {"1.2.3", parse_errc::too_few_parts, 5},            // shorthand, three parts
        {"127.1", parse_errc::too_few_parts, 5},            // inet_aton's shorthand
        {"1.2.3.", parse_errc::too_few_parts, 6},           // trailing dot, no fourth octet
        {"1.2.3.4.5", parse_errc::too_many_parts, 7},       // a fifth part
        {"1.2.3.4.", parse_errc::too_many_parts, 7},        // a trailing dot
        {"256.1.1.1", parse_errc::octet_overflow, 0},       // 256 > 255
        {"1.2.3.1000", parse_errc::octet_overflow, 6},      // four digits
        {"1.2.999.4", parse_errc::octet_overflow, 4},       // three digits, too big
        {"1..2.3", parse_errc::empty_part, 2},              // an empty octet
        {".1.2.3", parse_errc::empty_part, 0},              // a leading dot
        {" 1.2.3.4", parse_errc::invalid_character, 0},     // leading space
        {"1.2.3.4 ", parse_errc::invalid_character, 7},     // trailing space
        {"0x1.2.3.4", parse_errc::invalid_character, 1},    // hex is not accepted
        {"1.2.3.-4", parse_errc::invalid_character, 6},     // no sign
        {"1.2.3.+4", parse_errc::invalid_character, 6},     // no sign either
        {"1.2.3.4/24", parse_errc::invalid_character, 7},   // a network is not an address
        {"1.2.3.4%eth0", parse_errc::invalid_character, 7}, // IPv4 has no zone
        {"1,2,3,4", parse_errc::invalid_character, 1},      // wrong separator
        {"a.b.c.d", parse_errc::invalid_character, 0},      // letters
        {"::1", parse_errc::invalid_character, 0},          // IPv6
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = ipv4_address::parse(r.text);
        ASSERT_FALSE(a.has_value());
        EXPECT_EQ(a.error().code, r.code);
        EXPECT_EQ(a.error().offset, r.offset);
    }
}

TEST(ipv4_address, parse_error_message_quotes_the_input) {
    const auto a = ipv4_address::parse("1.2.3.04");
    ASSERT_FALSE(a.has_value());
    const std::string m = a.error().message("1.2.3.04");
    EXPECT_EQ(m.rfind("\"1.2.3.04\"", 0), 0u) << m;
    EXPECT_NE(m.find('6'), std::string::npos) << m; // the offset is in it
}

TEST(ipv4_address, parse_error_message_cuts_a_huge_input_short) {
    // 100 kB of digits and a bad byte near the end: the message shows the first 60 bytes and
    // the length, and the offset still counts from the start of the whole input.
    std::string huge(100'000, '1');
    huge[70'000] = 'x';
    const auto a = ipv4_address::parse(huge);
    ASSERT_FALSE(a.has_value());
    const std::string m = a.error().message(huge);
    EXPECT_LT(m.size(), 160u) << m;
    EXPECT_EQ(m.rfind('"' + std::string(60, '1') + "...\" (100000 bytes): ", 0), 0u) << m;
    EXPECT_EQ(weft::addr::quoted("a\"b\n"), "\"a\\x22b\\x0a\"");
    EXPECT_EQ(weft::addr::quoted(std::string(60, 'z')), '"' + std::string(60, 'z') + '"');
}

TEST(ipv4_address, formats_dotted_quads) {
    struct row {
        std::uint32_t value;
        std::string_view text;
    };
    const row rows[] = {
        {0x00000000, "0.0.0.0"},         // shortest text
        {0x01020304, "1.2.3.4"},         // one digit each
        {0x0a00000a, "10.0.0.10"},       // two digits, zeros in between
        {0xc0a86401, "192.168.100.1"},   // three digits
        {0xffffffff, "255.255.255.255"}, // longest text
        {0x64646464, "100.100.100.100"}, // zeros inside three-digit octets
    };
    for (const auto& r : rows) {
        const ipv4_address a(r.value);
        SCOPED_TRACE(r.text);
        EXPECT_EQ(a.to_string(), r.text);
        EXPECT_EQ(fmt::format("{}", a), r.text);
        std::array<char, ipv4_address::max_string_length> buf{};
        EXPECT_EQ(std::string_view(buf.data(), a.format_to(buf)), r.text);
    }
    EXPECT_EQ(ipv4_address::max_string_length, std::string_view("255.255.255.255").size());
}

TEST(ipv4_address, reverse_pointer_is_in_addr_arpa) {
    struct row {
        std::string_view address;
        std::string_view name;
    };
    const row rows[] = {
        {"1.2.3.4", "4.3.2.1.in-addr.arpa"},                 // RFC 1035 §3.5
        {"127.0.0.1", "1.0.0.127.in-addr.arpa"},             // zeros kept
        {"192.0.2.255", "255.2.0.192.in-addr.arpa"},         // three-digit octets
        {"255.255.255.255", "255.255.255.255.in-addr.arpa"}, // the longest name
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.address);
        const auto a = ipv4_address::parse(r.address).value();
        EXPECT_EQ(a.reverse_pointer(), r.name);
        std::array<char, ipv4_address::max_reverse_pointer_length> buf{};
        EXPECT_EQ(std::string_view(buf.data(), a.reverse_pointer_to(buf)), r.name);
    }
    EXPECT_EQ(ipv4_address::max_reverse_pointer_length,
              std::string_view("255.255.255.255.in-addr.arpa").size());
}

TEST(ipv4_address, converts_to_and_from_integers_and_bytes) {
    const auto a = ipv4_address::parse("192.0.2.33").value();
    EXPECT_EQ(a.to_uint(), 0xc0000221u);
    EXPECT_EQ(a.to_bytes(), (std::array<std::uint8_t, 4>{192, 0, 2, 33}));
    EXPECT_EQ(ipv4_address::from_uint(0xc0000221u), a);
    EXPECT_EQ(ipv4_address(0xc0000221u), a);
    EXPECT_EQ(ipv4_address(192, 0, 2, 33), a);
    EXPECT_EQ(ipv4_address::from_bytes({192, 0, 2, 33}), a);
    EXPECT_EQ(ipv4_address::from_bytes(a.to_bytes()), a);
}

TEST(ipv4_address, predicates_follow_the_iana_registry) {
    struct row {
        std::string_view text;
        bool unspecified, loopback, link_local, multicast, reserved, broadcast, shared,
            benchmarking, documentation, is_private, is_global;
    };
    constexpr bool T = true;
    constexpr bool F = false;
    // Columns: unspec loop link mcast resv bcast shared bench doc | private global.
    // private/global agree with Debian python3 ipaddress (CVE-2024-4032 registry).
    const row rows[] = {
        {"0.0.0.0", T, F, F, F, F, F, F, F, F, T, F},         // "this host", RFC 1122
        {"0.1.2.3", F, F, F, F, F, F, F, F, F, T, F},         // "this network" 0/8
        {"127.0.0.1", F, T, F, F, F, F, F, F, F, T, F},       // loopback
        {"127.255.255.255", F, T, F, F, F, F, F, F, F, T, F}, // loopback, top of /8
        {"128.0.0.1", F, F, F, F, F, F, F, F, F, F, T},       // just past loopback
        {"169.254.1.1", F, F, T, F, F, F, F, F, F, T, F},     // link-local, RFC 3927
        {"169.255.0.0", F, F, F, F, F, F, F, F, F, F, T},     // just past link-local
        {"224.0.0.1", F, F, F, T, F, F, F, F, F, F, T},       // all-hosts multicast
        {"239.255.255.255", F, F, F, T, F, F, F, F, F, F, T}, // top of 224/4
        {"240.0.0.1", F, F, F, F, T, F, F, F, F, T, F},       // class E, reserved
        {"255.255.255.255", F, F, F, F, T, T, F, F, F, T, F}, // limited broadcast
        {"100.63.255.255", F, F, F, F, F, F, F, F, F, F, T},  // just below shared space
        {"100.64.0.1", F, F, F, F, F, F, T, F, F, F, F},      // CGN: neither private nor global
        {"100.127.255.255", F, F, F, F, F, F, T, F, F, F, F}, // top of 100.64.0.0/10
        {"100.128.0.0", F, F, F, F, F, F, F, F, F, F, T},     // just past shared space
        {"198.18.0.0", F, F, F, F, F, F, F, T, F, T, F},      // benchmarking, RFC 2544
        {"198.19.255.255", F, F, F, F, F, F, F, T, F, T, F},  // top of 198.18.0.0/15
        {"198.20.0.0", F, F, F, F, F, F, F, F, F, F, T},      // just past benchmarking
        {"192.0.2.1", F, F, F, F, F, F, F, F, T, T, F},       // TEST-NET-1
        {"198.51.100.7", F, F, F, F, F, F, F, F, T, T, F},    // TEST-NET-2
        {"203.0.113.255", F, F, F, F, F, F, F, F, T, T, F},   // TEST-NET-3
        {"203.0.114.0", F, F, F, F, F, F, F, F, F, F, T},     // just past TEST-NET-3
        {"10.1.2.3", F, F, F, F, F, F, F, F, F, T, F},        // RFC 1918
        {"172.16.0.1", F, F, F, F, F, F, F, F, F, T, F},      // RFC 1918 /12 bottom
        {"172.31.255.255", F, F, F, F, F, F, F, F, F, T, F},  // RFC 1918 /12 top
        {"172.32.0.0", F, F, F, F, F, F, F, F, F, F, T},      // just past 172.16.0.0/12
        {"192.168.0.1", F, F, F, F, F, F, F, F, F, T, F},     // RFC 1918 /16
        {"192.0.0.8", F, F, F, F, F, F, F, F, F, T, F},       // IPv4 dummy address
        {"192.0.0.9", F, F, F, F, F, F, F, F, F, F, T},       // PCP anycast: global
        {"192.0.0.10", F, F, F, F, F, F, F, F, F, F, T},      // TURN anycast: global
        {"192.0.0.11", F, F, F, F, F, F, F, F, F, T, F},      // rest of 192.0.0.0/24
        {"192.0.0.170", F, F, F, F, F, F, F, F, F, T, F},     // NAT64 discovery
        {"192.0.0.171", F, F, F, F, F, F, F, F, F, T, F},     // NAT64 discovery
        {"192.88.99.1", F, F, F, F, F, F, F, F, F, F, T},     // deprecated 6to4 relay (N/A)
        {"192.31.196.1", F, F, F, F, F, F, F, F, F, F, T},    // AS112-v4, global
        {"8.8.8.8", F, F, F, F, F, F, F, F, F, F, T},         // an ordinary address
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = ipv4_address::parse(r.text).value();
        EXPECT_EQ(a.is_unspecified(), r.unspecified);
        EXPECT_EQ(a.is_loopback(), r.loopback);
        EXPECT_EQ(a.is_link_local(), r.link_local);
        EXPECT_EQ(a.is_multicast(), r.multicast);
        EXPECT_EQ(a.is_reserved(), r.reserved);
        EXPECT_EQ(a.is_broadcast(), r.broadcast);
        EXPECT_EQ(a.is_shared(), r.shared);
        EXPECT_EQ(a.is_benchmarking(), r.benchmarking);
        EXPECT_EQ(a.is_documentation(), r.documentation);
        EXPECT_EQ(a.is_private(), r.is_private);
        EXPECT_EQ(a.is_global(), r.is_global);
    }
}

TEST(ipv4_address, orders_numerically_and_hashes_by_value) {
    const auto a = ipv4_address::parse("9.255.255.255").value();
    const auto b = ipv4_address::parse("10.0.0.0").value();
    EXPECT_LT(a, b); // numeric, not textual ("10" < "9" as text)
    EXPECT_GT(b, a);
    EXPECT_EQ(a, ipv4_address(9, 255, 255, 255));
    EXPECT_NE(a, b);
    const std::hash<ipv4_address> h;
    EXPECT_EQ(h(a), h(ipv4_address(0x09ffffffu)));
    const std::unordered_set<ipv4_address> set{a, b, ipv4_address(0x0a000000u)};
    EXPECT_EQ(set.size(), 2u);
}

// parse(format(x)) == x on many values, and both sides agree with glibc.
TEST(ipv4_address, round_trips_and_agrees_with_inet_ntop_and_inet_pton) {
    std::mt19937_64 rng(0x5eed'1234);
    for (int i = 0; i < 20000; ++i) {
        std::uint32_t v = static_cast<std::uint32_t>(rng());
        // Bias some values toward zero and 255 octets, the edges of the formatter.
        if (i % 3 == 0) {
            v &= static_cast<std::uint32_t>(rng());
        } else if (i % 3 == 1) {
            v |= static_cast<std::uint32_t>(rng());
        }
        const ipv4_address a(v);
        const std::string text = a.to_string();
        SCOPED_TRACE(text);
        const auto back = ipv4_address::parse(text);
        ASSERT_TRUE(back.has_value());
        ASSERT_EQ(*back, a);

        in_addr in{};
        in.s_addr = htonl(v);
        char ref[INET_ADDRSTRLEN];
        ASSERT_NE(inet_ntop(AF_INET, &in, ref, sizeof ref), nullptr);
        ASSERT_EQ(text, ref);
    }
}

// Random edits of valid texts: weft accepts exactly what inet_pton accepts, with the
// same value.
TEST(ipv4_address, agrees_with_inet_pton_on_mutated_texts) {
    std::mt19937_64 rng(42);
    constexpr std::string_view alphabet = "0123456789.00..x -";
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text = ipv4_address(static_cast<std::uint32_t>(rng())).to_string();
        const int edits = static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) {
            const char c = alphabet[rng() % alphabet.size()];
            const std::size_t pos = rng() % (text.size() + 1);
            switch (rng() % 3) {
            case 0: // insert
                text.insert(pos, 1, c);
                break;
            case 1: // replace
                if (pos < text.size()) {
                    text[pos] = c;
                }
                break;
            default: // erase
                if (pos < text.size()) {
                    text.erase(pos, 1);
                }
                break;
            }
        }
        SCOPED_TRACE(text);
        in_addr in{};
        const bool ref_ok = inet_pton(AF_INET, text.c_str(), &in) == 1;
        const auto a = ipv4_address::parse(text);
        ASSERT_EQ(a.has_value(), ref_ok);
        if (ref_ok) {
            ++accepted;
            ASSERT_EQ(a->to_uint(), ntohl(in.s_addr));
        }
    }
    EXPECT_GT(accepted, 1000); // the edits leave plenty of valid texts
}

} // namespace
