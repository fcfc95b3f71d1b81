#include <weft/addr/ip_address.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using weft::addr::ip_address;
using weft::addr::ip_version;
using weft::addr::ipv4_address;
using weft::addr::ipv6_address;
using weft::addr::parse_errc;

ip_address ip(std::string_view text) {
    return ip_address::parse(text).value();
}

TEST(ip_address, default_is_no_address) {
    const ip_address a;
    EXPECT_FALSE(a.is_valid());
    EXPECT_EQ(a.version(), ip_version::none);
    EXPECT_FALSE(a.is_v4());
    EXPECT_FALSE(a.is_v6());
    EXPECT_EQ(a.to_string(), "");
    EXPECT_EQ(a.exploded(), "");
    EXPECT_EQ(a.reverse_pointer(), "");
    EXPECT_EQ(fmt::format("[{}]", a), "[]");
    // No address has no properties.
    EXPECT_FALSE(a.is_unspecified());
    EXPECT_FALSE(a.is_loopback());
    EXPECT_FALSE(a.is_private());
    EXPECT_FALSE(a.is_global());
    EXPECT_FALSE(a.is_reserved());
    EXPECT_NE(a, ip_address(ipv4_address{})); // not the same as 0.0.0.0
    EXPECT_NE(a, ip_address(ipv6_address{})); // nor ::
}

TEST(ip_address, parse_dispatches_on_colon) {
    struct row {
        std::string_view text;
        ip_version version;
        std::string_view canonical;
    };
    const row rows[] = {
        {"192.0.2.1", ip_version::v4, "192.0.2.1"},               // dotted quad
        {"0.0.0.0", ip_version::v4, "0.0.0.0"},                   // IPv4 unspecified
        {"::", ip_version::v6, "::"},                             // IPv6 unspecified
        {"2001:DB8::1", ip_version::v6, "2001:db8::1"},           // canonicalised
        {"::ffff:192.0.2.1", ip_version::v6, "::ffff:192.0.2.1"}, // mapped stays IPv6
        {"fe80::1%eth0", ip_version::v6, "fe80::1%eth0"},         // zone kept
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = ip_address::parse(r.text);
        ASSERT_TRUE(a.has_value());
        EXPECT_TRUE(a->is_valid());
        EXPECT_EQ(a->version(), r.version);
        EXPECT_EQ(a->is_v4(), r.version == ip_version::v4);
        EXPECT_EQ(a->is_v6(), r.version == ip_version::v6);
        EXPECT_EQ(a->to_string(), r.canonical);
        EXPECT_EQ(fmt::format("{}", *a), r.canonical);
    }
    EXPECT_EQ(ip("192.0.2.1").v4(), ipv4_address(192, 0, 2, 1));
    EXPECT_EQ(ip("2001:db8::1").v6(), ipv6_address::parse("2001:db8::1").value());
}

TEST(ip_address, parse_errors_point_into_the_intended_family) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    const row rows[] = {
        {"", parse_errc::empty, 0},                         // nothing: reported as IPv4
        {"1.2.3.04", parse_errc::leading_zero, 6},          // IPv4 rules
        {"1.2.3", parse_errc::too_few_parts, 5},            // IPv4 rules
        {"1.2.3.4%eth0", parse_errc::invalid_character, 7}, // no zone on IPv4
        {"::1::", parse_errc::multiple_double_colon, 3},    // a ':' means IPv6
        {"1:2:3", parse_errc::too_few_parts, 5},            // IPv6 rules
        {"::ffff:1.2.3.04", parse_errc::leading_zero, 13},  // IPv6 with an IPv4 tail
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = ip_address::parse(r.text);
        ASSERT_FALSE(a.has_value());
        EXPECT_EQ(a.error().code, r.code);
        EXPECT_EQ(a.error().offset, r.offset);
    }
}

