// run_workers on both backends (WEFT_IO picks the workers' backend): thread-per-core
// listeners sharing one port with reuse_port, and a stop from another thread that cancels
// their accepts so run_workers returns promptly.

#include "test_util.hpp"

#include <weft/io/tcp.hpp>
#include <weft/io/workers.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::loop;
using weft::io::steady_clock;
using weft::io::tcp_listener;
using weft::io::tcp_stream;
using weft::io::testing::address;
namespace addr = weft::addr;

namespace {

// Makes the loops run_workers creates use the backend under test, for the test's duration
// (set before any worker thread starts; each test runs in a process of its own under ctest).
class backend_env {
  public:
    explicit backend_env(weft::io::backend_kind k) {
        if (const char* old = std::getenv("WEFT_IO")) {
            saved_ = old;
        }
        ::setenv("WEFT_IO", std::string(weft::io::to_string(k)).c_str(), 1);
    }
    ~backend_env() {
        if (saved_) {
            ::setenv("WEFT_IO", saved_->c_str(), 1);
        } else {
            ::unsetenv("WEFT_IO");
        }
    }
    backend_env(const backend_env&) = delete;
    backend_env& operator=(const backend_env&) = delete;

  private:
    std::optional<std::string> saved_;
};

// SO_REUSEPORT: every worker (and the probe) binds the same port.
weft::io::listen_options sharing() {
    weft::io::listen_options o;
    o.reuse_port = true;
    return o;
}

class workers : public weft::io::testing::on_each_backend {};
WEFT_ON_EACH_BACKEND(workers);

constexpr std::size_t worker_count = 2;

// What the workers report to the test thread.
struct shared_state {
    std::uint16_t port = 0;
    std::atomic<std::size_t> next_index{0};
    std::atomic<std::size_t> bound{0};
    std::atomic<std::size_t> failed{0};
    std::array<std::atomic<std::size_t>, worker_count> accepted{};
    std::array<std::atomic<bool>, worker_count> cancelled{};
    std::array<std::atomic<bool>, worker_count> same_backend{};
};

// Answers each connection with the worker's number, then closes it.
task<void> answer(tcp_stream conn, char who) {
    const char reply[1] = {who};
    (void)co_await conn.write_all(std::as_bytes(std::span(reply)));
}

// One worker: its own listener on the shared port, accepting until the loop is stopped.
task<void> serve(loop& l, shared_state* s, std::size_t index, weft::io::backend_kind expected) {
    s->same_backend[index] = l.kind() == expected;
    auto listener = tcp_listener::bind(
        l, addr::socket_address(address("127.0.0.1:0").address(), s->port), sharing());
    if (!listener) {
        std::fprintf(stderr, "worker %zu: bind: %s\n", index, listener.error().message().c_str());
        ++s->failed;
        co_return;
    }
    ++s->bound;
    while (true) {
        auto conn = co_await listener->accept();
        if (!conn) {
            if (conn.error() == std::errc::operation_canceled) {
                s->cancelled[index] = true;
                co_return;
            }
            ++s->failed;
            continue;
        }
        ++s->accepted[index];
        l.spawn(answer(std::move(*conn), static_cast<char>('0' + index)));
    }
}

// The client side, on the test thread's own loop: connect, read the worker's number.
task<expected<char, std::error_code>> ask(addr::socket_address at) {
    auto conn = co_await tcp_stream::connect(at, 2s);
    if (!conn) {
        co_return weft::unexpected(conn.error());
    }
    char who = 0;
    auto n = co_await conn->read(std::as_writable_bytes(std::span(&who, 1)));
    if (!n) {
        co_return weft::unexpected(n.error());
    }
    if (*n != 1) {
        co_return weft::unexpected(std::make_error_code(std::errc::connection_reset));
    }
    co_return who;
}

TEST_P(workers, reuse_port_listeners_share_connections_and_stop_on_request) {
    // Pick a free port with a throwaway listener, then let every worker bind it.
    shared_state s;
    {
        auto probe = tcp_listener::bind(the_loop(), address("127.0.0.1:0"), sharing());
        ASSERT_TRUE(probe) << probe.error().message();
        s.port = probe->local_address()->port();
    }

    std::stop_source stop;
    std::promise<int> result;
    auto finished = result.get_future();
    std::thread runner;
    {
        const backend_env env(GetParam());
        const weft::io::backend_kind kind = GetParam();
        runner = std::thread([&s, &stop, &result, kind] {
            // Not a coroutine: it only builds each worker's task.
            result.set_value(weft::io::run_workers(
                worker_count, [&s, kind](loop& l) { return serve(l, &s, s.next_index++, kind); },
                stop.get_token()));
        });
        // The workers read WEFT_IO as they create their loops: wait for both before restoring.
        const auto until = steady_clock::now() + 5s;
        while (s.bound + s.failed < worker_count && steady_clock::now() < until) {
            std::this_thread::sleep_for(1ms);
        }
    }
    EXPECT_EQ(s.bound.load(), worker_count);
    EXPECT_EQ(s.failed.load(), 0u);

    constexpr std::size_t connections = 40;
    const addr::socket_address at(address("127.0.0.1:0").address(), s.port);
    std::array<std::size_t, worker_count> answered{};
    for (std::size_t i = 0; i < connections; ++i) {
        auto who = the_loop().block_on(ask(at));
        ASSERT_TRUE(who) << "connection " << i << ": " << who.error().message();
        ASSERT_GE(*who, '0');
        ASSERT_LT(*who, static_cast<char>('0' + worker_count));
        ++answered[static_cast<std::size_t>(*who - '0')];
    }
    for (std::size_t w = 0; w < worker_count; ++w) {
        EXPECT_TRUE(s.same_backend[w]) << "worker " << w << " is not on " << to_string(GetParam());
        EXPECT_EQ(s.accepted[w].load(), answered[w]) << "worker " << w;
        // The kernel hashes each connection's 4-tuple to one listener: with 40 connections
        // both get some (all on one would have probability 2^-39).
        EXPECT_GT(answered[w], 0u) << "worker " << w << " got no connection";
    }

    const auto asked = steady_clock::now();
    stop.request_stop();
    if (finished.wait_for(5s) != std::future_status::ready) {
        ADD_FAILURE() << "run_workers did not return within 5 s of request_stop";
        std::fflush(stdout);
        std::abort(); // the workers still use this frame: nothing safe to unwind to
    }
    const auto took = steady_clock::now() - asked;
    runner.join();
    EXPECT_EQ(finished.get(), 0);
    EXPECT_LT(took, 1s) << weft::io::testing::ms(took) << " ms";
    for (std::size_t w = 0; w < worker_count; ++w) {
        EXPECT_TRUE(s.cancelled[w]) << "worker " << w << " did not see operation_canceled";
    }
}

task<void> finish_at_once(loop&) {
    co_return;
}

task<void> throw_at_once(loop&) {
    throw std::runtime_error("worker failed on purpose");
    co_return;
}

TEST_P(workers, returns_0_when_every_task_ends) {
    const backend_env env(GetParam());
    EXPECT_EQ(weft::io::run_workers(worker_count, finish_at_once), 0);
}

TEST_P(workers, returns_1_when_a_task_throws) {
    const backend_env env(GetParam());
    EXPECT_EQ(weft::io::run_workers(worker_count, throw_at_once), 1);
}

TEST_P(workers, a_stop_requested_before_the_start_still_ends_the_workers) {
    const backend_env env(GetParam());
    shared_state s;
    {
        auto probe = tcp_listener::bind(the_loop(), address("127.0.0.1:0"), sharing());
        ASSERT_TRUE(probe) << probe.error().message();
        s.port = probe->local_address()->port();
    }
    std::stop_source stop;
    stop.request_stop();
    std::promise<int> result;
    auto finished = result.get_future();
    const weft::io::backend_kind kind = GetParam();
    std::thread runner([&s, &stop, &result, kind] {
        result.set_value(weft::io::run_workers(
            worker_count, [&s, kind](loop& l) { return serve(l, &s, s.next_index++, kind); },
            stop.get_token()));
    });
    if (finished.wait_for(5s) != std::future_status::ready) {
        ADD_FAILURE() << "run_workers ignored a stop requested before it started";
        std::fflush(stdout);
        std::abort();
    }
    runner.join();
    EXPECT_EQ(finished.get(), 0);
}

} // namespace
