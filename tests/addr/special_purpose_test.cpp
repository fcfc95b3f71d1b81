#include <weft/addr/special_purpose.hpp>

#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace {

using weft::addr::find_special_purpose;
using weft::addr::ipv4_address;
using weft::addr::ipv4_network;
using weft::addr::ipv6_address;
using weft::addr::ipv6_network;
using weft::addr::parse_mode;
using weft::addr::registry_flag;

TEST(special_purpose, ipv4_lookup_returns_the_most_specific_row) {
    struct row {
        std::string_view address;
        std::string_view network; // "" when no row holds the address
        std::string_view name;
        std::string_view rfc;
    };
    const row rows[] = {
        // Inside 192.0.0.0/24 and 192.0.0.8/29's neighbour: the /32 wins.
        {"192.0.0.9", "192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"},
        // TURN anycast, the other /32 exception.
        {"192.0.0.10", "192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"},
        // Inside 192.0.0.0/24: the /29 wins.
        {"192.0.0.1", "192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"},
        // Only the /24 holds it.
        {"192.0.0.100", "192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1"},
        // 0.0.0.0/32 inside 0.0.0.0/8.
        {"0.0.0.0", "0.0.0.0/32", "\"This host on this network\"", "RFC 1122 §3.2.1.3"},
        // The rest of 0.0.0.0/8.
        {"0.1.2.3", "0.0.0.0/8", "\"This network\"", "RFC 791 §3.2"},
        // RFC 1918.
        {"10.1.1.1", "10.0.0.0/8", "Private-Use", "RFC 1918"},
        // Shared address space.
        {"100.64.0.1", "100.64.0.0/10", "Shared Address Space", "RFC 6598"},
        // Limited broadcast inside 240.0.0.0/4: the /32 wins.
        {"255.255.255.255", "255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7"},
        // The rest of 240.0.0.0/4.
        {"255.255.255.254", "240.0.0.0/4", "Reserved", "RFC 1112 §4"},
        // An ordinary address is in no row.
        {"8.8.8.8", "", "", ""},
        // Multicast is not in the special-purpose registry.
        {"224.0.0.1", "", "", ""},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.address);
        const auto* b = find_special_purpose(ipv4_address::parse(r.address).value());
        if (r.network.empty()) {
            EXPECT_EQ(b, nullptr);
            continue;
        }
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->network.to_string(), r.network);
        EXPECT_EQ(b->name, r.name);
        EXPECT_EQ(b->rfc, r.rfc);
    }
}

TEST(special_purpose, ipv6_lookup_returns_the_most_specific_row) {
    struct row {
        std::string_view address;
        std::string_view network; // "" when no row holds the address
        std::string_view rfc;
    };
    const row rows[] = {
        {"2001:1::1", "2001:1::1/128", "RFC 7723"}, // PCP anycast inside 2001::/23
        {"2001:1::4", "2001::/23", "RFC 2928"},     // the rest of 2001::/23
        {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/32", "RFC 4380, RFC 8190"}, // Teredo
        {"2001:2::1", "2001:2::/48", "RFC 5180"},                                    // benchmarking
        {"2001:db8::1", "2001:db8::/32", "RFC 3849"},        // documentation
        {"3fff::1", "3fff::/20", "RFC 9637"},                // documentation, 2024
        {"fe80::1%eth0", "fe80::/10", "RFC 4291"},           // zone ignored
        {"::ffff:1.2.3.4", "::ffff:0.0.0.0/96", "RFC 4291"}, // IPv4-mapped, RFC 5952 §5 text
        {"::1", "::1/128", "RFC 4291"},                      // loopback
        {"::", "::/128", "RFC 4291"},                        // unspecified
        {"64:ff9b::192.0.2.1", "64:ff9b::/96", "RFC 6052"},  // NAT64 well-known prefix
        {"2001:4860::1", "", ""},                            // ordinary unicast
        {"ff02::1", "", ""},                                 // multicast is not in the registry
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.address);
        const auto* b = find_special_purpose(ipv6_address::parse(r.address).value());
        if (r.network.empty()) {
            EXPECT_EQ(b, nullptr);
            continue;
        }
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->network.to_string(), r.network);
        EXPECT_EQ(b->rfc, r.rfc);
    }
}

TEST(special_purpose, pcp_anycast_row_is_rfc_7723_and_globally_reachable) {
    const auto* b = find_special_purpose(ipv4_address(192, 0, 0, 9));
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->name, "Port Control Protocol Anycast");
    EXPECT_EQ(b->rfc, "RFC 7723");
    EXPECT_EQ(b->source, registry_flag::yes);
    EXPECT_EQ(b->destination, registry_flag::yes);
    EXPECT_EQ(b->forwardable, registry_flag::yes);
    EXPECT_EQ(b->globally_reachable, registry_flag::yes);
    EXPECT_EQ(b->reserved_by_protocol, registry_flag::no);
}

template <class Block, class Network> void check_rows_parse_strictly(const Block& rows) {
    std::set<std::string> seen;
    for (const auto& row : rows) {
        const std::string text = row.network.to_string();
        SCOPED_TRACE(text);
        const auto parsed = Network::parse(text, parse_mode::strict);
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, row.network);
        EXPECT_TRUE(seen.insert(text).second); // no network twice
        EXPECT_FALSE(row.name.empty());
        EXPECT_EQ(row.rfc.substr(0, 4), "RFC ");
        // The row's own network address is looked up to this row or a more specific one.
        const auto* found = find_special_purpose(row.network.network_address());
        ASSERT_NE(found, nullptr);
        EXPECT_TRUE(row.network.contains(found->network));
    }
}

TEST(special_purpose, every_ipv4_row_parses_strictly) {
    const auto rows = weft::addr::ipv4_special_purpose_registry();
    EXPECT_EQ(rows.size(), 25u);
    check_rows_parse_strictly<decltype(rows), ipv4_network>(rows);
}

TEST(special_purpose, every_ipv6_row_parses_strictly) {
    const auto rows = weft::addr::ipv6_special_purpose_registry();
    EXPECT_EQ(rows.size(), 26u);
    check_rows_parse_strictly<decltype(rows), ipv6_network>(rows);
}

// A row that IANA marks globally reachable (or not) makes its whole network global (or
// private); the only planned exception is shared address space, neither of the two.
template <class Rows> void check_reachability_matches_flags(const Rows& rows) {
    for (const auto& row : rows) {
        SCOPED_TRACE(row.network.to_string());
        if (row.globally_reachable == registry_flag::yes) {
            EXPECT_TRUE(row.network.is_global());
            EXPECT_FALSE(row.network.is_private());
            EXPECT_TRUE(row.network.network_address().is_global());
        } else if (row.globally_reachable == registry_flag::no) {
            EXPECT_FALSE(row.network.is_global());
            EXPECT_FALSE(row.network.network_address().is_global());
            if (row.network.to_string() != "100.64.0.0/10") {
                EXPECT_TRUE(row.network.is_private());
                EXPECT_TRUE(row.network.broadcast_address().is_private());
            }
        }
    }
}

TEST(special_purpose, reachability_agrees_with_the_registry_flags) {
    check_reachability_matches_flags(weft::addr::ipv4_special_purpose_registry());
    check_reachability_matches_flags(weft::addr::ipv6_special_purpose_registry());
}

} // namespace
