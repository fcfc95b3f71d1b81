#include <weft/addr/network.hpp>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using weft::addr::ipv4_address;
using weft::addr::ipv4_interface;
using weft::addr::ipv4_network;
using weft::addr::ipv6_address;
using weft::addr::ipv6_interface;
using weft::addr::ipv6_network;
using weft::addr::parse_errc;
using weft::addr::parse_mode;

ipv4_address a4(std::string_view s) {
    return ipv4_address::parse(s).value();
}
ipv6_address a6(std::string_view s) {
    return ipv6_address::parse(s).value();
}
ipv4_network n4(std::string_view s) {
    return ipv4_network::parse(s).value();
}
ipv6_network n6(std::string_view s) {
    return ipv6_network::parse(s).value();
}

template <class N> std::vector<std::string> texts(const std::vector<N>& networks) {
    std::vector<std::string> out;
    for (const auto& n : networks) {
        out.push_back(n.to_string());
    }
    return out;
}

using strings = std::vector<std::string>;

// ---------------------------------------------------------------------------------------
// Parsing

TEST(ipv4_network, parse_accepts_prefix_netmask_hostmask_and_bare_address) {
    struct row {
        std::string_view text;
        std::string_view network; // canonical "address/prefix"
    };
    const row rows[] = {
        {"192.168.100.0/26", "192.168.100.0/26"},              // prefix length
        {"192.168.100.0/255.255.255.192", "192.168.100.0/26"}, // netmask
        {"192.168.100.0/0.0.0.63", "192.168.100.0/26"},        // Cisco hostmask
        {"192.168.100.1", "192.168.100.1/32"},                 // bare address: a /32
        {"192.168.100.1/26", "192.168.100.0/26"},              // lenient: host bits cleared
        {"0.0.0.0/0", "0.0.0.0/0"},                            // the whole space
        {"255.255.255.255/0", "0.0.0.0/0"},                    // lenient /0 clears everything
        {"10.0.0.0/8", "10.0.0.0/8"},                          // a class A
        {"10.0.0.0/255.0.0.0", "10.0.0.0/8"},                  // ...as a netmask
        {"10.0.0.0/0.255.255.255", "10.0.0.0/8"},              // ...as a hostmask
        {"0.0.0.0/0.0.0.0", "0.0.0.0/0"},                      // all-zero mask reads as /0
        {"1.2.3.4/255.255.255.255", "1.2.3.4/32"},             // all-ones mask is /32
        {"1.2.3.4/32", "1.2.3.4/32"},                          // the longest prefix
        {"128.0.0.0/1", "128.0.0.0/1"},                        // the shortest non-zero prefix
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto n = ipv4_network::parse(r.text);
        ASSERT_TRUE(n.has_value()) << static_cast<int>(n.error().code);
        EXPECT_EQ(n->to_string(), r.network);
    }
}

TEST(ipv4_network, parse_rejects_with_code_and_offset) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    const row rows[] = {
        {"", parse_errc::empty, 0},                                   // nothing at all
        {"/", parse_errc::empty, 0},                                  // no address
        {"/24", parse_errc::empty, 0},                                // no address
        {"192.168.100.1/33", parse_errc::prefix_out_of_range, 14},    // 33 > 32
        {"10.0.0.0/1000", parse_errc::prefix_out_of_range, 9},        // far too long
        {"10.0.0.0/8x", parse_errc::invalid_character, 10},           // trailing junk
        {"10.0.0.0/", parse_errc::missing_prefix, 9},                 // '/' and nothing
        {"10.0.0.0/-1", parse_errc::invalid_character, 9},            // negative
        {"10.0.0.0/ 8", parse_errc::invalid_character, 9},            // space
        {"10.0.0.0/08", parse_errc::leading_zero, 9},                 // leading zero
        {"10.0.0.0/8/8", parse_errc::invalid_character, 10},          // two slashes
        {"10.0.0.0/255.0.255.0", parse_errc::invalid_netmask, 9},     // non-contiguous
        {"10.0.0.0/0.255.0.255", parse_errc::invalid_netmask, 9},     // non-contiguous hostmask
        {"10.0.0.0/255.255.255.256", parse_errc::octet_overflow, 21}, // bad mask octet
        {"10.0.0.0/255.255.0", parse_errc::too_few_parts, 18},        // short mask
        {"10.0.0/8", parse_errc::too_few_parts, 6},                   // short address
        {"1.2.3.04/8", parse_errc::leading_zero, 6},                  // address rules apply
        {"::/0", parse_errc::invalid_character, 0},                   // IPv6
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto n = ipv4_network::parse(r.text);
        ASSERT_FALSE(n.has_value());
        EXPECT_EQ(n.error().code, r.code);
        EXPECT_EQ(n.error().offset, r.offset);
    }
}

TEST(ipv4_network, strict_parse_rejects_host_bits_at_the_slash) {
    struct row {
        std::string_view text;
        std::uint32_t slash; // offset of the '/', or ~0 when the parse succeeds
    };
    const row rows[] = {
        {"192.168.100.1/26", 13},   // the issue's interface address
        {"10.0.0.1/255.0.0.0", 8},  // host bits under a netmask
        {"255.255.255.255/0", 15},  // everything is host bits in /0
        {"192.168.100.0/26", ~0u},  // a proper network
        {"192.168.100.64/26", ~0u}, // the second /26
        {"10.0.0.1", ~0u},          // bare address: a /32 has no host bits
        {"10.0.0.1/32", ~0u},       // likewise
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto n = ipv4_network::parse(r.text, parse_mode::strict);
        if (r.slash == ~0u) {
            EXPECT_TRUE(n.has_value());
            continue;
        }
        ASSERT_FALSE(n.has_value());
        EXPECT_EQ(n.error().code, parse_errc::host_bits_set);
        EXPECT_EQ(n.error().offset, r.slash);
    }
}

