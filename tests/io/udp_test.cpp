// udp_socket on both backends: datagrams with their senders, connected mode and its ICMP
// errors, cancellation, recvmmsg/sendmmsg batches and multicast on the loopback interface.
// All traffic stays on 127.0.0.1 / ::1 (multicast is pinned to lo with a TTL of 0).

#include "test_util.hpp"

#include <weft/addr/ip_address.hpp>
#include <weft/addr/socket_address.hpp>
#include <weft/io/combinators.hpp>
#include <weft/io/udp.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::datagram;
using weft::io::datagram_slot;
using weft::io::udp_options;
using weft::io::udp_socket;
using weft::io::testing::address;
using weft::io::testing::bytes_of;
using weft::io::testing::loopbacks;
namespace addr = weft::addr;

namespace {

class udp : public weft::io::testing::loopback_test {
  protected:
    udp_socket bound(std::string_view where, const udp_options& options = {}) {
        auto s = udp_socket::bind(the_loop(), address(where), options);
        EXPECT_TRUE(s) << where << ": " << s.error().message();
        return s ? std::move(*s) : udp_socket{};
    }
};
WEFT_ON_EACH_BACKEND(udp);

std::string_view text_of(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// One receive as a task, so with_timeout can bound it. The socket is the caller's, awaited
// structurally (the CP.53 exception).
task<expected<datagram, std::error_code>> recv_from_once(udp_socket& s, std::span<std::byte> buf) {
    co_return co_await s.recv_from(buf);
}

task<expected<std::size_t, std::error_code>> recv_once(udp_socket& s, std::span<std::byte> buf) {
    co_return co_await s.recv(buf);
}

task<expected<std::size_t, std::error_code>> send_to_once(udp_socket& s, std::string message,
                                                          addr::socket_address to) {
    co_return co_await s.send_to(bytes_of(message), to);
}

task<expected<std::size_t, std::error_code>> send_once(udp_socket& s, std::string message) {
    co_return co_await s.send(bytes_of(message));
}

TEST_P(udp, send_to_and_recv_from_report_the_sender) {
    for (const std::string_view where : loopbacks) {
        udp_socket a = bound(where);
        udp_socket b = bound(where);
        const auto a_at = *a.local_address();
        const auto b_at = *b.local_address();

        auto sent = the_loop().block_on(send_to_once(a, "ping", b_at));
        ASSERT_TRUE(sent) << where << ": " << sent.error().message();
        EXPECT_EQ(*sent, 4u);

        std::array<std::byte, 64> buf{};
        auto got = the_loop().block_on(weft::with_timeout(2s, recv_from_once(b, buf)));
        ASSERT_TRUE(got) << where << ": " << got.error().message();
        EXPECT_EQ(text_of(std::span(buf).first(got->size)), "ping") << where;
        EXPECT_EQ(got->from, a_at) << where; // the sender, port included

        // Reply to whoever sent it: the address round-trips through the kernel.
        ASSERT_TRUE(the_loop().block_on(send_to_once(b, "pong", got->from)));
        auto back = the_loop().block_on(weft::with_timeout(2s, recv_from_once(a, buf)));
        ASSERT_TRUE(back) << where << ": " << back.error().message();
        EXPECT_EQ(text_of(std::span(buf).first(back->size)), "pong") << where;
        EXPECT_EQ(back->from, b_at) << where;
    }
}

TEST_P(udp, recv_from_truncates_to_the_buffer) {
    udp_socket a = bound("127.0.0.1:0");
    udp_socket b = bound("127.0.0.1:0");
    ASSERT_TRUE(the_loop().block_on(send_to_once(a, "0123456789", *b.local_address())));
    std::array<std::byte, 4> small{};
    auto got = the_loop().block_on(weft::with_timeout(2s, recv_from_once(b, small)));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->size, 4u); // the rest of the datagram is discarded, as recvmsg does
    EXPECT_EQ(text_of(small), "0123");
}

TEST_P(udp, send_to_an_address_without_family_is_invalid_argument) {
    udp_socket a = bound("127.0.0.1:0");
    auto sent = the_loop().block_on(send_to_once(a, "x", addr::socket_address{}));
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error(), std::errc::invalid_argument);
}

