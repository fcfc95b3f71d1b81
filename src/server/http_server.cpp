#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/port_reservation.hpp>
#include <weft/io/tcp.hpp>
#include <weft/io/workers.hpp>
#include <weft/server/http_server.hpp>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::server {
namespace {

// What a connection over the cap gets: a complete response, so clients and load balancers
// see "busy, retry" rather than a reset.
constexpr std::string_view busy_response =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Server: weft\r\n"
    "Content-Type: application/problem+json\r\n"
    "Retry-After: 1\r\n"
    "Connection: close\r\n"
    "Content-Length: 91\r\n"
    "\r\n"
    R"({"title":"Service Unavailable","status":503,"detail":"too many connections; retry shortly"})";
static_assert(busy_response.substr(busy_response.find("\r\n\r\n") + 4).size() == 91);

// Rejected connections being answered at once; past this, new ones over the cap are just
// closed (a flood must not turn the rejection itself into unbounded work).
constexpr std::size_t max_rejecting = 256;

// SO_REUSEPORT lets every socket of the same user that also sets it share a port: a second
// `weft serve` on a port in use would start and silently take a share of its connections.
// A plain bind (SO_REUSEADDR, as the listeners) conflicts with any listener already there,
// reuse-port or not. @returns true only when that bind fails with EADDRINUSE; other
// failures are left for the workers' own bind to report.
bool port_in_use(const addr::socket_address& at) noexcept {
    sockaddr_storage ss{};
    const socklen_t len = at.to_sockaddr(ss);
    if (len == 0) {
        return false;
    }
    const int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const int one = 1;
    (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool in_use =
        ::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) < 0 && errno == EADDRINUSE;
    ::close(fd);
    return in_use;
}

} // namespace

struct http_server::state {
    http_server_config config;
    http::handler handler;
    server_stats stats;
    std::atomic<std::size_t> active{0};
    std::atomic<std::size_t> rejecting{0};
    std::atomic<io::backend_kind> kind{io::backend_kind::epoll};
    std::size_t threads = 1;
    std::vector<addr::socket_address> bind_to; // config.listen with reserved ports filled in
    std::vector<io::port_reservation> reservations;

    std::stop_source stop;
    std::optional<std::jthread> workers;
    std::mutex mutex; // guards the start-up report below
    std::condition_variable started;
    std::size_t bound_workers = 0;
    std::optional<std::string> bind_failure;
    std::vector<addr::socket_address> bound;
    bool finished = false;
    bool abandoned = false; // wait() timed out: the destructor must not join
    int workers_status = 0;

    task<void> answer_busy(io::tcp_stream conn) {
        (void)co_await with_timeout(
            std::chrono::seconds(1),
            conn.write_all(std::as_bytes(std::span(busy_response.data(), busy_response.size()))));
        (void)conn.shutdown(SHUT_WR);
        // Read what the client sent, so closing does not reset the connection under the 503.
        std::array<std::byte, 2048> sink{};
        (void)co_await conn.read_some(sink,
                                      io::steady_clock::now() + std::chrono::milliseconds(500));
        rejecting.fetch_sub(1, std::memory_order_relaxed);
    }

    task<void> accept_loop(io::tcp_listener listener, http::date_cache& dates) {
        io::loop& l = *io::loop::current();
        addr::socket_address peer;
        while (true) {
            auto c = co_await listener.accept(peer);
            if (c) {
                if (active.fetch_add(1, std::memory_order_relaxed) >= config.max_connections) {
                    active.fetch_sub(1, std::memory_order_relaxed);
                    if (rejecting.fetch_add(1, std::memory_order_relaxed) < max_rejecting) {
                        l.spawn(answer_busy(std::move(*c)));
                    } else {
                        rejecting.fetch_sub(1, std::memory_order_relaxed);
                    }
                    continue;
                }
                stats.connections.fetch_add(1, std::memory_order_relaxed);
                // TCP_NODELAY is set by serve_connection once it keeps the connection alive.
                l.spawn(
                    http::serve_connection(std::move(*c), peer, handler, config.connection, dates));
                continue;
            }
            if (c.error() == std::errc::operation_canceled) {
                break;
            }
            if (c.error() == std::errc::too_many_files_open ||
                c.error() == std::errc::too_many_files_open_in_system ||
                c.error() == std::errc::not_enough_memory) {
                (void)co_await io::sleep_for(std::chrono::milliseconds(50)); // let some close
            }
        }
    }

    // One worker: its listeners' accept loops, then its connections, then its extra tasks.
    task<void> worker(std::vector<io::tcp_listener> listeners) {
        io::loop& l = *io::loop::current();
        http::date_cache dates;
        for (const auto& make : config.worker_tasks) {
            l.spawn(make());
        }
        std::vector<task<void>> loops;
        for (auto& listener : listeners) {
            loops.push_back(accept_loop(std::move(listener), dates));
        }
        for (std::size_t i = 1; i < loops.size(); ++i) {
            l.spawn(std::move(loops[i]));
        }
        co_await std::move(loops[0]);
        co_await io::wait_for_spawned(l); // the connections finish their requests
    }