TEST(ipv4_network, host_bits_message_suggests_the_network) {
    const auto n = ipv4_network::parse("192.168.100.1/26", parse_mode::strict);
    ASSERT_FALSE(n.has_value());
    const std::string m = n.error().message("192.168.100.1/26");
    EXPECT_NE(m.find("192.168.100.0/26"), std::string::npos) << m;
    EXPECT_NE(m.find("\"192.168.100.1/26\""), std::string::npos) << m;
}

TEST(ipv6_network, parse_accepts_and_rejects) {
    struct row {
        std::string_view text;
        std::string_view network; // canonical text, or "" when rejected
        parse_errc code;
        std::uint32_t offset;
    };
    const auto ok = parse_errc{};
    const row rows[] = {
        {"2001:db8::/32", "2001:db8::/32", ok, 0},                    // documentation block
        {"::/0", "::/0", ok, 0},                                      // the whole space
        {"::1", "::1/128", ok, 0},                                    // bare address: a /128
        {"2001:db8::1/64", "2001:db8::/64", ok, 0},                   // lenient: host bits cleared
        {"::ffff:0:0/96", "::ffff:0.0.0.0/96", ok, 0},                // mapped space, mapped text
        {"2001:DB8:0:0::/48", "2001:db8::/48", ok, 0},                // canonicalised
        {"2001:db8::/129", "", parse_errc::prefix_out_of_range, 11},  // 129 > 128
        {"2001:db8::/", "", parse_errc::missing_prefix, 11},          // nothing after '/'
        {"2001:db8::/ffff::", "", parse_errc::invalid_character, 11}, // no IPv6 netmasks
        {"fe80::1%eth0/64", "", parse_errc::zone_not_allowed, 7},     // networks carry no zone
        {"2001:db8::/64x", "", parse_errc::invalid_character, 13},    // trailing junk
        {"::1::/64", "", parse_errc::multiple_double_colon, 3},       // address rules apply
        {"/64", "", parse_errc::empty, 0},                            // no address
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto n = ipv6_network::parse(r.text);
        if (!r.network.empty()) {
            ASSERT_TRUE(n.has_value()) << static_cast<int>(n.error().code);
            EXPECT_EQ(n->to_string(), r.network);
            continue;
        }
        ASSERT_FALSE(n.has_value());
        EXPECT_EQ(n.error().code, r.code);
        EXPECT_EQ(n.error().offset, r.offset);
    }
}

TEST(ipv6_network, strict_parse_rejects_host_bits_and_suggests_the_network) {
    const auto n = ipv6_network::parse("2001:db8::1/32", parse_mode::strict);
    ASSERT_FALSE(n.has_value());
    EXPECT_EQ(n.error().code, parse_errc::host_bits_set);
    EXPECT_EQ(n.error().offset, 11u);
    const std::string m = n.error().message("2001:db8::1/32");
    EXPECT_NE(m.find("2001:db8::/32"), std::string::npos) << m;
    EXPECT_TRUE(ipv6_network::parse("2001:db8::/32", parse_mode::strict).has_value());
}

// ---------------------------------------------------------------------------------------
// The issue's example, end to end.

TEST(ipv4_interface, issue_example_192_168_100_1_slash_26) {
    const auto iface = ipv4_interface::parse("192.168.100.1/26");
    ASSERT_TRUE(iface.has_value());
    EXPECT_EQ(iface->address(), a4("192.168.100.1"));
    EXPECT_EQ(iface->prefix_length(), 26u);
    EXPECT_EQ(iface->to_string(), "192.168.100.1/26");

    const ipv4_network net = iface->network();
    EXPECT_EQ(net, n4("192.168.100.0/26"));
    EXPECT_EQ(net.to_string(), "192.168.100.0/26");
    EXPECT_EQ(fmt::format("{}", net), "192.168.100.0/26");
    EXPECT_EQ(net.num_addresses(), 64u);
    EXPECT_EQ(net.num_addresses().to_string(), "64");
    EXPECT_EQ(net.network_address(), a4("192.168.100.0"));
    EXPECT_EQ(net.broadcast_address(), a4("192.168.100.63"));
    EXPECT_EQ(net.netmask(), a4("255.255.255.192"));
    EXPECT_EQ(net.hostmask(), a4("0.0.0.63"));
    EXPECT_EQ(net.first_host(), a4("192.168.100.1"));
    EXPECT_EQ(net.last_host(), a4("192.168.100.62"));
    EXPECT_TRUE(net.contains(iface->address()));

    std::vector<ipv4_address> hosts;
    for (const auto h : net.hosts()) {
        hosts.push_back(h);
    }
    ASSERT_EQ(hosts.size(), 62u);
    EXPECT_EQ(hosts.front(), a4("192.168.100.1"));
    EXPECT_EQ(hosts.back(), a4("192.168.100.62"));
    EXPECT_EQ(std::distance(net.addresses().begin(), net.addresses().end()), 64);
}

// ---------------------------------------------------------------------------------------
// Sizes, hosts and masks