TEST_P(udp, connected_send_and_recv_talk_to_the_peer) {
    for (const std::string_view where : loopbacks) {
        udp_socket a = bound(where);
        udp_socket b = bound(where);
        ASSERT_TRUE(a.connect(*b.local_address())) << where;
        ASSERT_TRUE(b.connect(*a.local_address())) << where;

        std::array<std::byte, 64> buf{};
        for (const std::string message : {"one", "two and more", "3"}) {
            auto sent = the_loop().block_on(send_once(a, message));
            ASSERT_TRUE(sent) << where << ": " << sent.error().message();
            EXPECT_EQ(*sent, message.size());
            auto n = the_loop().block_on(weft::with_timeout(2s, recv_once(b, buf)));
            ASSERT_TRUE(n) << where << ": " << n.error().message();
            EXPECT_EQ(text_of(std::span(buf).first(*n)), message) << where;
        }
        ASSERT_TRUE(the_loop().block_on(send_once(b, "back")));
        auto n = the_loop().block_on(weft::with_timeout(2s, recv_once(a, buf)));
        ASSERT_TRUE(n) << where << ": " << n.error().message();
        EXPECT_EQ(text_of(std::span(buf).first(*n)), "back") << where;
    }
}

TEST_P(udp, connected_socket_ignores_other_senders) {
    udp_socket a = bound("127.0.0.1:0");
    udp_socket b = bound("127.0.0.1:0");
    udp_socket stranger = bound("127.0.0.1:0");
    ASSERT_TRUE(a.connect(*b.local_address()));
    // The kernel drops datagrams from anyone but the peer on a connected socket.
    ASSERT_TRUE(the_loop().block_on(send_to_once(stranger, "noise", *a.local_address())));
    ASSERT_TRUE(the_loop().block_on(send_to_once(b, "signal", *a.local_address())));
    std::array<std::byte, 64> buf{};
    auto n = the_loop().block_on(weft::with_timeout(2s, recv_once(a, buf)));
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(text_of(std::span(buf).first(*n)), "signal");
}

task<void> pause(weft::io::steady_clock::duration d) {
    (void)co_await weft::io::sleep_for(d);
}

// A port nobody listens on: bind one, note it, close it.
addr::socket_address dead_port(weft::io::loop& l, std::string_view where) {
    auto s = udp_socket::bind(l, address(where));
    EXPECT_TRUE(s);
    return s ? *s->local_address() : addr::socket_address{};
}

TEST_P(udp, icmp_port_unreachable_surfaces_as_connection_refused_on_recv) {
    for (const std::string_view where : loopbacks) {
        const auto dead = dead_port(the_loop(), where);
        udp_socket a = bound(where);
        ASSERT_TRUE(a.connect(dead)) << where;
        // The send itself succeeds; the ICMP port unreachable that comes back is queued on
        // the socket and reported by the next call (RFC 1122 §4.1.3.3).
        ASSERT_TRUE(the_loop().block_on(send_once(a, "anyone?"))) << where;
        std::array<std::byte, 64> buf{};
        auto n = the_loop().block_on(weft::with_timeout(2s, recv_once(a, buf)));
        ASSERT_FALSE(n) << where << ": received " << *n << " bytes";
        EXPECT_EQ(n.error(), std::errc::connection_refused) << where << ": " << n.error().message();
    }
}

TEST_P(udp, icmp_port_unreachable_surfaces_as_connection_refused_on_send) {
    for (const std::string_view where : loopbacks) {
        const auto dead = dead_port(the_loop(), where);
        udp_socket a = bound(where);
        ASSERT_TRUE(a.connect(dead)) << where;
        ASSERT_TRUE(the_loop().block_on(send_once(a, "first"))) << where;
        // The error of the first datagram is reported by a later send (once: the kernel
        // clears it). On loopback the ICMP is back almost at once; allow a few tries.
        std::error_code seen;
        for (int i = 0; i < 100 && !seen; ++i) {
            if (auto r = the_loop().block_on(send_once(a, "again")); !r) {
                seen = r.error();
            } else {
                the_loop().block_on(pause(1ms));
            }
        }
        EXPECT_EQ(seen, std::errc::connection_refused) << where << ": " << seen.message();
    }
}

