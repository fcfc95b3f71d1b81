// tcp_listener and tcp_stream on real loopback sockets, IPv4 and IPv6, on both backends:
// thousands of simultaneous connections, half-close, reset peers, connect timeouts and
// refusals, cancelled reads, and a listener that survives EMFILE.

#include "backends.hpp"
#include "test_util.hpp"

#include <weft/io/combinators.hpp>
#include <weft/io/tcp.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::unexpected;
using weft::io::loop;
using weft::io::steady_clock;
using weft::io::tcp_listener;
using weft::io::tcp_stream;
using weft::io::testing::address;
using weft::io::testing::bytes_of;
using weft::io::testing::loopbacks;
using weft::io::testing::ms;
using weft::io::testing::writable_bytes_of;
namespace addr = weft::addr;
namespace testing_ = weft::io::testing;

namespace {

class tcp_test : public testing_::loopback_test {};
WEFT_ON_EACH_BACKEND(tcp_test);

// --- 1. thousands of connections open at once -------------------------------------------

constexpr std::size_t mass_connections = 5000;

struct mass_state {
    explicit mass_state(loop& l) : go(l) {}
    testing_::gate go;
    std::size_t target = mass_connections;
    std::size_t connect_attempts_done = 0; // connected or failed
    std::size_t connected = 0;
    std::size_t accepted = 0;
    std::size_t open_server_side = 0;
    std::size_t max_open_server_side = 0;
    std::size_t accept_errors = 0;
    std::size_t echoes_verified = 0;
    std::size_t client_failures = 0;
    std::error_code first_error;

    void note(std::error_code ec) {
        if (!first_error) {
            first_error = ec;
        }
    }
    // Every client is connected (and every connection accepted): let them all talk.
    void maybe_open() {
        if (connect_attempts_done == target && accepted >= connected && !go.is_open()) {
            go.open();
        }
    }
};

task<void> mass_echo(tcp_stream s, mass_state* st) {
    st->max_open_server_side = std::max(st->max_open_server_side, ++st->open_server_side);
    std::array<std::byte, 256> buf;
    while (true) {
        auto n = co_await s.read_some(buf);
        if (!n || *n == 0) {
            break;
        }
        if (auto w = co_await s.write_all(std::span(buf).first(*n)); !w) {
            break;
        }
    }
    --st->open_server_side;
}

// Owns the listener: it closes when the loop is stopped.
task<void> mass_accept_loop(tcp_listener l, mass_state* st) {
    while (true) {
        auto c = co_await l.accept();
        if (!c) {
            if (c.error() == std::errc::operation_canceled) {
                co_return;
            }
            ++st->accept_errors;
            st->note(c.error());
            co_await weft::io::sleep_for(1ms);
            continue;
        }
        ++st->accepted;
        loop::current()->spawn(mass_echo(std::move(*c), st));
        st->maybe_open();
    }
}

task<bool> mass_client(addr::socket_address at, std::size_t i, mass_state* st) {
    auto s = co_await tcp_stream::connect(at);
    ++st->connect_attempts_done;
    if (!s) {
        ++st->client_failures;
        st->note(s.error());
        st->maybe_open();
        co_return false;
    }
    ++st->connected;
    st->maybe_open();
    if (auto g = co_await st->go.wait(); !g) {
        co_return false;
    }
    const std::string message = "hello from client " + std::to_string(i);
    if (auto w = co_await s->write_all(bytes_of(message)); !w) {
        st->note(w.error());
        co_return false;
    }
    std::string back(message.size(), '\0');
    auto n = co_await s->read(writable_bytes_of(back));
    if (!n) {
        st->note(n.error());
        co_return false;
    }
    if (back != message) {
        co_return false;
    }
    ++st->echoes_verified;
    co_return true;
}

task<expected<std::size_t, std::error_code>> mass_clients(addr::socket_address at, mass_state* st) {
    std::vector<task<bool>> clients;
    clients.reserve(st->target);
    for (std::size_t i = 0; i < st->target; ++i) {
        clients.push_back(mass_client(at, i, st));
    }
    const auto ok = co_await weft::when_all(std::move(clients));
    co_return static_cast<std::size_t>(std::count(ok.begin(), ok.end(), true));
}

TEST_P(tcp_test, five_thousand_connections_are_open_at_once_and_all_echo) {
    testing_::nofile_limit limit;
    ASSERT_TRUE(limit.ok());
    // Both ends of every connection live in this process, plus the listener and the loop.
    constexpr rlim_t needed = 2 * mass_connections + 200;
    if (limit.hard() != RLIM_INFINITY && limit.hard() < needed) {
        GTEST_SKIP() << "RLIMIT_NOFILE hard limit is " << limit.hard() << ", the test needs "
                     << needed << " descriptors (raise it with ulimit -Hn)";
    }
    ASSERT_TRUE(limit.set_soft(limit.hard()));

    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        const auto started = steady_clock::now();
        weft::io::listen_options options;
        options.backlog = 4096; // accepting keeps up; this only spares SYN retransmits
        auto l = tcp_listener::bind(the_loop(), address(where), options);
        ASSERT_TRUE(l) << l.error().message();
        const auto at = *l->local_address();

        mass_state st(the_loop());
        std::stop_source stop_accepting;
        the_loop().spawn(mass_accept_loop(std::move(*l), &st), stop_accepting.get_token());
        auto verified = the_loop().block_on(weft::with_timeout(20s, mass_clients(at, &st)));
        stop_accepting.request_stop();
        EXPECT_TRUE(the_loop().block_on(testing_::drain_spawned(the_loop())));
        const auto took = steady_clock::now() - started;

        ASSERT_TRUE(verified) << verified.error().message();
        EXPECT_EQ(*verified, mass_connections)
            << "first error: " << st.first_error.message() << ", connect failures "
            << st.client_failures << ", accept errors " << st.accept_errors;
        EXPECT_EQ(st.connected, mass_connections);
        EXPECT_EQ(st.accepted, mass_connections);
        EXPECT_EQ(st.max_open_server_side, mass_connections) << "not all open at the same time";
        EXPECT_EQ(st.echoes_verified, mass_connections);
        EXPECT_LT(took, 20s);
        RecordProperty(where[0] == '[' ? "ipv6_ms" : "ipv4_ms", static_cast<int>(ms(took)));
    }
}

