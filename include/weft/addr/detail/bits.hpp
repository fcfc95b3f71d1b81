#pragma once

// Bit arithmetic over an address family's integer (uint32_t or uint128), for the CIDR code.

#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/uint128.hpp>

#include <bit>
#include <cstdint>

namespace weft::addr::detail {

/// The netmask of a /prefix in family A: `prefix` leading ones.
template <class A> constexpr typename A::uint_type mask_bits(unsigned prefix) noexcept {
    using U = typename A::uint_type;
    if (prefix == 0) {
        return U{0};
    }
    return static_cast<U>(~U{0} << (A::bits - static_cast<int>(prefix)));
}

constexpr int count_trailing_zeros(std::uint32_t v) noexcept {
    return v == 0 ? 32 : std::countr_zero(v);
}
constexpr int count_trailing_zeros(uint128 v) noexcept {
    const auto lo = static_cast<std::uint64_t>(v);
    if (lo != 0) {
        return std::countr_zero(lo);
    }
    const auto hi = static_cast<std::uint64_t>(v >> 64);
    return hi == 0 ? 128 : 64 + std::countr_zero(hi);
}

/// floor(log2(v)) for v > 0.
constexpr int floor_log2(std::uint32_t v) noexcept {
    return std::bit_width(v) - 1;
}
constexpr int floor_log2(uint128 v) noexcept {
    const auto hi = static_cast<std::uint64_t>(v >> 64);
    if (hi != 0) {
        return 64 + std::bit_width(hi) - 1;
    }
    return std::bit_width(static_cast<std::uint64_t>(v)) - 1;
}

/// Leading ones of `v`, or -1 if the ones are not contiguous from the top (a netmask).
template <class A> constexpr int prefix_from_netmask(typename A::uint_type v) noexcept {
    for (int p = 0; p <= A::bits; ++p) {
        if (mask_bits<A>(static_cast<unsigned>(p)) == v) {
            return p;
        }
    }
    return -1;
}

} // namespace weft::addr::detail