    task<void> make_worker(io::loop& l) {
        kind.store(l.kind(), std::memory_order_relaxed);
        io::listen_options o;
        o.reuse_port = threads > 1;
        // Accepted once the request has arrived: served with no wait for readability, and
        // fewer wakeups per connection (h2o does the same).
        o.defer_accept_s = 1;
        std::vector<io::tcp_listener> listeners;
        std::vector<addr::socket_address> addresses;
        for (const auto& at : bind_to) {
            auto listener = io::tcp_listener::bind(l, at, o);
            if (!listener) {
                report(fmt::format("{}: {}", at, listener.error().message()), {});
                return nothing();
            }
            addresses.push_back(listener->local_address().value_or(at));
            listeners.push_back(std::move(*listener));
        }
        report(std::nullopt, std::move(addresses));
        return worker(std::move(listeners));
    }

    static task<void> nothing() { co_return; }

    void report(std::optional<std::string> failure, std::vector<addr::socket_address> addresses) {
        const std::lock_guard lock(mutex);
        if (failure && !bind_failure) {
            bind_failure = std::move(failure);
        }
        if (!failure && bound.empty()) {
            bound = std::move(addresses);
        }
        ++bound_workers;
        started.notify_all();
    }
};

http_server::http_server(http_server_config config, http::handler handler)
    : state_(std::make_unique<state>()) {
    state_->config = std::move(config);
    state_->handler = std::move(handler);
    // serve_connection decrements it as each connection ends (no wrapper frame per connection).
    state_->config.connection.open_connections = &state_->active;
}

http_server::~http_server() {
    stop();
    if (!state_->workers) {
        return;
    }
    if (state_->abandoned) {
        // wait() gave up on workers stuck in handlers: they may still use the state, so it
        // is left to them (leaked) rather than freed under their feet or waited for forever.
        state_->workers->detach();
        (void)state_.release();
        return;
    }
    state_->workers->join();
}

expected<std::vector<addr::socket_address>, std::string> http_server::start() {
    state& s = *state_;
    if (s.config.listen.empty()) {
        return unexpected(std::string("nothing to listen on"));
    }
    s.threads = s.config.threads != 0 ? s.config.threads
                                      : std::max(1U, std::thread::hardware_concurrency());
    // Port 0 with several workers: reserve one port so that every worker binds the same.
    s.bind_to = s.config.listen;
    if (s.threads > 1) {
        for (auto& at : s.bind_to) {
            if (at.port() != 0 && port_in_use(at)) {
                return unexpected(fmt::format(
                    "{}: {}", at, std::make_error_code(std::errc::address_in_use).message()));
            }
            if (at.port() == 0) {
                io::port_reservation r;
                auto picked = r.reserve(at, SOCK_STREAM);
                if (!picked) {
                    return unexpected(fmt::format("{}: {}", at, picked.error().message()));
                }
                at = *picked;
                s.reservations.push_back(std::move(r));
            }
        }
    }
    s.workers.emplace([&s] {
        const int status = io::run_workers(
            s.threads, [&s](io::loop& l) { return s.make_worker(l); }, s.stop.get_token());
        const std::lock_guard lock(s.mutex);
        s.workers_status = status;
        s.finished = true;
        s.bound_workers = s.threads; // wake start() even if a loop could not be created
        s.started.notify_all();
    });
    std::unique_lock lock(s.mutex);
    s.started.wait(lock, [&s] { return s.bound_workers >= s.threads; });
    s.reservations.clear(); // the workers hold the ports now
    if (s.bind_failure || s.bound.empty()) {
        std::string why = s.bind_failure.value_or("a worker could not start its event loop");
        lock.unlock();
        stop();
        s.workers->join();
        s.workers.reset();
        return unexpected(std::move(why));
    }
    return s.bound;
}

void http_server::stop() noexcept {
    state_->stop.request_stop();
}

bool http_server::wait() {
    state& s = *state_;
    if (!s.workers) {
        return true;
    }
    std::unique_lock lock(s.mutex);
    const bool done =
        s.started.wait_for(lock, s.config.shutdown_timeout, [&s] { return s.finished; });
    if (!done) {
        s.abandoned = true;
        return false;
    }
    lock.unlock();
    s.workers->join();
    s.workers.reset();
    return s.workers_status == 0;
}

server_stats& http_server::stats() noexcept {
    return state_->stats;
}

io::backend_kind http_server::backend() const noexcept {
    return state_->kind.load(std::memory_order_relaxed);
}

std::size_t http_server::threads() const noexcept {
    return state_->threads;
}

} // namespace weft::server