TEST(ip_address, orders_none_then_v4_then_v6) {
    // Each row sorts strictly before the next.
    const ip_address sorted[] = {
        ip_address{},                                  // no address first
        ip("0.0.0.0"),                                 // smallest IPv4
        ip("10.0.0.1"),                                // ...
        ip("255.255.255.255"),                         // largest IPv4
        ip("::"),                                      // every IPv6 after every IPv4
        ip("::ffff:1.2.3.4"),                          // mapped is still IPv6
        ip("fe80::1"),                                 // no zone
        ip("fe80::1%eth0"),                            // same address with a zone, just after
        ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), // largest
    };
    for (std::size_t i = 0; i + 1 < std::size(sorted); ++i) {
        SCOPED_TRACE(sorted[i].to_string());
        EXPECT_LT(sorted[i], sorted[i + 1]);
        EXPECT_NE(sorted[i], sorted[i + 1]);
    }
    EXPECT_EQ(ip("10.0.0.1"), ip_address(ipv4_address(10, 0, 0, 1)));
}

TEST(ip_address, forwards_text_and_predicates_to_the_family) {
    struct row {
        std::string_view text;
        std::string_view exploded;
        std::string_view reverse_pointer;
        bool loopback, is_private, is_global, reserved;
    };
    const row rows[] = {
        // IPv4 loopback: exploded is the dotted quad.
        {"127.0.0.1", "127.0.0.1", "1.0.0.127.in-addr.arpa", true, true, false, false},
        // IPv4 global.
        {"8.8.4.4", "8.8.4.4", "4.4.8.8.in-addr.arpa", false, false, true, false},
        // IPv4 shared: neither private nor global.
        {"100.64.0.1", "100.64.0.1", "1.0.64.100.in-addr.arpa", false, false, false, false},
        // IPv4 class E.
        {"240.0.0.1", "240.0.0.1", "1.0.0.240.in-addr.arpa", false, true, false, true},
        // IPv6 loopback.
        {"::1", "0000:0000:0000:0000:0000:0000:0000:0001",
         "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", true, true,
         false, true},
        // IPv6 documentation.
        {"2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001",
         "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", false, true,
         false, false},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto a = ip(r.text);
        EXPECT_EQ(a.exploded(), r.exploded);
        EXPECT_EQ(a.reverse_pointer(), r.reverse_pointer);
        EXPECT_EQ(a.is_loopback(), r.loopback);
        EXPECT_EQ(a.is_private(), r.is_private);
        EXPECT_EQ(a.is_global(), r.is_global);
        EXPECT_EQ(a.is_reserved(), r.reserved);
    }
    EXPECT_TRUE(ip("0.0.0.0").is_unspecified());
    EXPECT_TRUE(ip("::").is_unspecified());
    EXPECT_TRUE(ip("169.254.0.1").is_link_local());
    EXPECT_TRUE(ip("fe80::1%2").is_link_local());
    EXPECT_TRUE(ip("224.0.0.251").is_multicast());
    EXPECT_TRUE(ip("ff02::fb").is_multicast());
    EXPECT_TRUE(ip("203.0.113.9").is_documentation());
    EXPECT_TRUE(ip("198.18.0.1").is_benchmarking());
    EXPECT_TRUE(ip("2001:2::1").is_benchmarking());
}

TEST(ip_address, equal_addresses_hash_equal) {
    const std::hash<ip_address> h;
    EXPECT_EQ(h(ip("10.0.0.1")), h(ip_address(ipv4_address(10, 0, 0, 1))));
    EXPECT_EQ(h(ip("2001:db8::1")), h(ip("2001:db8:0:0::1")));
    const std::unordered_set<ip_address> set{ip("10.0.0.1"), ip("10.0.0.1"), ip("::a00:1"),
                                             ip("::ffff:10.0.0.1"), ip_address{}};
    EXPECT_EQ(set.size(), 4u); // 10.0.0.1 is neither ::a00:1 nor ::ffff:10.0.0.1
}

} // namespace
