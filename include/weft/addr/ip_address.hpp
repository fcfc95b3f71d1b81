#pragma once

#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft::addr {

/// The IP version of a value: 4, 6, or none for the empty ip_address.
enum class ip_version : std::uint8_t { none = 0, v4 = 4, v6 = 6 };

/// Either an IPv4 or an IPv6 address.
///
/// The default value is "no address" (`is_valid() == false`), like netip's zero Addr.
/// Ordering is netip's: no address, then every IPv4 address, then every IPv6 address.
class ip_address {
  public:
    static constexpr std::size_t max_string_length = ipv6_address::max_string_length;

    constexpr ip_address() noexcept = default;
    constexpr ip_address(ipv4_address a) noexcept : version_(ip_version::v4), v4_(a) {}
    constexpr ip_address(ipv6_address a) noexcept : version_(ip_version::v6), v6_(a) {}

    /// Parses an IPv4 dotted quad or any IPv6 text form (with zone). A string holding a
    /// ':' is taken as IPv6, so errors point into the family the text was meant to be.
    static constexpr expected<ip_address, parse_error> parse(std::string_view text) noexcept {
        if (text.find(':') != std::string_view::npos) {
            auto r = ipv6_address::parse(text);
            if (!r) {
                return unexpected(r.error());
            }
            return ip_address(*r);
        }
        auto r = ipv4_address::parse(text);
        if (!r) {
            return unexpected(r.error());
        }
        return ip_address(*r);
    }

    [[nodiscard]] constexpr ip_version version() const noexcept { return version_; }
    [[nodiscard]] constexpr bool is_valid() const noexcept { return version_ != ip_version::none; }
    [[nodiscard]] constexpr bool is_v4() const noexcept { return version_ == ip_version::v4; }
    [[nodiscard]] constexpr bool is_v6() const noexcept { return version_ == ip_version::v6; }
    /// The IPv4 address. Precondition: is_v4().
    [[nodiscard]] constexpr ipv4_address v4() const noexcept { return v4_; }
    /// The IPv6 address. Precondition: is_v6().
    [[nodiscard]] constexpr const ipv6_address& v6() const noexcept { return v6_; }

    /// Writes the canonical text ("" for no address). @returns the length.
    std::size_t format_to(std::span<char> out) const noexcept;
    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] std::string exploded() const;
    [[nodiscard]] std::string reverse_pointer() const;

#define WEFT_IP_PREDICATE(name)                                                                    \
    [[nodiscard]] constexpr bool name() const noexcept {                                           \
        return is_v4() ? v4_.name() : is_v6() ? v6_.name() : false;                                \
    }
    WEFT_IP_PREDICATE(is_unspecified)
    WEFT_IP_PREDICATE(is_loopback)
    WEFT_IP_PREDICATE(is_link_local)
    WEFT_IP_PREDICATE(is_multicast)
    WEFT_IP_PREDICATE(is_documentation)
    WEFT_IP_PREDICATE(is_benchmarking)
#undef WEFT_IP_PREDICATE
    [[nodiscard]] bool is_reserved() const noexcept;
    [[nodiscard]] bool is_private() const noexcept;
    [[nodiscard]] bool is_global() const noexcept;

    friend constexpr auto operator<=>(const ip_address&, const ip_address&) = default;
    friend constexpr bool operator==(const ip_address&, const ip_address&) = default;

  private:
    ip_version version_ = ip_version::none;
    ipv4_address v4_;
    ipv6_address v6_;
};

} // namespace weft::addr

template <> struct std::hash<weft::addr::ip_address> {
    std::size_t operator()(const weft::addr::ip_address& a) const noexcept {
        if (a.is_v4()) {
            return std::hash<weft::addr::ipv4_address>{}(a.v4());
        }
        return a.is_v6() ? std::hash<weft::addr::ipv6_address>{}(a.v6()) : 0;
    }
};

template <> struct fmt::formatter<weft::addr::ip_address> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(const weft::addr::ip_address& a, Ctx& ctx) const {
        char buf[weft::addr::ip_address::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, a.format_to(buf)),
                                                        ctx);
    }
};