// --- 2. half-close ------------------------------------------------------------------------

struct half_close_seen {
    std::string received;
    bool saw_eof = false;
    bool reply_written = false;
};

task<void> half_close_server(tcp_stream s, half_close_seen* seen) {
    std::array<std::byte, 64> buf;
    while (true) {
        auto n = co_await s.read_some(buf);
        if (!n) {
            co_return;
        }
        if (*n == 0) {
            seen->saw_eof = true;
            break;
        }
        seen->received.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    // The client's side is shut for writing; ours is still open.
    const std::string reply = "got " + seen->received;
    seen->reply_written = static_cast<bool>(co_await s.write_all(bytes_of(reply)));
}

task<expected<std::string, std::error_code>> half_close_client(tcp_stream s) {
    if (auto w = co_await s.write_all(bytes_of("ping")); !w) {
        co_return unexpected(w.error());
    }
    if (auto r = s.shutdown(SHUT_WR); !r) {
        co_return unexpected(r.error());
    }
    std::string reply(64, '\0');
    auto n = co_await s.read(writable_bytes_of(reply)); // until EOF
    if (!n) {
        co_return unexpected(n.error());
    }
    reply.resize(*n);
    std::array<std::byte, 8> more;
    auto eof = co_await s.read_some(more);
    if (!eof) {
        co_return unexpected(eof.error());
    }
    if (*eof != 0) {
        co_return unexpected(std::make_error_code(std::errc::protocol_error));
    }
    co_return reply;
}

TEST_P(tcp_test, half_close_lets_the_server_reply_after_reading_eof) {
    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        auto pair = the_loop().block_on(testing_::connected_pair(where));
        ASSERT_TRUE(pair) << pair.error().message();
        half_close_seen seen;
        the_loop().spawn(half_close_server(std::move(pair->server), &seen));
        auto reply =
            the_loop().block_on(weft::with_timeout(5s, half_close_client(std::move(pair->client))));
        ASSERT_TRUE(reply) << reply.error().message();
        EXPECT_TRUE(the_loop().block_on(testing_::drain_spawned(the_loop())));
        EXPECT_TRUE(seen.saw_eof);
        EXPECT_EQ(seen.received, "ping");
        EXPECT_TRUE(seen.reply_written);
        EXPECT_EQ(*reply, "got ping");
    }
}