TEST_P(udp, recv_cancelled_by_with_timeout_yields_timed_out_and_the_socket_still_works) {
    udp_socket a = bound("127.0.0.1:0");
    udp_socket b = bound("127.0.0.1:0");
    std::array<std::byte, 64> buf{};
    const auto start = weft::io::steady_clock::now();
    auto n = the_loop().block_on(weft::with_timeout(30ms, recv_once(b, buf)));
    const auto took = weft::io::steady_clock::now() - start;
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error(), std::errc::timed_out) << n.error().message();
    EXPECT_GE(took, 30ms);
    EXPECT_LT(took, 1s);

    // The cancelled receive let go of the socket: the next one gets the next datagram.
    ASSERT_TRUE(the_loop().block_on(send_to_once(a, "after", *b.local_address())));
    auto got = the_loop().block_on(weft::with_timeout(2s, recv_from_once(b, buf)));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(text_of(std::span(buf).first(got->size)), "after");
}

task<expected<std::size_t, std::error_code>>
send_batch_of(udp_socket& s, std::vector<std::string> messages, addr::socket_address to) {
    std::vector<std::span<const std::byte>> buffers;
    for (const auto& m : messages) {
        buffers.push_back(bytes_of(m));
    }
    co_return co_await s.send_batch(buffers, to);
}

task<expected<std::size_t, std::error_code>> recv_batch_of(udp_socket& s,
                                                           std::span<datagram_slot> slots) {
    co_return co_await s.recv_batch(slots);
}

TEST_P(udp, recv_batch_takes_what_send_batch_sent_in_few_calls) {
    constexpr std::size_t count = 50;
    for (const std::string_view where : loopbacks) {
        udp_socket tx = bound(where);
        udp_socket rx = bound(where);
        std::vector<std::string> messages;
        for (std::size_t i = 0; i < count; ++i) {
            messages.push_back("datagram " + std::to_string(i));
        }
        auto sent = the_loop().block_on(send_batch_of(tx, messages, *rx.local_address()));
        ASSERT_TRUE(sent) << where << ": " << sent.error().message();
        EXPECT_EQ(*sent, count) << where;

        std::vector<std::array<std::byte, 64>> storage(64);
        std::vector<datagram_slot> slots(storage.size());
        std::vector<std::string> received;
        int calls = 0;
        while (received.size() < count && calls < 50) {
            for (std::size_t i = 0; i < slots.size(); ++i) {
                slots[i] = {storage[i], {}};
            }
            auto n = the_loop().block_on(weft::with_timeout(2s, recv_batch_of(rx, slots)));
            ++calls;
            ASSERT_TRUE(n) << where << ": " << n.error().message();
            ASSERT_GT(*n, 0u);
            for (std::size_t i = 0; i < *n; ++i) {
                EXPECT_EQ(slots[i].received.from, *tx.local_address()) << where;
                received.emplace_back(text_of(std::span(storage[i]).first(slots[i].received.size)));
            }
        }
        // Everything was queued before the first call: recvmmsg takes it in one go, or a
        // few if the kernel was still moving packets through the loopback device.
        EXPECT_LE(calls, 3) << where;
        EXPECT_EQ(received, messages) << where; // all of them, in order
    }
}

TEST_P(udp, join_multicast_rejects_what_is_not_a_multicast_group) {
    struct row {
        std::string_view bind_at;
        std::string_view group;
        std::errc expected;
    };
    const row rows[] = {
        {"127.0.0.1:0", "127.0.0.1", std::errc::invalid_argument}, // loopback unicast
        {"127.0.0.1:0", "192.0.2.1", std::errc::invalid_argument}, // documentation unicast
        {"127.0.0.1:0", "255.255.255.255",
         std::errc::invalid_argument},                           // broadcast is not multicast
        {"[::1]:0", "::1", std::errc::invalid_argument},         // loopback unicast
        {"[::1]:0", "2001:db8::1", std::errc::invalid_argument}, // documentation unicast
        {"[::1]:0", "fe80::1", std::errc::invalid_argument},     // link-local unicast
        {"127.0.0.1:0", "ff02::1", std::errc::address_family_not_supported}, // v6 group, v4 socket
        {"[::1]:0", "239.255.0.1", std::errc::address_family_not_supported}, // v4 group, v6 socket
    };
    for (const row& r : rows) {
        udp_socket s = bound(r.bind_at);
        auto joined = s.join_multicast(*addr::ip_address::parse(r.group));
        ASSERT_FALSE(joined) << r.group;
        EXPECT_EQ(joined.error(), r.expected) << r.group << ": " << joined.error().message();
        auto left = s.leave_multicast(*addr::ip_address::parse(r.group));
        ASSERT_FALSE(left) << r.group;
        EXPECT_EQ(left.error(), r.expected) << r.group;
    }
}

