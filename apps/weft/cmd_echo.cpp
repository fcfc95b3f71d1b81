// weft echo tcp|udp: echo servers for tests and benchmarks.
//
// --threads N runs N loops (io::run_workers), each with a listener of its own bound with
// SO_REUSEPORT so the kernel spreads the clients. SIGINT and SIGTERM arrive through a
// signal_set on the main thread's loop, which stops the workers and reports what was served.

#include "commands.hpp"
#include "output.hpp"
#include "server_tasks.hpp"
#include "usage.hpp"

#include <weft/addr/socket_address.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/port_reservation.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/tcp.hpp>
#include <weft/io/udp.hpp>
#include <weft/io/workers.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::cli {
namespace {

enum class protocol : std::uint8_t { tcp, udp };

std::string_view to_string(protocol p) noexcept {
    return p == protocol::tcp ? "tcp" : "udp";
}

/// What one worker served. Only its own thread writes it (no sharing on the hot path); the
/// main thread reads it after joining the workers.
struct alignas(64) worker_count {
    std::uint64_t served = 0;
};

/// How the workers tell the main thread that their sockets are bound, or why not.
class startup {
  public:
    explicit startup(std::size_t workers) : counts_(workers) {}

    /// The counter of the calling worker (each worker claims one, once).
    worker_count& claim() noexcept { return counts_[next_.fetch_add(1)]; }

    void bound(addr::socket_address at, io::backend_kind kind) {
        const std::lock_guard lock(mutex_);
        ++bound_;
        address_ = at;
        kind_ = kind;
        changed_.notify_all();
    }
    void failed(std::error_code ec) {
        const std::lock_guard lock(mutex_);
        ++failed_;
        if (!error_) {
            error_ = ec;
        }
        changed_.notify_all();
    }
    /// run_workers returned (every worker has ended, whether it bound or not).
    void ended() {
        const std::lock_guard lock(mutex_);
        ended_ = true;
        changed_.notify_all();
    }

    /// Waits until every worker has bound, or one has failed, or the workers have ended
    /// (a loop that could not be created is reported by run_workers itself).
    /// @returns true if every worker is serving; else error() says why, if a bind failed.
    bool wait() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return ended_ || failed_ > 0 || bound_ == counts_.size(); });
        return failed_ == 0 && bound_ == counts_.size();
    }
    [[nodiscard]] std::error_code error() const { return error_; }

    [[nodiscard]] addr::socket_address address() const { return address_; }
    [[nodiscard]] io::backend_kind kind() const { return kind_; }
    [[nodiscard]] std::uint64_t served() const noexcept {
        std::uint64_t total = 0;
        for (const auto& c : counts_) {
            total += c.served;
        }
        return total;
    }

  private:
    std::vector<worker_count> counts_;
    std::atomic<std::size_t> next_{0};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t bound_ = 0;
    std::size_t failed_ = 0;
    bool ended_ = false;
    std::error_code error_;
    addr::socket_address address_;
    io::backend_kind kind_ = io::backend_kind::epoll;
};

task<void> echo_stream(io::tcp_stream s) {
    (void)s.set_nodelay(true);
    std::array<std::byte, 16384> buf;
    while (true) {
        auto n = co_await s.read_some(buf);
        if (!n || *n == 0) {
            co_return; // the peer closed, reset, or we were stopped
        }
        // write_some rather than write_all: its awaiter lives in this frame, so an echoed
        // message allocates nothing.
        const std::span<const std::byte> data = std::span(buf).first(*n);
        for (std::size_t done = 0; done < data.size();) {
            auto w = co_await s.write_some(data.subspan(done));
            if (!w) {
                co_return;
            }
            done += *w;
        }
    }
}

bool is_out_of_resources(std::error_code e) noexcept {
    return e == std::errc::too_many_files_open || e == std::errc::too_many_files_open_in_system ||
           e == std::errc::not_enough_memory || e == std::errc::no_buffer_space;
}

