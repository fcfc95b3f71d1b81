// Connection churn on both backends: 100,000 connect/accept/close cycles, 64 at a time,
// every one counted. Under ASan/LSan this is the leak check for the connection path
// (frames, operations, descriptors, backend state per descriptor).

#include "backends.hpp"
#include "test_util.hpp"

#include <weft/io/combinators.hpp>
#include <weft/io/tcp.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <stop_token>
#include <system_error>
#include <vector>

#include <dirent.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::steady_clock;
using weft::io::tcp_listener;
using weft::io::tcp_stream;
using weft::io::testing::address;
using weft::io::testing::ms;
namespace addr = weft::addr;
namespace testing_ = weft::io::testing;

namespace {

class churn_test : public testing_::loopback_test {};
WEFT_ON_EACH_BACKEND(churn_test);

constexpr std::size_t cycles = 100'000;
constexpr std::size_t concurrency = 64;

struct churn_state {
    std::size_t target = 0;
    std::size_t started = 0;
    std::size_t connected = 0;
    std::size_t accepted = 0;
    std::size_t closed_by_server = 0; // the client read EOF: a whole cycle
    std::size_t failures = 0;
    std::error_code first_error;
    void fail(std::error_code ec) {
        ++failures;
        if (!first_error) {
            first_error = ec;
        }
    }
};

// Accepts and closes at once; the server side is the one that closes first.
task<void> accept_and_close(tcp_listener l, churn_state* st) {
    while (true) {
        auto c = co_await l.accept();
        if (!c) {
            if (c.error() == std::errc::operation_canceled) {
                co_return;
            }
            st->fail(c.error());
            continue;
        }
        ++st->accepted;
    } // the accepted stream closes at the end of each turn of the loop
}

task<void> churn_client(addr::socket_address at, churn_state* st) {
    while (st->started < st->target && st->failures < 100) {
        ++st->started;
        auto s = co_await tcp_stream::connect(at, 5s);
        if (!s) {
            st->fail(s.error());
            continue;
        }
        ++st->connected;
        std::array<std::byte, 16> buf;
        auto n = co_await s->read_some(buf);
        if (!n) {
            st->fail(n.error());
        } else if (*n == 0) {
            ++st->closed_by_server;
        }
    }
}

task<expected<std::size_t, std::error_code>> churn(addr::socket_address at, churn_state* st) {
    std::vector<task<void>> clients;
    for (std::size_t i = 0; i < concurrency; ++i) {
        clients.push_back(churn_client(at, st));
    }
    co_await weft::when_all(std::move(clients));
    co_return st->closed_by_server;
}

std::size_t open_descriptors() {
    std::size_t n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d) != nullptr) {
            ++n;
        }
        ::closedir(d);
    }
    return n;
}

TEST_P(churn_test, one_hundred_thousand_connect_accept_close_cycles) {
    const std::size_t descriptors_before = open_descriptors();
    const auto started = steady_clock::now();
    std::size_t done = 0;
    // Half over IPv4, half over IPv6.
    for (const auto where : testing_::loopbacks) {
        SCOPED_TRACE(where);
        const auto family_started = steady_clock::now();
        auto l = tcp_listener::bind(the_loop(), address(where));
        ASSERT_TRUE(l) << l.error().message();
        const auto at = *l->local_address();
        churn_state st;
        st.target = cycles / 2;
        std::stop_source stop_accepting;
        the_loop().spawn(accept_and_close(std::move(*l), &st), stop_accepting.get_token());
        auto r = the_loop().block_on(weft::with_timeout(60s, churn(at, &st)));
        stop_accepting.request_stop();
        EXPECT_TRUE(the_loop().block_on(testing_::drain_spawned(the_loop())));
        ASSERT_TRUE(r) << r.error().message() << " after " << st.closed_by_server << " cycles";
        EXPECT_EQ(st.failures, 0u) << "first: " << st.first_error.message();
        EXPECT_EQ(st.connected, st.target);
        EXPECT_EQ(st.accepted, st.target);
        EXPECT_EQ(st.closed_by_server, st.target);
        done += st.closed_by_server;
        RecordProperty(where[0] == '[' ? "ipv6_ms" : "ipv4_ms",
                       static_cast<int>(ms(steady_clock::now() - family_started)));
    }
    const auto took = steady_clock::now() - started;
    EXPECT_EQ(done, cycles);
    EXPECT_LT(took, 60s) << ms(took) << " ms";
    EXPECT_EQ(open_descriptors(), descriptors_before) << "descriptors leaked";
}

} // namespace