TEST(ipv4_network, first_and_last_host_follow_rfc3021) {
    struct row {
        std::string_view network;
        std::string_view first, last;
        long count;
    };
    const row rows[] = {
        {"10.0.0.0/24", "10.0.0.1", "10.0.0.254", 254}, // network and broadcast skipped
        {"10.0.0.0/30", "10.0.0.1", "10.0.0.2", 2},     // the smallest classic subnet
        {"10.0.0.0/31", "10.0.0.0", "10.0.0.1", 2},     // RFC 3021: both are hosts
        {"10.0.0.5/32", "10.0.0.5", "10.0.0.5", 1},     // a single host
        {"255.255.255.254/31", "255.255.255.254", "255.255.255.255", 2}, // at the top
        {"255.255.255.255/32", "255.255.255.255", "255.255.255.255", 1}, // the very last
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.network);
        const auto n = n4(r.network);
        EXPECT_EQ(n.first_host(), a4(r.first));
        EXPECT_EQ(n.last_host(), a4(r.last));
        const auto h = n.hosts();
        EXPECT_FALSE(h.empty());
        EXPECT_EQ(h.front(), a4(r.first));
        EXPECT_EQ(h.back(), a4(r.last));
        EXPECT_EQ(std::distance(h.begin(), h.end()), r.count);
    }
}

TEST(ipv6_network, first_and_last_host_skip_only_the_subnet_router_anycast) {
    struct row {
        std::string_view network;
        std::string_view first, last;
        long count; // -1: too many to count
    };
    const row rows[] = {
        {"2001:db8::/126", "2001:db8::1", "2001:db8::3", 3},  // RFC 4291 §2.6.1 skipped
        {"2001:db8::/127", "2001:db8::", "2001:db8::1", 2},   // RFC 6164: both usable
        {"2001:db8::1/128", "2001:db8::1", "2001:db8::1", 1}, // a single host
        {"2001:db8::/64", "2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff", -1}, // a LAN
        {"::/0", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", -1},        // everything
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.network);
        const auto n = n6(r.network);
        EXPECT_EQ(n.first_host(), a6(r.first));
        EXPECT_EQ(n.last_host(), a6(r.last));
        if (r.count >= 0) {
            EXPECT_EQ(std::distance(n.hosts().begin(), n.hosts().end()), r.count);
        }
    }
}

TEST(ipv6_network, hosts_of_a_64_iterate_lazily) {
    const auto n = n6("2001:db8:0:1::/64");
    const auto hosts = n.hosts();
    auto it = hosts.begin();
    ASSERT_NE(it, hosts.end());
    EXPECT_EQ(*it, a6("2001:db8:0:1::1"));
    ++it;
    EXPECT_EQ(*it, a6("2001:db8:0:1::2"));
    it++;
    EXPECT_EQ(*it, a6("2001:db8:0:1::3"));
    ++it;
    ++it;
    EXPECT_EQ(*it, a6("2001:db8:0:1::5"));
    EXPECT_NE(it, hosts.end());
    // So does every address of ::/0.
    auto all = n6("::/0").addresses().begin();
    EXPECT_EQ(*all, a6("::"));
    EXPECT_EQ(*++all, a6("::1"));
}

TEST(ipv4_network, address_range_iterators_end_after_the_last) {
    // An address range that ends at the top of the space stops, not wraps.
    const auto r = n4("255.255.255.252/30").addresses();
    std::vector<ipv4_address> seen(r.begin(), r.end());
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen.back(), a4("255.255.255.255"));
    // The default range is empty.
    const weft::addr::address_range<ipv4_address> empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(empty.begin(), empty.end());
    // first > last is empty too.
    const weft::addr::address_range<ipv4_address> backwards(a4("10.0.0.2"), a4("10.0.0.1"));
    EXPECT_TRUE(backwards.empty());
    EXPECT_EQ(backwards.begin(), backwards.end());
}

TEST(ipv4_network, masks_and_counts_for_every_prefix) {
    for (unsigned p = 0; p <= 32; ++p) {
        SCOPED_TRACE(p);
        const ipv4_network n(a4("255.255.255.255"), p);
        const std::uint32_t mask = p == 0 ? 0 : ~std::uint32_t{0} << (32 - p);
        EXPECT_EQ(n.prefix_length(), p);
        EXPECT_EQ(n.netmask().to_uint(), mask);
        EXPECT_EQ(n.hostmask().to_uint(), ~mask);
        EXPECT_EQ(n.network_address().to_uint(), mask);
        EXPECT_EQ(n.broadcast_address(), a4("255.255.255.255"));
        EXPECT_EQ(n.num_addresses(), std::uint64_t{1} << (32 - p));
        EXPECT_EQ(n.num_addresses().to_string(), std::to_string(std::uint64_t{1} << (32 - p)));
        // Netmask and hostmask texts parse back to the same prefix.
        EXPECT_EQ(ipv4_network::parse("0.0.0.0/" + n.netmask().to_string())->prefix_length(), p);
        // All-zero and all-ones masks read as netmasks first (as in Python): the hostmask
        // of a /0 reads as /32 and that of a /32 as /0.
        if (p != 0 && p != 32) {
            EXPECT_EQ(ipv4_network::parse("0.0.0.0/" + n.hostmask().to_string())->prefix_length(),
                      p);
        }
    }
}