// --- 3. a peer that resets while we write ------------------------------------------------

// Waits for the client's first bytes (it is writing now), then closes with SO_LINGER {1, 0}:
// the kernel sends RST instead of FIN.
task<void> reset_after_first_bytes(tcp_stream s, bool* reset) {
    std::array<std::byte, 4096> buf;
    auto n = co_await s.read_some(buf);
    EXPECT_TRUE(n && *n > 0);
    const linger abort_on_close{1, 0};
    EXPECT_EQ(::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
                           sizeof abort_on_close),
              0);
    s.close();
    *reset = true;
}

struct reset_outcome {
    std::error_code plain;  // write_all(span<const std::byte>)
    std::error_code gather; // write_all(span<const iovec>) after it
    std::size_t written = 0;
};

task<reset_outcome> write_until_reset(tcp_stream s) {
    reset_outcome out;
    // Far more than loopback's socket buffers hold: the write is pending when the RST lands.
    const std::vector<std::byte> chunk(1 << 20, std::byte{'x'});
    constexpr std::size_t give_up_after = std::size_t{512} << 20;
    while (out.written < give_up_after) {
        auto w = co_await s.write_all(chunk);
        if (!w) {
            out.plain = w.error();
            break;
        }
        out.written += *w;
    }
    const std::array<iovec, 2> parts{iovec{const_cast<std::byte*>(chunk.data()), 100},
                                     iovec{const_cast<std::byte*>(chunk.data()), 100}};
    auto g = co_await s.write_all(std::span<const iovec>(parts));
    if (!g) {
        out.gather = g.error();
    }
    co_return out;
}

bool is_reset_error(std::error_code ec) {
    return ec == std::errc::broken_pipe || ec == std::errc::connection_reset;
}

TEST_P(tcp_test, peer_reset_mid_write_is_an_error_not_sigpipe) {
    // The library must not rely on SIGPIPE being ignored: keep the default (terminate).
    struct sigaction current {};
    ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &current), 0);
    ASSERT_EQ(current.sa_handler, SIG_DFL) << "SIGPIPE must keep its default action here";

    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        auto pair = the_loop().block_on(testing_::connected_pair(where));
        ASSERT_TRUE(pair) << pair.error().message();
        bool reset = false;
        the_loop().spawn(reset_after_first_bytes(std::move(pair->server), &reset));
        const auto out = the_loop().block_on(write_until_reset(std::move(pair->client)));
        EXPECT_TRUE(reset);
        EXPECT_TRUE(is_reset_error(out.plain))
            << out.plain.message() << " after " << out.written << " bytes";
        EXPECT_TRUE(is_reset_error(out.gather)) << out.gather.message();
    }
}

// --- 4. connect: timeout and refusal ---------------------------------------------------------

struct timed_connect {
    expected<tcp_stream, std::error_code> result;
    steady_clock::duration took;
};

task<timed_connect> connect_timed(addr::socket_address at, steady_clock::duration timeout) {
    const auto start = steady_clock::now();
    auto r = co_await tcp_stream::connect(at, timeout);
    co_return timed_connect{std::move(r), steady_clock::now() - start};
}