// `count` belongs to this worker and outlives it (CP.53's structural exception).
task<void> serve_tcp(io::tcp_listener listener, worker_count& count) {
    io::loop& l = *io::loop::current();
    while (true) {
        auto c = co_await listener.accept();
        if (c) {
            ++count.served;
            l.spawn(echo_stream(std::move(*c)));
            continue;
        }
        const std::error_code e = c.error();
        if (e == std::errc::operation_canceled) {
            break;
        }
        if (is_out_of_resources(e)) {
            // Accepting again at once would spin: let some connections close first.
            (void)co_await io::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        if (e == std::errc::connection_aborted || e == std::errc::protocol_error) {
            continue; // the client gave up before we accepted it
        }
        fmt::print(stderr, "weft: echo: accept: {}\n", e.message());
        break;
    }
    listener.close();
    co_await io::wait_for_spawned(l);
}

bool is_transient(std::error_code e) noexcept {
    // ICMP errors reported on the socket, or a full send buffer: the next datagram may do.
    return e == std::errc::connection_refused || e == std::errc::host_unreachable ||
           e == std::errc::network_unreachable || e == std::errc::no_buffer_space ||
           e == std::errc::connection_reset || e == std::errc::message_size;
}

task<void> serve_udp(io::udp_socket socket, worker_count& count) {
    std::array<std::byte, 65536> buf; // the largest datagram: nothing is truncated
    while (true) {
        auto d = co_await socket.recv_from(buf);
        if (!d) {
            if (d.error() == std::errc::operation_canceled) {
                co_return;
            }
            if (is_transient(d.error())) {
                continue;
            }
            fmt::print(stderr, "weft: echo: receive: {}\n", d.error().message());
            co_return;
        }
        ++count.served;
        // A failed reply is the sender's loss, as UDP allows; serving goes on.
        (void)co_await socket.send_to(std::span(buf).first(d->size), d->from);
    }
}

int run_echo(protocol p, const std::string& listen, std::size_t threads) {
    if (threads == 0) {
        threads = std::max(1u, std::thread::hardware_concurrency()); // as run_workers does
    }
    const auto parsed = addr::socket_address::parse(listen);
    if (!parsed) {
        return fail("echo", "--listen " + parsed.error().message(listen));
    }
    auto main_loop = io::loop::create();
    if (!main_loop) {
        const char* forced = std::getenv("WEFT_IO");
        fail("echo", fmt::format("cannot create an event loop{}: {}",
                                 forced != nullptr ? fmt::format(" (WEFT_IO={})", forced) : "",
                                 main_loop.error().message()));
        return 1;
    }
    // Before any other thread exists: the workers inherit the blocked mask, so the signals
    // queue for the signalfd instead of killing the process.
    auto signals = io::signal_set::create(**main_loop, {SIGINT, SIGTERM});
    if (!signals) {
        fail("echo", fmt::format("cannot watch signals: {}", signals.error().message()));
        return 1;
    }

    const bool shared = threads > 1;
    addr::socket_address at = *parsed;
    io::port_reservation reservation;
    if (shared && at.port() == 0) {
        auto picked = reservation.reserve(at, p == protocol::tcp ? SOCK_STREAM : SOCK_DGRAM);
        if (!picked) {
            fail("echo", fmt::format("cannot bind {} ({}): {}", listen, to_string(p),
                                     picked.error().message()));
            return 1;
        }
        at = *picked;
    }

    startup state(threads);
    auto make_task = [&state, at, p, shared](io::loop& l) -> task<void> {
        worker_count& count = state.claim();
        if (p == protocol::tcp) {
            io::listen_options options;
            options.reuse_port = shared;
            auto listener = io::tcp_listener::bind(l, at, options);
            if (!listener) {
                state.failed(listener.error());
                return nothing();
            }
            state.bound(listener->local_address().value_or(at), l.kind());
            return serve_tcp(std::move(*listener), count);
        }
        io::udp_options options;
        options.reuse_port = shared;
        auto socket = io::udp_socket::bind(l, at, options);
        if (!socket) {
            state.failed(socket.error());
            return nothing();
        }
        state.bound(socket->local_address().value_or(at), l.kind());
        return serve_udp(std::move(*socket), count);
    };

    std::stop_source stop;
    int workers_status = 0;
    io::loop& signal_loop = **main_loop;
    std::jthread workers([&] {
        workers_status = io::run_workers(threads, make_task, stop.get_token());
        state.ended();
        signal_loop.request_stop_from_any_thread(); // stop waiting for a signal
    });

    if (!state.wait()) {
        stop.request_stop();
        workers.join();
        if (const std::error_code ec = state.error(); ec) {
            fail("echo",
                 fmt::format("cannot bind {} ({}): {}", listen, to_string(p), ec.message()));
        }
        return 1;
    }
    reservation.release(); // the workers hold the port now
    fmt::print(stderr, "weft: echo {} listening on {} ({}, {} thread{})\n", to_string(p),
               state.address(), io::to_string(state.kind()), threads, threads == 1 ? "" : "s");

    const bool signalled = signal_loop.block_on(until_signal(*signals));
    stop.request_stop();
    workers.join();

    const std::uint64_t served = state.served();
    const std::string_view unit = p == protocol::tcp ? "connection" : "datagram";
    fmt::print(stderr, "weft: echo: served {} {}{}\n", served, unit, served == 1 ? "" : "s");
    return signalled && workers_status == 0 ? exit_ok : 1;
}

} // namespace

void add_echo_commands(CLI::App& app, int& status) {
    auto* echo = app.add_subcommand("echo", "echo servers for tests and benchmarks");
    echo->require_subcommand(1);
    struct options {
        std::string listen;
        std::size_t threads = 1;
    };
    auto opt = std::make_shared<options>();
    for (const protocol p : {protocol::tcp, protocol::udp}) {
        auto* cmd = echo->add_subcommand(
            std::string(to_string(p)),
            p == protocol::tcp
                ? "echo every byte received on each TCP connection until SIGINT/SIGTERM"
                : "send every UDP datagram back to its sender until SIGINT/SIGTERM");
        cmd->add_option("--listen", opt->listen, "address:port, e.g. 127.0.0.1:7000, [::1]:0")
            ->type_name("ADDR")
            ->required();
        add_number_option(cmd, "--threads", opt->threads, 0, 1024,
                          "event loops, one per thread, sharing the port with SO_REUSEPORT "
                          "(default 1; 0: one per core, as in weft serve)");
        set_example(cmd, fmt::format("weft echo {} --listen 127.0.0.1:7000", to_string(p)));
        cmd->callback([opt, p, &status] { status = run_echo(p, opt->listen, opt->threads); });
    }
}

} // namespace weft::cli
