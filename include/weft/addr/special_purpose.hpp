#pragma once

#include <weft/addr/network.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace weft::addr {

/// A column of the IANA Special-Purpose Address Registries: True, False or N/A.
enum class registry_flag : std::uint8_t { no, yes, not_applicable };

/// One row of the IANA IPv4 or IPv6 Special-Purpose Address Registry (RFC 6890 §2.2 and
/// the RFCs that updated it), as published by IANA in 2025.
template <class A> struct special_purpose_block {
    basic_network<A> network;
    std::string_view name;
    std::string_view rfc; ///< the defining RFC(s), e.g. "RFC 1918"
    registry_flag source;
    registry_flag destination;
    registry_flag forwardable;
    registry_flag globally_reachable;
    registry_flag reserved_by_protocol;
};

using ipv4_special_purpose_block = special_purpose_block<ipv4_address>;
using ipv6_special_purpose_block = special_purpose_block<ipv6_address>;

/// Every row of the IPv4 registry, in the registry's order. Static storage.
std::span<const ipv4_special_purpose_block> ipv4_special_purpose_registry() noexcept;
/// Every row of the IPv6 registry, in the registry's order. Static storage.
std::span<const ipv6_special_purpose_block> ipv6_special_purpose_registry() noexcept;

/// The most specific registry row that holds `a`, or nullptr for an ordinary address.
const ipv4_special_purpose_block* find_special_purpose(ipv4_address a) noexcept;
const ipv6_special_purpose_block* find_special_purpose(const ipv6_address& a) noexcept;

} // namespace weft::addr
