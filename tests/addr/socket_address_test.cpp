#include <weft/addr/socket_address.hpp>

#include <array>
#include <cstring>
#include <string_view>
#include <type_traits>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

using weft::addr::parse_errc;
using weft::addr::socket_address;

static_assert(std::is_trivially_copyable_v<socket_address>);
static_assert(socket_address::parse("[::1]:8080").value().port() == 8080);

TEST(socket_address, parses_and_formats_each_family) {
    struct row {
        std::string_view text;
        std::string_view canonical;
        std::uint16_t port;
    };
    const row rows[] = {
        {"1.2.3.4:80", "1.2.3.4:80", 80},                          // IPv4
        {"0.0.0.0:0", "0.0.0.0:0", 0},                             // port 0: any
        {"255.255.255.255:65535", "255.255.255.255:65535", 65535}, // extremes
        {"[::1]:8080", "[::1]:8080", 8080},                        // IPv6 loopback
        {"[2001:DB8::1]:443", "[2001:db8::1]:443", 443},           // canonicalised (RFC 5952)
        {"[fe80::1%eth0]:22", "[fe80::1%eth0]:22", 22},            // zone kept
        {"[::ffff:1.2.3.4]:1", "[::ffff:1.2.3.4]:1", 1},           // mapped, dotted quad
    };
    for (const auto& r : rows) {
        const auto s = socket_address::parse(r.text);
        ASSERT_TRUE(s) << r.text;
        EXPECT_EQ(s->port(), r.port) << r.text;
        EXPECT_EQ(s->to_string(), r.canonical) << r.text;
        EXPECT_EQ(socket_address::parse(s->to_string()), s) << r.text;
    }
}

TEST(socket_address, rejects_with_code_and_offset) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    const row rows[] = {
        {"", parse_errc::empty, 0},                           // nothing
        {"1.2.3.4", parse_errc::missing_port, 7},             // no port
        {"1.2.3.4:", parse_errc::missing_port, 8},            // empty port
        {"1.2.3.4:65536", parse_errc::port_out_of_range, 8},  // too big
        {"1.2.3.4:080", parse_errc::leading_zero, 8},         // leading zero
        {"1.2.3.4:8x", parse_errc::invalid_character, 9},     // junk in port
        {"::1:80", parse_errc::missing_bracket, 0},           // IPv6 needs brackets
        {"[::1:80", parse_errc::missing_bracket, 7},          // unclosed
        {"[::1]", parse_errc::missing_port, 5},               // no port after ]
        {"[::1]x80", parse_errc::invalid_character, 5},       // not ':'
        {"[1.2.3.4]:80", parse_errc::too_few_parts, 8},       // IPv4 in brackets
        {"1.2.3.04:80", parse_errc::leading_zero, 6},         // address error offsets
        {"[::1::]:80", parse_errc::multiple_double_colon, 4}, // offsets count the '['
    };
    for (const auto& r : rows) {
        const auto s = socket_address::parse(r.text);
        ASSERT_FALSE(s) << r.text;
        EXPECT_EQ(s.error().code, r.code) << r.text;
        EXPECT_EQ(s.error().offset, r.offset) << r.text;
    }
}

TEST(socket_address, converts_to_and_from_sockaddr) {
    sockaddr_storage ss{};
    const auto v4 = *socket_address::parse("192.0.2.1:8080");
    ASSERT_EQ(v4.to_sockaddr(ss), sizeof(sockaddr_in));
    sockaddr_in in{};
    std::memcpy(&in, &ss, sizeof in);
    EXPECT_EQ(in.sin_family, AF_INET);
    EXPECT_EQ(ntohs(in.sin_port), 8080);
    char text[INET_ADDRSTRLEN];
    EXPECT_STREQ(inet_ntop(AF_INET, &in.sin_addr, text, sizeof text), "192.0.2.1");
    EXPECT_EQ(socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), sizeof in), v4);

    const auto v6 = *socket_address::parse("[fe80::1%3]:22");
    ASSERT_EQ(v6.to_sockaddr(ss), sizeof(sockaddr_in6));
    sockaddr_in6 in6{};
    std::memcpy(&in6, &ss, sizeof in6);
    EXPECT_EQ(in6.sin6_family, AF_INET6);
    EXPECT_EQ(in6.sin6_scope_id, 3u);
    EXPECT_EQ(ntohs(in6.sin6_port), 22);
    EXPECT_EQ(socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), sizeof in6), v6);

    // Too short, or another family: no address.
    EXPECT_FALSE(socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), 4).is_valid());
    EXPECT_EQ(socket_address{}.to_sockaddr(ss), 0u);
}

TEST(socket_address, orders_by_address_then_port) {
    const auto a = *socket_address::parse("10.0.0.1:80");
    const auto b = *socket_address::parse("10.0.0.1:443");
    const auto c = *socket_address::parse("[::1]:1");
    EXPECT_LT(a, b);
    EXPECT_LT(b, c); // every IPv4 before every IPv6
    EXPECT_NE(std::hash<socket_address>{}(a), std::hash<socket_address>{}(b));
}