TEST(ipv6_network, num_addresses_is_exact_even_for_the_whole_space) {
    struct row {
        std::string_view network;
        std::string_view count;
    };
    const row rows[] = {
        {"::/0", "340282366920938463463374607431768211456"}, // 2^128, beyond uint128
        {"::/1", "170141183460469231731687303715884105728"}, // 2^127
        {"2001:db8::/32", "79228162514264337593543950336"},  // 2^96
        {"2001:db8::/64", "18446744073709551616"},           // 2^64, beyond uint64
        {"2001:db8::/65", "9223372036854775808"},            // 2^63
        {"2001:db8::/126", "4"},                             // a point-to-point /126
        {"2001:db8::/128", "1"},                             // a host
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.network);
        EXPECT_EQ(n6(r.network).num_addresses().to_string(), r.count);
    }
    EXPECT_FALSE(n6("::/0").num_addresses().fits_uint128());
    EXPECT_TRUE(n6("::/1").num_addresses().fits_uint128());
    EXPECT_EQ(n6("::/0").num_addresses().host_bits(), 128u);
    EXPECT_FALSE(n6("2001:db8::/64").num_addresses() == 0u); // 2^64 is not 0 mod 2^64
    EXPECT_EQ(n6("2001:db8::/65").num_addresses(), std::uint64_t{1} << 63);
}

// ---------------------------------------------------------------------------------------
// Relations

TEST(ipv4_network, contains_addresses) {
    struct row {
        std::string_view network;
        std::string_view address;
        bool contained;
    };
    const row rows[] = {
        {"10.0.0.0/8", "10.0.0.0", true},       // the network address
        {"10.0.0.0/8", "10.255.255.255", true}, // the broadcast address
        {"10.0.0.0/8", "11.0.0.0", false},      // just past it
        {"10.0.0.0/8", "9.255.255.255", false}, // just before it
        {"0.0.0.0/0", "255.255.255.255", true}, // /0 holds everything
        {"0.0.0.0/0", "0.0.0.0", true},         // ...
        {"192.0.2.1/32", "192.0.2.1", true},    // a /32 holds itself
        {"192.0.2.1/32", "192.0.2.0", false},   // ...and nothing else
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{} {}", r.network, r.address));
        EXPECT_EQ(n4(r.network).contains(a4(r.address)), r.contained);
    }
}

