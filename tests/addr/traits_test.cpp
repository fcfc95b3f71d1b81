// Compile-time checks of the IP layer's value types: sizes, traits, constexpr parsing and
// the fmt/hash customisations. Most of this file is static_asserts; the TESTs check what
// can only run (fmt output).

#include <weft/addr/ip_address.hpp>
#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/literals.hpp>
#include <weft/addr/network.hpp>
#include <weft/addr/parse_error.hpp>
#include <weft/addr/special_purpose.hpp>
#include <weft/addr/uint128.hpp>

#include <compare>
#include <concepts>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using namespace weft::addr;
using namespace weft::addr::literals;

// ---------------------------------------------------------------------------------------
// Sizes: the value types are small and hold everything inline.

static_assert(sizeof(ipv4_address) == 4);
static_assert(sizeof(ipv6_address) == 32); // 16 bytes of address + a 16-byte inline zone
static_assert(sizeof(parse_error) == 8);
static_assert(sizeof(ipv4_network) == 8);
static_assert(ipv4_address::bits == 32 && ipv6_address::bits == 128);

// ---------------------------------------------------------------------------------------
// Traits: trivially copyable, nothrow, regular, totally ordered, hashable, formattable.

template <class T> constexpr bool is_value_type() {
    return std::is_trivially_copyable_v<T> && std::is_nothrow_default_constructible_v<T> &&
           std::is_nothrow_copy_constructible_v<T> && std::is_nothrow_copy_assignable_v<T> &&
           std::is_trivially_destructible_v<T> && std::regular<T>;
}

template <class T> constexpr bool is_ordered_hashable_formattable() {
    return std::totally_ordered<T> && std::three_way_comparable<T, std::strong_ordering> &&
           std::is_nothrow_invocable_r_v<std::size_t, std::hash<T>, const T&> &&
           fmt::is_formattable<T>::value;
}

static_assert(is_value_type<ipv4_address>());
static_assert(is_value_type<ipv6_address>());
static_assert(is_value_type<ip_address>());
static_assert(is_value_type<ipv4_network>());
static_assert(is_value_type<ipv6_network>());
static_assert(is_value_type<ipv4_interface>());
static_assert(is_value_type<ipv6_interface>());
static_assert(is_value_type<parse_error>());
static_assert(is_value_type<address_count>());
static_assert(std::is_trivially_copyable_v<ipv6_address::teredo_endpoints>);
static_assert(std::is_trivially_copyable_v<ipv4_special_purpose_block>);
static_assert(std::is_trivially_copyable_v<ipv6_special_purpose_block>);

static_assert(is_ordered_hashable_formattable<ipv4_address>());
static_assert(is_ordered_hashable_formattable<ipv6_address>());
static_assert(is_ordered_hashable_formattable<ip_address>());
static_assert(is_ordered_hashable_formattable<ipv4_network>());
static_assert(is_ordered_hashable_formattable<ipv6_network>());
static_assert(fmt::is_formattable<ipv4_interface>::value);
static_assert(fmt::is_formattable<ipv6_interface>::value);
static_assert(std::totally_ordered<ipv4_interface> && std::totally_ordered<ipv6_interface>);

// Integers do not silently become addresses.
static_assert(!std::is_convertible_v<std::uint32_t, ipv4_address>);
static_assert(!std::is_convertible_v<std::string_view, ipv4_address>);
// But each family converts to the sum type.
static_assert(std::is_nothrow_convertible_v<ipv4_address, ip_address>);
static_assert(std::is_nothrow_convertible_v<ipv6_address, ip_address>);

// Parsing never throws: errors are values.
static_assert(noexcept(ipv4_address::parse("")));
static_assert(noexcept(ipv6_address::parse("")));
static_assert(noexcept(ip_address::parse("")));
static_assert(noexcept(ipv4_network::parse("")));
static_assert(noexcept(ipv6_network::parse("")));
static_assert(noexcept(ipv4_interface::parse("")));
static_assert(noexcept(ipv6_interface::parse("")));

// ---------------------------------------------------------------------------------------
// Defaults, as documented in the headers.

static_assert(ipv4_address{}.is_unspecified());
static_assert(ipv6_address{}.is_unspecified() && !ipv6_address{}.has_zone());
static_assert(!ip_address{}.is_valid() && ip_address{}.version() == ip_version::none);
static_assert(ipv4_network{}.prefix_length() == 0 && ipv4_network{}.contains("1.2.3.4"_ip4));
static_assert(ipv6_network{}.prefix_length() == 0 && ipv6_network{}.contains("ffff::"_ip6));

