#pragma once

#include <weft/addr/network.hpp>

#include <cstddef>

/// Compile-time address literals: a typo is a build error, not a runtime one.
///
///     using namespace weft::addr::literals;
///     static_assert("10.0.0.0/8"_net4.contains("10.1.2.3"_ip4));
namespace weft::addr::literals {

// Called only when a literal fails to parse: not constexpr, so the build stops here.
inline void invalid_address_literal() {}

consteval ipv4_address operator""_ip4(const char* s, std::size_t n) {
    auto r = ipv4_address::parse({s, n});
    if (!r) {
        invalid_address_literal();
    }
    return *r;
}

consteval ipv6_address operator""_ip6(const char* s, std::size_t n) {
    auto r = ipv6_address::parse({s, n});
    if (!r) {
        invalid_address_literal();
    }
    return *r;
}

consteval ipv4_network operator""_net4(const char* s, std::size_t n) {
    auto r = ipv4_network::parse({s, n}, parse_mode::strict);
    if (!r) {
        invalid_address_literal();
    }
    return *r;
}

consteval ipv6_network operator""_net6(const char* s, std::size_t n) {
    auto r = ipv6_network::parse({s, n}, parse_mode::strict);
    if (!r) {
        invalid_address_literal();
    }
    return *r;
}

} // namespace weft::addr::literals
