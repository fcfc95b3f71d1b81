#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace weft::addr {

/// An unsigned 128-bit integer: the value of an IPv6 address.
///
/// g++ and clang provide `unsigned __int128`; `__extension__` keeps -Wpedantic quiet.
__extension__ using uint128 = unsigned __int128;

/// Longest decimal rendering of a uint128 plus one: the 2^128 that `address_count` can hold.
inline constexpr std::size_t max_uint128_digits = 40;

/// Writes `value` in decimal into `out` (at least `max_uint128_digits` long).
/// @returns the number of characters written.
constexpr std::size_t format_decimal(uint128 value, std::span<char> out) noexcept {
    char tmp[max_uint128_digits];
    std::size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + static_cast<int>(value % 10));
        value /= 10;
    } while (value != 0);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

/// The number of addresses in a network: 2^host_bits, exact even for the 2^128 of "::/0".
class address_count {
  public:
    constexpr address_count() noexcept = default;
    constexpr explicit address_count(unsigned host_bits) noexcept : host_bits_(host_bits) {}

    /// log2 of the count: 32 - prefix for IPv4, 128 - prefix for IPv6.
    [[nodiscard]] constexpr unsigned host_bits() const noexcept { return host_bits_; }
    /// True unless the count is 2^128, which does not fit.
    [[nodiscard]] constexpr bool fits_uint128() const noexcept { return host_bits_ < 128; }
    /// @returns 2^host_bits. Precondition: fits_uint128().
    [[nodiscard]] constexpr uint128 value() const noexcept { return uint128{1} << host_bits_; }
    /// The exact decimal count ("64", "340282366920938463463374607431768211456").
    [[nodiscard]] std::string to_string() const;

    friend constexpr bool operator==(address_count a, std::uint64_t b) noexcept {
        return a.fits_uint128() && a.value() == b;
    }
    // Declared explicitly: the mixed operator== above suppresses the implicit one.
    friend constexpr bool operator==(const address_count&, const address_count&) = default;
    friend constexpr auto operator<=>(const address_count&, const address_count&) = default;

  private:
    unsigned host_bits_ = 0;
};

} // namespace weft::addr