TEST(ipv6_network, contains_addresses_ignoring_zones) {
    EXPECT_TRUE(n6("2001:db8::/32").contains(a6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(n6("2001:db8::/32").contains(a6("2001:db9::")));
    EXPECT_TRUE(n6("fe80::/64").contains(a6("fe80::1%eth0")));
    EXPECT_TRUE(n6("::/0").contains(a6("ffff::")));
}

TEST(ipv4_network, subnet_supernet_and_overlap_relations) {
    struct row {
        std::string_view a, b;
        bool a_contains_b, b_contains_a, overlap;
    };
    const row rows[] = {
        {"10.0.0.0/8", "10.1.0.0/16", true, false, true},          // b inside a
        {"10.1.0.0/16", "10.0.0.0/8", false, true, true},          // a inside b
        {"10.0.0.0/8", "10.0.0.0/8", true, true, true},            // equal
        {"10.0.0.0/8", "11.0.0.0/8", false, false, false},         // adjacent, disjoint
        {"10.0.0.0/8", "0.0.0.0/0", false, true, true},            // /0 holds all
        {"192.168.0.0/24", "192.168.1.0/24", false, false, false}, // adjacent /24s
        {"192.168.0.0/23", "192.168.1.0/24", true, false, true},   // upper half
        {"192.168.0.0/23", "192.168.2.0/24", false, false, false}, // just past
        {"10.0.0.0/8", "10.255.255.255/32", true, false, true},    // last host
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{} vs {}", r.a, r.b));
        const auto a = n4(r.a);
        const auto b = n4(r.b);
        EXPECT_EQ(a.contains(b), r.a_contains_b);
        EXPECT_EQ(a.supernet_of(b), r.a_contains_b);
        EXPECT_EQ(b.subnet_of(a), r.a_contains_b);
        EXPECT_EQ(b.contains(a), r.b_contains_a);
        EXPECT_EQ(a.subnet_of(b), r.b_contains_a);
        EXPECT_EQ(b.supernet_of(a), r.b_contains_a);
        EXPECT_EQ(a.overlaps(b), r.overlap);
        EXPECT_EQ(b.overlaps(a), r.overlap);
    }
}

TEST(ipv6_network, subnet_supernet_and_overlap_relations) {
    EXPECT_TRUE(n6("2001:db8::/32").supernet_of(n6("2001:db8:1::/48")));
    EXPECT_TRUE(n6("2001:db8:1::/48").subnet_of(n6("2001:db8::/32")));
    EXPECT_FALSE(n6("2001:db8::/32").subnet_of(n6("2001:db8:1::/48")));
    EXPECT_TRUE(n6("2001:db8::/32").overlaps(n6("2001:db8:1::/48")));
    EXPECT_FALSE(n6("2001:db8::/32").overlaps(n6("2001:db9::/32")));
    EXPECT_TRUE(n6("::/0").supernet_of(n6("ffff::/16")));
}

// ---------------------------------------------------------------------------------------
// Subnets and supernets

TEST(ipv4_network, subnets_of_26_are_four_28s) {
    const auto subnets = n4("192.168.100.0/26").subnets(28);
    ASSERT_TRUE(subnets.has_value());
    std::vector<ipv4_network> got(subnets->begin(), subnets->end());
    EXPECT_EQ(texts(got), (strings{"192.168.100.0/28", "192.168.100.16/28", "192.168.100.32/28",
                                   "192.168.100.48/28"}));
    EXPECT_EQ(subnets->size(), 4u);
}

TEST(ipv4_network, subnets_edge_prefixes) {
    struct row {
        std::string_view network;
        unsigned new_prefix;
        long count; // -1: nullopt
        std::string_view first, last;
    };
    const row rows[] = {
        {"192.168.100.0/26", 26, 1, "192.168.100.0/26", "192.168.100.0/26"},       // itself
        {"192.168.100.0/26", 27, 2, "192.168.100.0/27", "192.168.100.32/27"},      // halves
        {"192.168.100.0/26", 32, 64, "192.168.100.0/32", "192.168.100.63/32"},     // addresses
        {"192.168.100.0/26", 25, -1, "", ""},                                      // shorter
        {"192.168.100.0/26", 33, -1, "", ""},                                      // too long
        {"0.0.0.0/0", 0, 1, "0.0.0.0/0", "0.0.0.0/0"},                             // /0 itself
        {"0.0.0.0/0", 1, 2, "0.0.0.0/1", "128.0.0.0/1"},                           // halves of all
        {"255.255.255.255/32", 32, 1, "255.255.255.255/32", "255.255.255.255/32"}, // top
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{} -> /{}", r.network, r.new_prefix));
        const auto s = n4(r.network).subnets(r.new_prefix);
        if (r.count < 0) {
            EXPECT_FALSE(s.has_value());
            continue;
        }
        ASSERT_TRUE(s.has_value());
        std::vector<ipv4_network> got(s->begin(), s->end());
        ASSERT_EQ(static_cast<long>(got.size()), r.count);
        EXPECT_EQ(got.front(), n4(r.first));
        EXPECT_EQ(got.back(), n4(r.last));
        EXPECT_EQ(s->size(), static_cast<std::uint64_t>(r.count));
    }
}

TEST(ipv4_network, subnet_count_of_the_whole_space_is_exact) {
    // 2^32 /32s in 0.0.0.0/0: iterate only the first few.
    const auto s = n4("0.0.0.0/0").subnets(32);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->size(), std::uint64_t{1} << 32);
    auto it = s->begin();
    EXPECT_EQ(*it, n4("0.0.0.0/32"));
    EXPECT_EQ(*++it, n4("0.0.0.1/32"));
}

TEST(ipv6_network, subnets_of_a_64_into_66s_are_lazy) {
    const auto s = n6("2001:db8::/64").subnets(66);
    ASSERT_TRUE(s.has_value());
    std::vector<ipv6_network> got(s->begin(), s->end());
    EXPECT_EQ(texts(got), (strings{"2001:db8::/66", "2001:db8:0:0:4000::/66",
                                   "2001:db8:0:0:8000::/66", "2001:db8:0:0:c000::/66"}));
    EXPECT_EQ(s->size(), 4u);

    // 2^64 /128s: only the first few are ever computed.
    const auto hosts = n6("2001:db8::/64").subnets(128);
    ASSERT_TRUE(hosts.has_value());
    EXPECT_EQ(hosts->size().to_string(), "18446744073709551616");
    auto it = hosts->begin();
    EXPECT_EQ(*it, n6("2001:db8::/128"));
    ++it;
    EXPECT_EQ(*it, n6("2001:db8::1/128"));
    ++it;
    EXPECT_EQ(*it, n6("2001:db8::2/128"));

    // The whole space: 2^128 subnets, a count that does not fit uint128.
    const auto all = n6("::/0").subnets(128);
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(all->size().to_string(), "340282366920938463463374607431768211456");
    EXPECT_EQ(n6("::/0").subnets(0)->size(), 1u);
    EXPECT_EQ(*n6("::/0").subnets(0)->begin(), n6("::/0"));
    EXPECT_FALSE(n6("::/0").subnets(129).has_value());
}

TEST(ipv4_network, subnets_of_a_temporary_range_are_safe_to_iterate) {
    // The range is a value: neither form iterates a destroyed temporary.
    std::vector<ipv4_network> direct;
    for (const auto s : n4("10.0.0.0/30").subnets(31)) {
        direct.push_back(s);
    }
    std::vector<ipv4_network> starred;
    for (const auto s : *n4("10.0.0.0/30").subnets(31)) {
        starred.push_back(s);
    }
    EXPECT_EQ(texts(direct), (strings{"10.0.0.0/31", "10.0.0.2/31"}));
    EXPECT_EQ(direct, starred);
    EXPECT_TRUE(n4("10.0.0.0/30").subnets(29).empty()); // shorter than the network: none
}

TEST(ipv4_network, supernets) {
    struct row {
        std::string_view network;
        int new_prefix;            // -1: the immediate supernet()
        std::string_view expected; // "" for nullopt
    };
    const row rows[] = {
        {"192.168.100.0/26", -1, "192.168.100.0/25"},  // one bit shorter
        {"192.168.100.64/26", -1, "192.168.100.0/25"}, // the upper /26 has the same parent
        {"192.168.100.0/26", 24, "192.168.100.0/24"},  // a chosen prefix
        {"192.168.100.0/26", 26, "192.168.100.0/26"},  // the same prefix: itself
        {"192.168.100.0/26", 0, "0.0.0.0/0"},          // up to the whole space
        {"192.168.100.0/26", 27, ""},                  // longer: not a supernet
        {"0.0.0.0/0", -1, "0.0.0.0/0"},                // /0 is its own supernet
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{} -> {}", r.network, r.new_prefix));
        const auto n = n4(r.network);
        if (r.new_prefix < 0) {
            EXPECT_EQ(n.supernet(), n4(r.expected));
            continue;
        }
        const auto s = n.supernet(static_cast<unsigned>(r.new_prefix));
        if (r.expected.empty()) {
            EXPECT_FALSE(s.has_value());
        } else {
            ASSERT_TRUE(s.has_value());
            EXPECT_EQ(*s, n4(r.expected));
        }
    }
    EXPECT_EQ(n6("2001:db8:0:1::/64").supernet(48), n6("2001:db8::/48"));
    EXPECT_EQ(n6("::/0").supernet(), n6("::/0"));
}

// ---------------------------------------------------------------------------------------
// Set operations

TEST(ipv4_network, address_exclude_matches_python_order) {
    struct row {
        std::string_view network, excluded;
        strings expected;
    };
    const row rows[] = {
        // The Python documentation's example.
        {"192.0.2.0/28",
         "192.0.2.1/32",
         {"192.0.2.8/29", "192.0.2.4/30", "192.0.2.2/31", "192.0.2.0/32"}},
        // The upper half removed: the lower half is left.
        {"10.0.0.0/8", "10.128.0.0/9", {"10.0.0.0/9"}},
        // A network minus itself is empty.
        {"10.0.0.0/8", "10.0.0.0/8", {}},
        // The last address of the whole space.
        {"0.0.0.0/0",
         "255.255.255.255/32",
         {"0.0.0.0/1",          "128.0.0.0/2",        "192.0.0.0/3",        "224.0.0.0/4",
          "240.0.0.0/5",        "248.0.0.0/6",        "252.0.0.0/7",        "254.0.0.0/8",
          "255.0.0.0/9",        "255.128.0.0/10",     "255.192.0.0/11",     "255.224.0.0/12",
          "255.240.0.0/13",     "255.248.0.0/14",     "255.252.0.0/15",     "255.254.0.0/16",
          "255.255.0.0/17",     "255.255.128.0/18",   "255.255.192.0/19",   "255.255.224.0/20",
          "255.255.240.0/21",   "255.255.248.0/22",   "255.255.252.0/23",   "255.255.254.0/24",
          "255.255.255.0/25",   "255.255.255.128/26", "255.255.255.192/27", "255.255.255.224/28",
          "255.255.255.240/29", "255.255.255.248/30", "255.255.255.252/31", "255.255.255.254/32"}},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{} - {}", r.network, r.excluded));
        const auto out = weft::addr::address_exclude(n4(r.network), n4(r.excluded));
        ASSERT_TRUE(out.has_value());
        EXPECT_EQ(texts(*out), r.expected);
        // The pieces and the excluded network collapse back to the original.
        auto all = *out;
        all.push_back(n4(r.excluded));
        EXPECT_EQ(texts(weft::addr::collapse<ipv4_address>(all)), strings{std::string(r.network)});
    }
    // Not a subnet: nothing to exclude from.
    EXPECT_FALSE(weft::addr::address_exclude(n4("10.0.0.0/8"), n4("11.0.0.0/8")).has_value());
    EXPECT_FALSE(weft::addr::address_exclude(n4("10.0.0.0/16"), n4("10.0.0.0/8")).has_value());
}

TEST(ipv6_network, address_exclude_matches_python_order) {
    const auto out = weft::addr::address_exclude(n6("2001:db8::/126"), n6("2001:db8::3/128"));
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(texts(*out), (strings{"2001:db8::/127", "2001:db8::2/128"}));
}

TEST(ipv4_network, collapse_merges_adjacent_overlapping_and_duplicate_networks) {
    struct row {
        strings input;
        strings expected;
    };
    const row rows[] = {
        // Python's example: four adjacent /26s make a /24.
        {{"192.0.2.0/26", "192.0.2.64/26", "192.0.2.128/26", "192.0.2.192/26"}, {"192.0.2.0/24"}},
        // Same, out of order.
        {{"192.0.2.192/26", "192.0.2.0/26", "192.0.2.128/26", "192.0.2.64/26"}, {"192.0.2.0/24"}},
        // Overlapping: the /16 is inside the /8.
        {{"10.1.0.0/16", "10.0.0.0/8"}, {"10.0.0.0/8"}},
        // Duplicates.
        {{"10.0.0.0/24", "10.0.0.0/24", "10.0.0.0/24"}, {"10.0.0.0/24"}},
        // Disjoint networks stay apart, sorted.
        {{"10.0.2.0/24", "10.0.0.0/24"}, {"10.0.0.0/24", "10.0.2.0/24"}},
        // Adjacent but not aligned: the /24 and the /23 do not form a /22.
        {{"10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}, {"10.0.1.0/24", "10.0.2.0/23"}},
        // The whole space from two halves.
        {{"0.0.0.0/1", "128.0.0.0/1"}, {"0.0.0.0/0"}},
        // The whole space already, plus a part of it.
        {{"10.0.0.0/8", "0.0.0.0/0"}, {"0.0.0.0/0"}},
        // The top two addresses: no overflow past 255.255.255.255.
        {{"255.255.255.255/32", "255.255.255.254/32"}, {"255.255.255.254/31"}},
        // A span that ends at the top, then something below it.
        {{"128.0.0.0/1", "10.0.0.0/8"}, {"10.0.0.0/8", "128.0.0.0/1"}},
        // Nothing.
        {{}, {}},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{}", fmt::join(r.input, " ")));
        std::vector<ipv4_network> in;
        for (const auto& s : r.input) {
            in.push_back(n4(s));
        }
        EXPECT_EQ(texts(weft::addr::collapse<ipv4_address>(in)), r.expected);
    }
}

TEST(ipv6_network, collapse_merges_the_two_halves_into_everything) {
    const std::vector<ipv6_network> halves{n6("8000::/1"), n6("::/1")};
    EXPECT_EQ(texts(weft::addr::collapse<ipv6_address>(halves)), strings{"::/0"});
    const std::vector<ipv6_network> quarters{n6("2001:db8::/34"), n6("2001:db8:4000::/34"),
                                             n6("2001:db8:8000::/33"), n6("2001:db8::/48")};
    EXPECT_EQ(texts(weft::addr::collapse<ipv6_address>(quarters)), strings{"2001:db8::/32"});
}

TEST(ipv4_network, summarize_range_gives_the_fewest_networks) {
    struct row {
        std::string_view first, last;
        strings expected;
    };
    const row rows[] = {
        // Python's example.
        {"192.0.2.0", "192.0.2.130", {"192.0.2.0/25", "192.0.2.128/31", "192.0.2.130/32"}},
        // The whole space is one /0.
        {"0.0.0.0", "255.255.255.255", {"0.0.0.0/0"}},
        // One address.
        {"10.0.0.5", "10.0.0.5", {"10.0.0.5/32"}},
        // first > last: nothing.
        {"10.0.0.6", "10.0.0.5", {}},
        // Two addresses across a /24 boundary.
        {"10.0.0.255", "10.0.1.0", {"10.0.0.255/32", "10.0.1.0/32"}},
        // The top /31 at the end of the space.
        {"255.255.255.254", "255.255.255.255", {"255.255.255.254/31"}},
        // Everything but 0.0.0.0: one network per prefix length.
        {"0.0.0.1",
         "255.255.255.255",
         {"0.0.0.1/32",   "0.0.0.2/31",  "0.0.0.4/30",   "0.0.0.8/29",  "0.0.0.16/28",
          "0.0.0.32/27",  "0.0.0.64/26", "0.0.0.128/25", "0.0.1.0/24",  "0.0.2.0/23",
          "0.0.4.0/22",   "0.0.8.0/21",  "0.0.16.0/20",  "0.0.32.0/19", "0.0.64.0/18",
          "0.0.128.0/17", "0.1.0.0/16",  "0.2.0.0/15",   "0.4.0.0/14",  "0.8.0.0/13",
          "0.16.0.0/12",  "0.32.0.0/11", "0.64.0.0/10",  "0.128.0.0/9", "1.0.0.0/8",
          "2.0.0.0/7",    "4.0.0.0/6",   "8.0.0.0/5",    "16.0.0.0/4",  "32.0.0.0/3",
          "64.0.0.0/2",   "128.0.0.0/1"}},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(fmt::format("{} .. {}", r.first, r.last));
        EXPECT_EQ(texts(weft::addr::summarize_range(a4(r.first), a4(r.last))), r.expected);
    }
}

TEST(ipv6_network, summarize_range_of_the_whole_space_is_one_network) {
    EXPECT_EQ(
        texts(weft::addr::summarize_range(a6("::"), a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))),
        strings{"::/0"});
    EXPECT_EQ(texts(weft::addr::summarize_range(a6("2001:db8::"), a6("2001:db8::ff"))),
              strings{"2001:db8::/120"});
    // Everything but "::": 128 networks, /128 up to /1.
    const auto most =
        weft::addr::summarize_range(a6("::1"), a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    ASSERT_EQ(most.size(), 128u);
    EXPECT_EQ(most.front(), n6("::1/128"));
    EXPECT_EQ(most.back(), n6("8000::/1"));
    // Zones do not matter to a range.
    EXPECT_EQ(texts(weft::addr::summarize_range(a6("fe80::%1"), a6("fe80::3%1"))),
              strings{"fe80::/126"});
}

// ---------------------------------------------------------------------------------------
// Classification, ordering, text

TEST(ipv4_network, private_and_global_like_python) {
    struct row {
        std::string_view network;
        bool is_private, is_global;
    };
    const row rows[] = {
        {"10.0.0.0/8", true, false},     // RFC 1918
        {"10.0.0.0/7", false, true},     // spills out of 10/8
        {"100.64.0.0/10", false, false}, // shared: neither
        {"100.64.0.0/11", false, false}, // inside shared: neither
        {"100.0.0.0/8", false, true},    // holds shared and more
        {"192.0.0.0/24", true, false},   // IETF block, ends not in exceptions
        {"192.0.0.8/31", false, true},   // ends at the PCP anycast exception
        {"192.0.0.8/32", true, false},   // the dummy address alone
        {"192.0.2.0/24", true, false},   // documentation
        {"240.0.0.0/4", true, false},    // reserved
        {"224.0.0.0/4", false, true},    // multicast
        {"0.0.0.0/0", false, true},      // everything
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.network);
        EXPECT_EQ(n4(r.network).is_private(), r.is_private);
        EXPECT_EQ(n4(r.network).is_global(), r.is_global);
    }
    EXPECT_TRUE(n4("127.0.0.0/8").is_loopback());
    EXPECT_FALSE(n4("126.0.0.0/7").is_loopback());
    EXPECT_TRUE(n4("224.0.0.0/4").is_multicast());
    EXPECT_TRUE(n4("240.0.0.0/4").is_reserved());
    EXPECT_TRUE(n4("169.254.0.0/16").is_link_local());
    EXPECT_TRUE(n4("198.51.100.0/24").is_documentation());
    EXPECT_TRUE(n4("0.0.0.0/32").is_unspecified());
    EXPECT_FALSE(n4("0.0.0.0/31").is_unspecified());
}

TEST(ipv6_network, private_and_global_like_python) {
    struct row {
        std::string_view network;
        bool is_private, is_global;
    };
    const row rows[] = {
        {"2001::/23", true, false},     // IETF protocol assignments
        {"2001::/32", true, false},     // Teredo
        {"2001:1::/127", false, true},  // ends at the PCP anycast exception
        {"2001:db8::/32", true, false}, // documentation
        {"::/0", false, true},          // everything
        {"fe80::/10", true, false},     // link-local
        {"fe80::/9", false, true},      // spills out of fe80::/10
        {"2002::/16", true, false},     // 6to4
        {"ff00::/8", false, true},      // multicast
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.network);
        EXPECT_EQ(n6(r.network).is_private(), r.is_private);
        EXPECT_EQ(n6(r.network).is_global(), r.is_global);
    }
    EXPECT_TRUE(n6("fe80::/10").is_link_local());
    EXPECT_TRUE(n6("ff00::/8").is_multicast());
    EXPECT_TRUE(n6("::1/128").is_loopback());
    EXPECT_TRUE(n6("4000::/3").is_reserved());
    EXPECT_FALSE(n6("::/0").is_reserved());
}

TEST(ipv4_network, orders_by_address_then_prefix) {
    // Each row sorts strictly before the next.
    const std::string_view sorted[] = {
        "0.0.0.0/0",   // smallest address, shortest prefix
        "0.0.0.0/1",   // same address, longer prefix
        "10.0.0.0/8",  // ...
        "10.0.0.0/16", // same address, longer prefix
        "10.1.0.0/16", // larger address
        "11.0.0.0/8",  // larger address, shorter prefix
    };
    for (std::size_t i = 0; i + 1 < std::size(sorted); ++i) {
        SCOPED_TRACE(sorted[i]);
        EXPECT_LT(n4(sorted[i]), n4(sorted[i + 1]));
    }
    const std::hash<ipv4_network> h;
    EXPECT_EQ(h(n4("10.0.0.0/8")), h(n4("10.1.2.3/8")));
    const std::unordered_set<ipv4_network> set{n4("10.0.0.0/8"), n4("10.1.2.3/8"),
                                               n4("10.0.0.0/16")};
    EXPECT_EQ(set.size(), 2u);
}

TEST(ipv4_network, default_is_the_whole_space) {
    EXPECT_EQ(ipv4_network{}.to_string(), "0.0.0.0/0");
    EXPECT_EQ(ipv6_network{}.to_string(), "::/0");
    EXPECT_EQ(ipv4_interface{}.to_string(), "0.0.0.0/0");
    EXPECT_EQ(ipv6_interface{}.to_string(), "::/0");
}

TEST(ipv4_network, longest_text_fits_max_string_length) {
    EXPECT_LE(n4("255.255.255.255/32").to_string().size(), ipv4_network::max_string_length);
    EXPECT_LE(n6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128").to_string().size(),
              ipv6_network::max_string_length);
}

// ---------------------------------------------------------------------------------------
// Interfaces

TEST(ipv6_interface, keeps_the_zone_and_drops_it_for_the_network) {
    const auto i = ipv6_interface::parse("fe80::1%eth0/64");
    ASSERT_TRUE(i.has_value());
    EXPECT_EQ(i->address(), a6("fe80::1%eth0"));
    EXPECT_EQ(i->address().zone(), "eth0");
    EXPECT_EQ(i->prefix_length(), 64u);
    EXPECT_EQ(i->to_string(), "fe80::1%eth0/64");
    EXPECT_EQ(fmt::format("{}", *i), "fe80::1%eth0/64");
    EXPECT_EQ(i->network(), n6("fe80::/64"));
    EXPECT_FALSE(i->network().network_address().has_zone());
    // The longest zone still fits the buffer.
    const auto longest =
        ipv6_interface::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%0123456789abcdef/128");
    ASSERT_TRUE(longest.has_value());
    EXPECT_EQ(longest->to_string(), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%0123456789abcdef/128");
}

TEST(ipv6_interface, parse_rejects_with_code_and_offset) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    const row rows[] = {
        {"fe80::1%/64", parse_errc::empty_zone, 8},                // '%' and no zone
        {"fe80::1%eth0/129", parse_errc::prefix_out_of_range, 13}, // 129 > 128
        {"fe80::1%eth0/", parse_errc::missing_prefix, 13},         // nothing after '/'
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto i = ipv6_interface::parse(r.text);
        ASSERT_FALSE(i.has_value());
        EXPECT_EQ(i.error().code, r.code);
        EXPECT_EQ(i.error().offset, r.offset);
    }
}

TEST(ipv4_interface, accepts_netmask_and_keeps_host_bits) {
    const auto i = ipv4_interface::parse("10.1.2.3/255.255.0.0");
    ASSERT_TRUE(i.has_value());
    EXPECT_EQ(i->to_string(), "10.1.2.3/16");
    EXPECT_EQ(i->network(), n4("10.1.0.0/16"));
    EXPECT_EQ(ipv4_interface::parse("10.1.2.3")->prefix_length(), 32u);
    EXPECT_LT(*ipv4_interface::parse("10.1.2.3/16"), *ipv4_interface::parse("10.1.2.3/24"));
    EXPECT_EQ(ipv4_interface::parse("10.1.2.3/33").error().code, parse_errc::prefix_out_of_range);
}

} // namespace
