#pragma once

#include <weft/addr/detail/text.hpp>
#include <weft/addr/ip_address.hpp>

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace weft::addr {

/// An IP address and a port: "1.2.3.4:80", "[::1]:8080", "[fe80::1%eth0]:22".
///
/// Trivially copyable. The default value has no address (`is_valid() == false`), port 0.
/// Ordering is the address's, then the port.
class socket_address {
  public:
    /// Longest text: "[" + the longest IPv6 text + "]:65535".
    static constexpr std::size_t max_string_length = ip_address::max_string_length + 8;

    constexpr socket_address() noexcept = default;
    constexpr socket_address(ip_address address, std::uint16_t port) noexcept
        : address_(address), port_(port) {}

    /// Parses "a.b.c.d:port" or "[ipv6]:port" (RFC 3986 §3.2.2 brackets; the zone is
    /// written raw, not as "%25"). The port is required, 0..65535, without leading zeros.
    static constexpr expected<socket_address, parse_error> parse(std::string_view text) noexcept {
        if (text.empty()) {
            return unexpected(parse_error{parse_errc::empty, 0});
        }
        std::string_view host;
        std::size_t port_at = 0;
        ip_address address;
        if (text[0] == '[') {
            const std::size_t close = text.find(']');
            if (close == std::string_view::npos) {
                return unexpected(parse_error{parse_errc::missing_bracket,
                                              static_cast<std::uint32_t>(text.size())});
            }
            const auto r = detail::parse_ipv6(text.substr(1, close - 1), 1, true);
            if (!r.ok) {
                return unexpected(r.error);
            }
            address = ipv6_address(r.value);
            port_at = close + 1;
        } else {
            const std::size_t colon = text.find(':');
            if (colon != std::string_view::npos &&
                text.find(':', colon + 1) != std::string_view::npos) {
                // Several colons: an IPv6 address that needs brackets around it.
                return unexpected(parse_error{parse_errc::missing_bracket, 0});
            }
            const auto r = detail::parse_ipv4(text.substr(0, colon), 0);
            if (!r.ok) {
                return unexpected(r.error);
            }
            address = ipv4_address(r.value);
            port_at = colon == std::string_view::npos ? text.size() : colon;
        }
        if (port_at == text.size()) {
            return unexpected(
                parse_error{parse_errc::missing_port, static_cast<std::uint32_t>(port_at)});
        }
        if (text[port_at] != ':') {
            return unexpected(
                parse_error{parse_errc::invalid_character, static_cast<std::uint32_t>(port_at)});
        }
        const auto port = detail::parse_decimal(text.substr(port_at + 1), port_at + 1, 65535,
                                                parse_errc::port_out_of_range);
        if (!port.ok) {
            if (port.error.code == parse_errc::empty) {
                return unexpected(parse_error{parse_errc::missing_port, port.error.offset});
            }
            return unexpected(port.error);
        }
        return socket_address(address, static_cast<std::uint16_t>(port.value));
    }

    /// Converts from a kernel sockaddr (AF_INET or AF_INET6; a nonzero sin6_scope_id
    /// becomes a numeric zone). @returns nullopt-like invalid value for other families
    /// or a too-short length.
    static socket_address from_sockaddr(const sockaddr* sa, socklen_t length) noexcept;

    /// Writes this address as a sockaddr_in or sockaddr_in6. A numeric zone becomes
    /// sin6_scope_id; an interface-name zone cannot be resolved here (addr does no I/O)
    /// and gives scope 0 — the io layer maps names with if_nametoindex.
    /// @returns the length to pass to bind/connect, or 0 when there is no address.
    socklen_t to_sockaddr(sockaddr_storage& out) const noexcept;

    [[nodiscard]] constexpr const ip_address& address() const noexcept { return address_; }
    [[nodiscard]] constexpr std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] constexpr bool is_valid() const noexcept { return address_.is_valid(); }

    std::size_t format_to(std::span<char> out) const noexcept;
    [[nodiscard]] std::string to_string() const;

    friend constexpr auto operator<=>(const socket_address&, const socket_address&) = default;
    friend constexpr bool operator==(const socket_address&, const socket_address&) = default;

  private:
    ip_address address_;
    std::uint16_t port_ = 0;
};

} // namespace weft::addr

template <> struct std::hash<weft::addr::socket_address> {
    std::size_t operator()(const weft::addr::socket_address& s) const noexcept {
        return std::hash<weft::addr::ip_address>{}(s.address()) * 65599 + s.port();
    }
};

template <> struct fmt::formatter<weft::addr::socket_address> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(const weft::addr::socket_address& s, Ctx& ctx) const {
        char buf[weft::addr::socket_address::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, s.format_to(buf)),
                                                        ctx);
    }
};
