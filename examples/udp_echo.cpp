// UDP echo, both sides in one program.
//
//   $ example_udp_echo server 127.0.0.1:7001      # answers every datagram with itself
//   listening on 127.0.0.1:7001
//
//   $ example_udp_echo client 127.0.0.1:7001 hello world
//   hello
//   world
//
// The server answers with send_to the address recv_from reported. The client connects its
// socket instead: then send()/recv() talk to that one peer, datagrams from anyone else are
// dropped by the kernel, and "nobody listens there" (an ICMP port unreachable) comes back
// as connection_refused. SIGINT/SIGTERM stop the server, which reports how many it echoed.

#include <weft/addr/ip_address.hpp>
#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/task.hpp>
#include <weft/io/udp.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::loop;
using weft::io::signal_set;
using weft::io::udp_socket;

// --- server ------------------------------------------------------------------------------

task<void> echo_datagrams(udp_socket socket, std::size_t* echoed) {
    std::array<std::byte, 65536> buf; // the largest datagram fits: nothing is truncated
    while (true) {
        auto got = co_await socket.recv_from(buf); // a datagram and who sent it
        if (!got) {
            if (got.error() == std::errc::operation_canceled) {
                co_return; // the server is stopping
            }
            fmt::print(stderr, "udp echo: receive: {}\n", got.error().message());
            continue;
        }
        auto sent = co_await socket.send_to(std::span(buf).first(got->size), got->from);
        if (!sent) {
            fmt::print(stderr, "udp echo: reply to {}: {}\n", got->from, sent.error().message());
            continue;
        }
        ++*echoed;
    }
}

task<void> serve(loop& l, udp_socket socket, signal_set signals) {
    std::size_t echoed = 0;
    l.spawn(echo_datagrams(std::move(socket), &echoed));
    (void)co_await signals.wait();
    l.request_stop(); // cancels the pending recv_from
    while (l.spawned() > 0) {
        (void)co_await weft::io::sleep_for(1ms); // let the cancelled task finish first
    }
    fmt::print("served {} datagrams\n", echoed);
}

int run_server(weft::addr::socket_address at) {
    auto l = loop::create();
    if (!l) {
        fmt::print(stderr, "udp echo: event loop: {}\n", l.error().message());
        return 1;
    }
    auto signals = signal_set::create(**l, {SIGINT, SIGTERM}); // before anything else
    if (!signals) {
        fmt::print(stderr, "udp echo: signals: {}\n", signals.error().message());
        return 1;
    }
    auto socket = udp_socket::bind(**l, at);
    if (!socket) {
        fmt::print(stderr, "udp echo: {}: {}\n", at, socket.error().message());
        return 1;
    }
    fmt::print("listening on {}\n", *socket->local_address());
    std::fflush(stdout);
    (*l)->block_on(serve(**l, std::move(*socket), std::move(*signals)), std::stop_token{});
    return 0;
}

// --- client ------------------------------------------------------------------------------

// One receive as a task, so with_timeout can bound it. The socket and buffer are the
// caller's, who awaits this before touching them again (the CP.53 exception).
task<expected<std::size_t, std::error_code>> receive(udp_socket& socket, std::span<std::byte> buf) {
    co_return co_await socket.recv(buf);
}

task<int> ask(weft::addr::socket_address server, std::vector<std::string> messages) {
    // Any local port, on the server's address family.
    const auto local = weft::addr::socket_address::parse(
        server.address().is_v4() ? std::string_view("0.0.0.0:0") : std::string_view("[::]:0"));
    auto socket = udp_socket::bind(*local);
    if (!socket) {
        fmt::print(stderr, "udp echo: {}: {}\n", *local, socket.error().message());
        co_return 1;
    }
    if (auto r = socket->connect(server); !r) {
        fmt::print(stderr, "udp echo: {}: {}\n", server, r.error().message());
        co_return 1;
    }
    std::array<std::byte, 65536> buf;
    for (const std::string& message : messages) {
        auto sent = co_await socket->send(std::as_bytes(std::span(message)));
        if (!sent) {
            fmt::print(stderr, "udp echo: send: {}\n", sent.error().message());
            co_return 1;
        }
        // UDP may lose a datagram: never wait for a reply forever.
        auto n = co_await weft::with_timeout(2s, receive(*socket, buf));
        if (!n) {
            // connection_refused: an ICMP port unreachable, so no server at that address.
            fmt::print(stderr, "udp echo: {}: {}\n", server, n.error().message());
            co_return 1;
        }
        fmt::print("{}\n", std::string_view(reinterpret_cast<const char*>(buf.data()), *n));
    }
    co_return 0;
}

int run_client(weft::addr::socket_address server, std::vector<std::string> messages) {
    auto l = loop::create();
    if (!l) {
        fmt::print(stderr, "udp echo: event loop: {}\n", l.error().message());
        return 1;
    }
    return (*l)->block_on(ask(server, std::move(messages)));
}

int main(int argc, char** argv) {
    const std::string_view mode = argc > 1 ? argv[1] : "";
    const std::string_view text = argc > 2 ? argv[2] : "127.0.0.1:7001";
    const auto at = weft::addr::socket_address::parse(text);
    if ((mode != "server" && mode != "client") || !at) {
        fmt::print(stderr, "usage: example_udp_echo server [ADDRESS:PORT]\n"
                           "       example_udp_echo client ADDRESS:PORT MESSAGE...\n");
        if (!at) {
            fmt::print(stderr, "{}\n", at.error().message(text));
        }
        return 2;
    }
    if (mode == "server") {
        return run_server(*at);
    }
    return run_client(*at, std::vector<std::string>(argv + std::min(argc, 3), argv + argc));
}
