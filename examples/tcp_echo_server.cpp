// A TCP echo server: every connection gets back what it sends. Ctrl-C or SIGTERM stops it
// cleanly: open connections are cancelled, and it reports how many it served.
//
//   $ example_tcp_echo_server 127.0.0.1:7000
//   listening on 127.0.0.1:7000
//   ^C
//   served 3 connections
//
// Port 0 picks a free port; the first line says which.

#include <weft/addr/socket_address.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/task.hpp>
#include <weft/io/tcp.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <span>
#include <stop_token>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

using namespace std::chrono_literals;
using weft::task;
using weft::io::loop;
using weft::io::signal_set;
using weft::io::tcp_listener;
using weft::io::tcp_stream;

// One connection. The coroutine frame owns the socket and the buffer (parameters by value,
// CP.53): when it returns, ~tcp_stream closes the connection.
task<void> echo(tcp_stream conn) {
    std::array<std::byte, 4096> buf;
    while (true) {
        auto n = co_await conn.read_some(buf); // expected<size_t, error_code>: never throws
        if (!n || *n == 0) {
            co_return; // an error, the peer closed, or the server is stopping (operation_canceled)
        }
        if (!co_await conn.write_all(std::span(buf).first(*n))) {
            co_return;
        }
    }
}

// Accepts until the loop is asked to stop; each connection runs as a task of its own, so a
// slow client never holds up the others.
task<void> accept_loop(loop& l, tcp_listener listener, std::size_t* served) {
    while (true) {
        auto conn = co_await listener.accept();
        if (!conn) {
            if (conn.error() == std::errc::operation_canceled) {
                co_return;
            }
            // EMFILE and friends: the listener stays usable; give descriptors time to free up.
            fmt::print(stderr, "echo: accept: {}\n", conn.error().message());
            (void)co_await weft::io::sleep_for(100ms);
            continue;
        }
        ++*served;
        l.spawn(echo(std::move(*conn)));
    }
}

// Serves until SIGINT or SIGTERM, then cancels every connection and waits for them to end.
task<void> serve(loop& l, tcp_listener listener, signal_set signals) {
    std::size_t served = 0;
    l.spawn(accept_loop(l, std::move(listener), &served));

    // A signal is just another event to await: no async-signal-safe handler needed.
    auto signo = co_await signals.wait();
    if (signo) {
        fmt::print(stderr, "echo: got signal {}, stopping\n", *signo);
    }
    l.request_stop(); // every spawned task's pending I/O ends with operation_canceled
    // A frame must not be freed while the kernel may still touch its buffer, so wait for
    // the cancelled tasks to finish. (This task itself runs with no stop token; see main.)
    while (l.spawned() > 0) {
        (void)co_await weft::io::sleep_for(1ms);
    }
    fmt::print("served {} connections\n", served);
}

int main(int argc, char** argv) {
    const std::string_view text = argc > 1 ? argv[1] : "127.0.0.1:7000";
    const auto at = weft::addr::socket_address::parse(text);
    if (!at) {
        fmt::print(stderr, "usage: example_tcp_echo_server [ADDRESS:PORT]\n{}\n",
                   at.error().message(text));
        return 2;
    }
    auto l = weft::io::loop::create(); // io_uring, or epoll where it is not available
    if (!l) {
        fmt::print(stderr, "echo: event loop: {}\n", l.error().message());
        return 1;
    }
    // Block SIGINT and SIGTERM before anything else, so they queue for us instead of
    // killing the process.
    auto signals = signal_set::create(**l, {SIGINT, SIGTERM});
    if (!signals) {
        fmt::print(stderr, "echo: signals: {}\n", signals.error().message());
        return 1;
    }
    auto listener = tcp_listener::bind(**l, *at);
    if (!listener) {
        fmt::print(stderr, "echo: {}: {}\n", *at, listener.error().message());
        return 1;
    }
    fmt::print("listening on {}\n", *listener->local_address());
    std::fflush(stdout); // whoever started us may be waiting for that line on a pipe

    // An empty stop token: serve() must outlive the request_stop() it makes itself.
    (*l)->block_on(serve(**l, std::move(*listener), std::move(*signals)), std::stop_token{});
    return 0;
}
