#include <weft/addr/socket_address.hpp>

#include <cstring>

#include <netinet/in.h>

namespace weft::addr {

socket_address socket_address::from_sockaddr(const sockaddr* sa, socklen_t length) noexcept {
    if (sa == nullptr) {
        return {};
    }
    if (sa->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in in{};
        std::memcpy(&in, sa, sizeof in);
        return {ipv4_address(ntohl(in.sin_addr.s_addr)), ntohs(in.sin_port)};
    }
    if (sa->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, sa, sizeof in6);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &in6.sin6_addr, 16);
        ipv6_address a = ipv6_address::from_bytes(bytes);
        if (in6.sin6_scope_id != 0) {
            char zone[12];
            const std::size_t n = format_decimal(in6.sin6_scope_id, zone);
            a = a.with_zone(std::string_view(zone, n));
        }
        return {a, ntohs(in6.sin6_port)};
    }
    return {};
}

socklen_t socket_address::to_sockaddr(sockaddr_storage& out) const noexcept {
    std::memset(&out, 0, sizeof out);
    if (address_.is_v4()) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        in.sin_port = htons(port_);
        in.sin_addr.s_addr = htonl(address_.v4().to_uint());
        std::memcpy(&out, &in, sizeof in);
        return sizeof in;
    }
    if (address_.is_v6()) {
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port_);
        const auto bytes = address_.v6().to_bytes();
        std::memcpy(&in6.sin6_addr, bytes.data(), 16);
        const auto zone = address_.v6().zone();
        const auto scope =
            detail::parse_decimal(zone, 0, 0xffffffffu, parse_errc::value_out_of_range);
        in6.sin6_scope_id = scope.ok ? static_cast<std::uint32_t>(scope.value) : 0;
        std::memcpy(&out, &in6, sizeof in6);
        return sizeof in6;
    }
    return 0;
}

std::size_t socket_address::format_to(std::span<char> out) const noexcept {
    std::size_t n = 0;
    if (address_.is_v6()) {
        out[n++] = '[';
        n += address_.v6().format_to(out.subspan(n));
        out[n++] = ']';
    } else {
        n += address_.format_to(out);
    }
    out[n++] = ':';
    return n + format_decimal(port_, out.subspan(n));
}

std::string socket_address::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

} // namespace weft::addr