// ---------------------------------------------------------------------------------------
// Constant evaluation: parsing, literals and the arithmetic are all constexpr.

static_assert("10.0.0.0/8"_net4.contains("10.1.2.3"_ip4));
static_assert(!"10.0.0.0/8"_net4.contains("11.0.0.0"_ip4));
static_assert("2001:db8::/32"_net6.contains("2001:db8::1"_ip6));
static_assert("192.168.100.0/26"_net4.broadcast_address() == "192.168.100.63"_ip4);
static_assert("192.168.100.0/26"_net4.netmask() == "255.255.255.192"_ip4);
static_assert("192.168.100.0/26"_net4.hostmask() == "0.0.0.63"_ip4);
static_assert("192.168.100.0/26"_net4.first_host() == "192.168.100.1"_ip4);
static_assert("192.168.100.0/26"_net4.last_host() == "192.168.100.62"_ip4);
static_assert("192.168.100.0/26"_net4.num_addresses() == 64u);
static_assert("::/0"_net6.num_addresses().host_bits() == 128);
static_assert("10.0.0.0/8"_net4.supernet_of("10.0.0.0/16"_net4));
static_assert("10.0.0.0/8"_net4.subnets(9)->size() == 2u);
static_assert("1.2.3.4"_ip4.to_uint() == 0x01020304);
static_assert("::ffff:1.2.3.4"_ip6.ipv4_mapped() == "1.2.3.4"_ip4);
static_assert("2002:c000:204::1"_ip6.sixtofour() == "192.0.2.4"_ip4);
static_assert("fe80::1%eth0"_ip6.zone() == "eth0");
static_assert("fe80::1"_ip6 < "fe80::1%eth0"_ip6);
static_assert(ip_address("1.2.3.4"_ip4) < ip_address("::"_ip6));

// Parse results as constants: values and errors.
static_assert(ipv4_address::parse("192.0.2.1").has_value());
static_assert(ipv4_address::parse("192.0.2.1").value() == ipv4_address(192, 0, 2, 1));
static_assert(ipv4_address::parse("1.2.3.04").error() == parse_error{parse_errc::leading_zero, 6});
static_assert(ipv6_address::parse("::1::").error() ==
              parse_error{parse_errc::multiple_double_colon, 3});
static_assert(ipv4_network::parse("192.168.100.1/26", parse_mode::strict).error() ==
              parse_error{parse_errc::host_bits_set, 13});
static_assert(ip_address::parse("::1").value().is_loopback());

// The advertised buffer sizes are the longest texts.
static_assert(ipv4_address::max_string_length == std::string_view("255.255.255.255").size());
static_assert(ipv6_address::max_string_length >= 39 + 1 + max_zone_length);
static_assert(ipv6_address::max_exploded_length == 39 + 1 + max_zone_length);
static_assert(max_uint128_digits >=
              std::string_view("340282366920938463463374607431768211456").size());

// ---------------------------------------------------------------------------------------
// fmt works for every type, including format specs inherited from string_view.

TEST(traits, fmt_formats_every_type) {
    EXPECT_EQ(fmt::format("{}", "192.0.2.1"_ip4), "192.0.2.1");
    EXPECT_EQ(fmt::format("{}", "2001:db8::1"_ip6), "2001:db8::1");
    EXPECT_EQ(fmt::format("{}", ip_address("fe80::1%eth0"_ip6)), "fe80::1%eth0");
    EXPECT_EQ(fmt::format("{}", ip_address("10.0.0.1"_ip4)), "10.0.0.1");
    EXPECT_EQ(fmt::format("{}", "10.0.0.0/8"_net4), "10.0.0.0/8");
    EXPECT_EQ(fmt::format("{}", "2001:db8::/32"_net6), "2001:db8::/32");
    EXPECT_EQ(fmt::format("{}", ipv4_interface::parse("10.1.2.3/8").value()), "10.1.2.3/8");
    EXPECT_EQ(fmt::format("{}", ipv6_interface::parse("fe80::1%2/64").value()), "fe80::1%2/64");
    // Width and alignment come from fmt's string_view formatter.
    EXPECT_EQ(fmt::format("[{:>9}]", "1.2.3.4"_ip4), "[  1.2.3.4]");
    EXPECT_EQ(fmt::format("[{:<6}]", "::1"_ip6), "[::1   ]");
}

TEST(traits, to_string_agrees_with_fmt) {
    const auto a = "::ffff:192.0.2.1"_ip6;
    EXPECT_EQ(a.to_string(), fmt::format("{}", a));
    const auto n = "2001:db8:1::/48"_net6;
    EXPECT_EQ(n.to_string(), fmt::format("{}", n));
}

} // namespace
