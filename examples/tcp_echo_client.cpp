// A TCP client for the echo server: sends each argument as a line and prints each reply.
//
//   $ example_tcp_echo_client 127.0.0.1:7000 hello "two words"
//   hello
//   two words
//
// Every step has a deadline, so a silent server makes it fail instead of hang.

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/task.hpp>
#include <weft/io/tcp.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::tcp_stream;

// Reads up to and including the next '\n'. Bytes after it stay in `pending` for the next
// line. The stream and the string belong to the caller, who awaits this call before using
// them again (the one exception to passing coroutine parameters by value, CP.53).
task<expected<std::string, std::error_code>> read_line(tcp_stream& conn, std::string& pending) {
    std::array<std::byte, 1024> buf;
    while (pending.find('\n') == std::string::npos) {
        auto n = co_await conn.read_some(buf);
        if (!n) {
            co_return weft::unexpected(n.error());
        }
        if (*n == 0) {
            co_return weft::unexpected(std::make_error_code(std::errc::connection_reset));
        }
        pending.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    const std::size_t end = pending.find('\n') + 1;
    std::string line = pending.substr(0, end);
    pending.erase(0, end);
    co_return line;
}

task<int> talk(weft::addr::socket_address to, std::vector<std::string> lines) {
    auto conn = co_await tcp_stream::connect(to, 5s);
    if (!conn) {
        fmt::print(stderr, "echo client: connect to {}: {}\n", to, conn.error().message());
        co_return 1;
    }
    std::string pending;
    for (std::string& line : lines) {
        line += '\n';
        auto sent = co_await conn->write_all(std::as_bytes(std::span(line)));
        if (!sent) {
            fmt::print(stderr, "echo client: send: {}\n", sent.error().message());
            co_return 1;
        }
        // with_timeout cancels the read if no reply comes: errc::timed_out.
        auto reply = co_await weft::with_timeout(5s, read_line(*conn, pending));
        if (!reply) {
            fmt::print(stderr, "echo client: reply: {}\n", reply.error().message());
            co_return 1;
        }
        fmt::print("{}", *reply);
    }
    co_return 0; // ~tcp_stream closes the connection
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: example_tcp_echo_client ADDRESS:PORT [LINE...]\n");
        return 2;
    }
    const std::string_view text = argv[1];
    const auto to = weft::addr::socket_address::parse(text);
    if (!to) {
        fmt::print(stderr, "echo client: {}\n", to.error().message(text));
        return 2;
    }
    auto l = weft::io::loop::create();
    if (!l) {
        fmt::print(stderr, "echo client: event loop: {}\n", l.error().message());
        return 1;
    }
    return (*l)->block_on(talk(*to, std::vector<std::string>(argv + 2, argv + argc)));
}