TEST_P(tcp_test, connect_times_out_when_the_listener_drops_syns) {
    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        weft::io::listen_options options;
        options.backlog = 0; // room for one connection nobody accepts
        auto l = tcp_listener::bind(the_loop(), address(where), options);
        ASSERT_TRUE(l) << l.error().message();
        const auto at = *l->local_address();

        // Fill the accept queue until a connect hangs: from then on the kernel drops SYNs.
        std::vector<tcp_stream> held;
        bool hung = false;
        for (int i = 0; i < 32 && !hung; ++i) {
            auto c = the_loop().block_on(connect_timed(at, 200ms));
            if (c.result) {
                held.push_back(std::move(*c.result));
            } else {
                ASSERT_EQ(c.result.error(), std::errc::timed_out) << c.result.error().message();
                hung = true;
            }
        }
        if (!hung) {
            GTEST_SKIP() << "loopback accepted 32 connections on a backlog-0 listener that never "
                            "accepts (SYN cookies or a patched kernel?): no way to make connect "
                            "hang here";
        }
        auto c = the_loop().block_on(connect_timed(at, 100ms));
        ASSERT_FALSE(c.result);
        EXPECT_EQ(c.result.error(), std::errc::timed_out) << c.result.error().message();
        EXPECT_GE(c.took, 100ms);
        EXPECT_LT(c.took, 500ms) << ms(c.took) << " ms";
        RecordProperty(where[0] == '[' ? "ipv6_queue_filled_by" : "ipv4_queue_filled_by",
                       static_cast<int>(held.size()));
    }
}

TEST_P(tcp_test, connect_to_a_closed_port_is_refused_quickly) {
    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        addr::socket_address at;
        {
            // A port that was free a moment ago and has no listener now.
            auto l = tcp_listener::bind(the_loop(), address(where));
            ASSERT_TRUE(l) << l.error().message();
            at = *l->local_address();
        }
        for (const auto timeout :
             {std::optional<steady_clock::duration>{}, std::optional<steady_clock::duration>{2s}}) {
            const auto start = steady_clock::now();
            auto c = the_loop().block_on(tcp_stream::connect(at, timeout));
            const auto took = steady_clock::now() - start;
            ASSERT_FALSE(c);
            EXPECT_EQ(c.error(), std::errc::connection_refused) << c.error().message();
            EXPECT_LT(took, 100ms) << ms(took) << " ms";
        }
    }
}

// --- 6. cancelling a pending read -------------------------------------------------------------

task<void> request_stop_after(steady_clock::duration d, std::stop_source* source) {
    co_await weft::io::sleep_for(d);
    source->request_stop();
}

// The later read must get the data: the cancelled one has really left the kernel and no
// longer owns its buffer (which must be untouched).
void expect_stream_still_works(loop& l, testing_::stream_pair& pair,
                               std::span<const std::byte> cancelled_buffer) {
    auto w = l.block_on(pair.server.write_all(bytes_of("after")));
    ASSERT_TRUE(w) << w.error().message();
    std::string got(16, '\0');
    auto n = l.block_on(
        weft::with_timeout(2s, testing_::read_some_of(pair.client, writable_bytes_of(got))));
    ASSERT_TRUE(n) << n.error().message();
    got.resize(*n);
    EXPECT_EQ(got, "after");
    EXPECT_TRUE(std::all_of(cancelled_buffer.begin(), cancelled_buffer.end(), [](std::byte b) {
        return b == std::byte{0xAA};
    })) << "the cancelled read wrote into its buffer";
}

TEST_P(tcp_test, with_timeout_cancels_a_pending_read_and_the_stream_still_works) {
    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        auto pair = the_loop().block_on(testing_::connected_pair(where));
        ASSERT_TRUE(pair) << pair.error().message();
        std::vector<std::byte> buf(64, std::byte{0xAA});
        const auto start = steady_clock::now();
        auto r = the_loop().block_on(
            weft::with_timeout(50ms, testing_::read_some_of(pair->client, buf)));
        const auto took = steady_clock::now() - start;
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), std::errc::timed_out) << r.error().message();
        EXPECT_GE(took, 50ms);
        EXPECT_LT(took, 300ms) << ms(took) << " ms";
        expect_stream_still_works(the_loop(), *pair, buf);
    }
}

