#include <weft/addr/literals.hpp>
#include <weft/addr/special_purpose.hpp>

#include <array>

namespace weft::addr {

namespace {

using namespace literals;
constexpr registry_flag T = registry_flag::yes;
constexpr registry_flag F = registry_flag::no;
constexpr registry_flag NA = registry_flag::not_applicable;

// https://www.iana.org/assignments/iana-ipv4-special-registry
// Columns: source, destination, forwardable, globally reachable, reserved-by-protocol.
constexpr std::array<ipv4_special_purpose_block, 25> ipv4_registry{{
    {"0.0.0.0/8"_net4, "\"This network\"", "RFC 791 §3.2", T, F, F, F, T},
    {"0.0.0.0/32"_net4, "\"This host on this network\"", "RFC 1122 §3.2.1.3", T, F, F, F, T},
    {"10.0.0.0/8"_net4, "Private-Use", "RFC 1918", T, T, T, F, F},
    {"100.64.0.0/10"_net4, "Shared Address Space", "RFC 6598", T, T, T, F, F},
    {"127.0.0.0/8"_net4, "Loopback", "RFC 1122 §3.2.1.3", F, F, F, F, T},
    {"169.254.0.0/16"_net4, "Link Local", "RFC 3927", T, T, F, F, T},
    {"172.16.0.0/12"_net4, "Private-Use", "RFC 1918", T, T, T, F, F},
    {"192.0.0.0/24"_net4, "IETF Protocol Assignments", "RFC 6890 §2.1", F, F, F, F, F},
    {"192.0.0.0/29"_net4, "IPv4 Service Continuity Prefix", "RFC 7335", T, T, T, F, F},
    {"192.0.0.8/32"_net4, "IPv4 dummy address", "RFC 7600", T, F, F, F, F},
    {"192.0.0.9/32"_net4, "Port Control Protocol Anycast", "RFC 7723", T, T, T, T, F},
    {"192.0.0.10/32"_net4, "Traversal Using Relays around NAT Anycast", "RFC 8155", T, T, T, T, F},
    {"192.0.0.170/32"_net4, "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", F, F, F, F, T},
    {"192.0.0.171/32"_net4, "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", F, F, F, F, T},
    {"192.0.2.0/24"_net4, "Documentation (TEST-NET-1)", "RFC 5737", F, F, F, F, F},
    {"192.31.196.0/24"_net4, "AS112-v4", "RFC 7535", T, T, T, T, F},
    {"192.52.193.0/24"_net4, "AMT", "RFC 7450", T, T, T, T, F},
    {"192.88.99.0/24"_net4, "Deprecated (6to4 Relay Anycast)", "RFC 7526", NA, NA, NA, NA, NA},
    {"192.168.0.0/16"_net4, "Private-Use", "RFC 1918", T, T, T, F, F},
    {"192.175.48.0/24"_net4, "Direct Delegation AS112 Service", "RFC 7534", T, T, T, T, F},
    {"198.18.0.0/15"_net4, "Benchmarking", "RFC 2544", T, T, T, F, F},
    {"198.51.100.0/24"_net4, "Documentation (TEST-NET-2)", "RFC 5737", F, F, F, F, F},
    {"203.0.113.0/24"_net4, "Documentation (TEST-NET-3)", "RFC 5737", F, F, F, F, F},
    {"240.0.0.0/4"_net4, "Reserved", "RFC 1112 §4", F, F, F, F, T},
    {"255.255.255.255/32"_net4, "Limited Broadcast", "RFC 8190, RFC 919 §7", F, T, F, F, T},
}};

// https://www.iana.org/assignments/iana-ipv6-special-registry
constexpr std::array<ipv6_special_purpose_block, 26> ipv6_registry{{
    {"::1/128"_net6, "Loopback Address", "RFC 4291", F, F, F, F, T},
    {"::/128"_net6, "Unspecified Address", "RFC 4291", T, F, F, F, T},
    {"::ffff:0:0/96"_net6, "IPv4-mapped Address", "RFC 4291", F, F, F, F, T},
    {"64:ff9b::/96"_net6, "IPv4-IPv6 Translat.", "RFC 6052", T, T, T, T, F},
    {"64:ff9b:1::/48"_net6, "IPv4-IPv6 Translat.", "RFC 8215", T, T, T, F, F},
    {"100::/64"_net6, "Discard-Only Address Block", "RFC 6666", T, T, T, F, F},
    {"100:0:0:1::/64"_net6, "Dummy IPv6 Prefix", "RFC 9780", T, F, F, F, F},
    {"2001::/23"_net6, "IETF Protocol Assignments", "RFC 2928", F, F, F, F, F},
    {"2001::/32"_net6, "TEREDO", "RFC 4380, RFC 8190", T, T, T, NA, F},
    {"2001:1::1/128"_net6, "Port Control Protocol Anycast", "RFC 7723", T, T, T, T, F},
    {"2001:1::2/128"_net6, "Traversal Using Relays around NAT Anycast", "RFC 8155", T, T, T, T, F},
    {"2001:1::3/128"_net6, "DNS-SD Service Registration Protocol Anycast", "RFC 9665", T, T, T, T,
     F},
    {"2001:2::/48"_net6, "Benchmarking", "RFC 5180", T, T, T, F, F},
    {"2001:3::/32"_net6, "AMT", "RFC 7450", T, T, T, T, F},
    {"2001:4:112::/48"_net6, "AS112-v6", "RFC 7535", T, T, T, T, F},
    {"2001:10::/28"_net6, "Deprecated (previously ORCHID)", "RFC 4843", NA, NA, NA, NA, NA},
    {"2001:20::/28"_net6, "ORCHIDv2", "RFC 7343", T, T, T, T, F},
    {"2001:30::/28"_net6, "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", T, T, T,
     T, F},
    {"2001:db8::/32"_net6, "Documentation", "RFC 3849", F, F, F, F, F},
    // IANA lists N/A; like Python's ipaddress we treat 6to4 as not globally reachable.
    {"2002::/16"_net6, "6to4", "RFC 3056", T, T, T, NA, F},
    {"2620:4f:8000::/48"_net6, "Direct Delegation AS112 Service", "RFC 7534", T, T, T, T, F},
    {"3fff::/20"_net6, "Documentation", "RFC 9637", F, F, F, F, F},
    {"5f00::/16"_net6, "Segment Routing (SRv6) SIDs", "RFC 9602", T, T, T, F, F},
    {"fc00::/7"_net6, "Unique-Local", "RFC 4193, RFC 8190", T, T, T, F, F},
    {"fe80::/10"_net6, "Link-Local Unicast", "RFC 4291", T, T, F, F, T},
    {"fec0::/10"_net6, "Site-Local (deprecated)", "RFC 3879", NA, NA, NA, NA, NA},
}};

template <class A, std::size_t N>
const special_purpose_block<A>* most_specific(const std::array<special_purpose_block<A>, N>& rows,
                                              A a) noexcept {
    const special_purpose_block<A>* best = nullptr;
    for (const auto& row : rows) {
        if (row.network.contains(a) &&
            (best == nullptr || row.network.prefix_length() > best->network.prefix_length())) {
            best = &row;
        }
    }
    return best;
}

// Which rows make an address "private" (not globally reachable). Shared address space
// 100.64.0.0/10 is left out: Python's ipaddress (our reference) calls it neither private nor
// global. 6to4 is N/A in the registry, and counts as not global, as in Python.
bool counts_as_private(const ipv4_special_purpose_block& row) noexcept {
    return row.globally_reachable == registry_flag::no && row.network != "100.64.0.0/10"_net4;
}
bool counts_as_private(const ipv6_special_purpose_block& row) noexcept {
    return row.globally_reachable == registry_flag::no || row.network == "2002::/16"_net6;
}

// first..last lie together in a not-globally-reachable row, and neither end lies in a
// globally reachable one (the anycast exceptions inside 192.0.0.0/24 and 2001::/23).
template <class A, std::size_t N>
bool is_private_span(const std::array<special_purpose_block<A>, N>& rows, A first,
                     A last) noexcept {
    bool inside = false;
    for (const auto& row : rows) {
        if (row.globally_reachable == registry_flag::yes) {
            if (row.network.contains(first) || row.network.contains(last)) {
                return false;
            }
        } else if (counts_as_private(row) && row.network.contains(first) &&
                   row.network.contains(last)) {
            inside = true;
        }
    }
    return inside;
}

} // namespace

std::span<const ipv4_special_purpose_block> ipv4_special_purpose_registry() noexcept {
    return ipv4_registry;
}

std::span<const ipv6_special_purpose_block> ipv6_special_purpose_registry() noexcept {
    return ipv6_registry;
}

const ipv4_special_purpose_block* find_special_purpose(ipv4_address a) noexcept {
    return most_specific(ipv4_registry, a);
}

const ipv6_special_purpose_block* find_special_purpose(const ipv6_address& a) noexcept {
    return most_specific(ipv6_registry, a.without_zone());
}

bool ipv4_address::is_private() const noexcept {
    return is_private_span(ipv4_registry, *this, *this);
}

bool ipv4_address::is_global() const noexcept {
    return !is_shared() && !is_private();
}

bool ipv6_address::is_private() const noexcept {
    if (auto v4 = ipv4_mapped()) {
        return v4->is_private();
    }
    return is_private_span(ipv6_registry, without_zone(), without_zone());
}

bool ipv6_address::is_global() const noexcept {
    if (auto v4 = ipv4_mapped()) {
        return v4->is_global();
    }
    return !is_private();
}

template <> bool ipv4_network::is_private() const noexcept {
    return is_private_span(ipv4_registry, network_address(), broadcast_address());
}

template <> bool ipv4_network::is_global() const noexcept {
    constexpr ipv4_network shared = "100.64.0.0/10"_net4;
    return !(shared.contains(network_address()) && shared.contains(broadcast_address())) &&
           !is_private();
}

template <> bool ipv6_network::is_private() const noexcept {
    return is_private_span(ipv6_registry, network_address(), broadcast_address());
}

template <> bool ipv6_network::is_global() const noexcept {
    return !is_private();
}

} // namespace weft::addr