TEST_P(udp, multicast_v4_loops_back_on_lo) {
    const unsigned lo = ::if_nametoindex("lo");
    if (lo == 0) {
        GTEST_SKIP() << "no interface named lo";
    }
    udp_socket rx = bound("0.0.0.0:0");
    const auto group = *addr::ip_address::parse("239.255.0.1");
    if (auto j = rx.join_multicast(group, lo); !j) {
        GTEST_SKIP() << "cannot join 239.255.0.1 on lo: " << j.error().message();
    }
    const std::uint16_t port = rx.local_address()->port();

    udp_socket tx = bound("127.0.0.1:0");
    ASSERT_TRUE(tx.set_multicast_loopback(true));
    // Send through lo only, and never past this host (TTL 0 is still looped back).
    in_addr via{};
    via.s_addr = htonl(INADDR_LOOPBACK);
    if (::setsockopt(tx.native_handle(), IPPROTO_IP, IP_MULTICAST_IF, &via, sizeof via) < 0) {
        GTEST_SKIP() << "IP_MULTICAST_IF 127.0.0.1: " << std::strerror(errno);
    }
    const int ttl = 0;
    ASSERT_EQ(::setsockopt(tx.native_handle(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl), 0);

    auto sent = the_loop().block_on(send_to_once(tx, "to the group", {group, port}));
    if (!sent) {
        GTEST_SKIP() << "sending to 239.255.0.1 via lo: " << sent.error().message();
    }
    std::array<std::byte, 64> buf{};
    auto got = the_loop().block_on(weft::with_timeout(1s, recv_from_once(rx, buf)));
    if (!got && got.error() == std::errc::timed_out) {
        GTEST_SKIP() << "multicast is not looped back on lo here";
    }
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(text_of(std::span(buf).first(got->size)), "to the group");
    EXPECT_EQ(got->from, *tx.local_address());
    EXPECT_TRUE(rx.leave_multicast(group, lo));
}

TEST_P(udp, multicast_v6_loops_back_on_lo) {
    const unsigned lo = ::if_nametoindex("lo");
    if (lo == 0) {
        GTEST_SKIP() << "no interface named lo";
    }
    udp_socket rx = bound("[::]:0", {.v6_only = true});
    // ff12::/16: transient, link-local scope (RFC 4291 §2.7), so it cannot leave lo anyway.
    const auto group = *addr::ip_address::parse("ff12::1234");
    if (auto j = rx.join_multicast(group, lo); !j) {
        GTEST_SKIP() << "cannot join ff12::1234 on lo: " << j.error().message();
    }
    const std::uint16_t port = rx.local_address()->port();

    udp_socket tx = bound("[::1]:0");
    ASSERT_TRUE(tx.set_multicast_loopback(true));
    const int via = static_cast<int>(lo);
    if (::setsockopt(tx.native_handle(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &via, sizeof via) < 0) {
        GTEST_SKIP() << "IPV6_MULTICAST_IF lo: " << std::strerror(errno);
    }
    const int hops = 0;
    ASSERT_EQ(
        ::setsockopt(tx.native_handle(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops), 0);

    auto sent = the_loop().block_on(send_to_once(tx, "to the v6 group", {group, port}));
    if (!sent) {
        GTEST_SKIP() << "sending to ff12::1234 via lo: " << sent.error().message();
    }
    std::array<std::byte, 64> buf{};
    auto got = the_loop().block_on(weft::with_timeout(1s, recv_from_once(rx, buf)));
    if (!got && got.error() == std::errc::timed_out) {
        GTEST_SKIP() << "IPv6 multicast is not looped back on lo here";
    }
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(text_of(std::span(buf).first(got->size)), "to the v6 group");
    EXPECT_EQ(got->from.port(), tx.local_address()->port());
    EXPECT_TRUE(rx.leave_multicast(group, lo));
}

} // namespace