TEST_P(tcp_test, a_stop_token_cancels_a_pending_read_and_the_stream_still_works) {
    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        auto pair = the_loop().block_on(testing_::connected_pair(where));
        ASSERT_TRUE(pair) << pair.error().message();
        std::vector<std::byte> buf(64, std::byte{0xAA});
        std::stop_source source;
        the_loop().spawn(request_stop_after(50ms, &source));
        const auto start = steady_clock::now();
        auto r = the_loop().block_on(testing_::read_some_of(pair->client, buf), source.get_token());
        const auto took = steady_clock::now() - start;
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), std::errc::operation_canceled) << r.error().message();
        EXPECT_GE(took, 50ms);
        EXPECT_LT(took, 300ms) << ms(took) << " ms";
        EXPECT_TRUE(the_loop().block_on(testing_::drain_spawned(the_loop())));
        expect_stream_still_works(the_loop(), *pair, buf);
    }
}

// --- 7. EMFILE on accept ----------------------------------------------------------------------

// Descriptors that fill the table up to the soft limit; closed on destruction.
class descriptor_filler {
  public:
    descriptor_filler() = default;
    descriptor_filler(const descriptor_filler&) = delete;
    descriptor_filler& operator=(const descriptor_filler&) = delete;
    ~descriptor_filler() {
        for (int fd : fds_) {
            ::close(fd);
        }
    }
    /// Opens /dev/null until the table is full. @returns the errno that stopped it.
    int fill() {
        while (fds_.size() < 100'000) {
            const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                return errno;
            }
            fds_.push_back(fd);
        }
        return 0;
    }
    void release(std::size_t n) {
        for (; n > 0 && !fds_.empty(); --n) {
            ::close(fds_.back());
            fds_.pop_back();
        }
    }
    [[nodiscard]] std::size_t size() const noexcept { return fds_.size(); }

  private:
    std::vector<int> fds_;
};

TEST_P(tcp_test, accept_reports_emfile_and_the_listener_survives) {
    for (const auto where : loopbacks) {
        SCOPED_TRACE(where);
        auto l = tcp_listener::bind(the_loop(), address(where));
        ASSERT_TRUE(l) << l.error().message();
        const auto at = *l->local_address();
        // The client end exists before the table fills; the kernel queues the connection.
        auto client = the_loop().block_on(tcp_stream::connect(at, 2s));
        ASSERT_TRUE(client) << client.error().message();

        std::optional<tcp_stream> accepted;
        std::error_code while_full;
        {
            testing_::nofile_limit limit;
            ASSERT_TRUE(limit.ok());
            descriptor_filler filler;
            // A low limit keeps the filling cheap: a few descriptors above the lowest free one.
            const int probe = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            ASSERT_GE(probe, 0);
            ::close(probe);
            ASSERT_TRUE(limit.set_soft(static_cast<rlim_t>(probe) + 16));
            ASSERT_EQ(filler.fill(), EMFILE);

            auto full = the_loop().block_on(weft::with_timeout(2s, testing_::accept_one(*l)));
            ASSERT_FALSE(full) << "accept succeeded with a full descriptor table";
            while_full = full.error();

            filler.release(4);
            auto again = the_loop().block_on(weft::with_timeout(2s, testing_::accept_one(*l)));
            ASSERT_TRUE(again) << again.error().message();
            accepted.emplace(std::move(*again));
        } // the limit is restored and the fillers closed here

        EXPECT_EQ(while_full, std::errc::too_many_files_open) << while_full.message();
        // The connection accepted after the failure is the queued one, and it works.
        auto w = the_loop().block_on(client->write_all(bytes_of("ok")));
        ASSERT_TRUE(w) << w.error().message();
        std::string got(2, '\0');
        auto n =
            the_loop().block_on(weft::with_timeout(2s, accepted->read(writable_bytes_of(got))));
        ASSERT_TRUE(n) << n.error().message();
        EXPECT_EQ(got, "ok");
    }
}

} // namespace
