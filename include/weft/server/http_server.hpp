#pragma once

// The HTTP server proper: listeners on every worker thread, the connection cap, statistics
// and a graceful stop. What `weft serve` runs; usable by any program with a handler.

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/http/handler.hpp>
#include <weft/http/server_connection.hpp>
#include <weft/io/backend.hpp>
#include <weft/io/task.hpp>
#include <weft/server/default_site.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace weft::server {

struct http_server_config {
    /// Where to listen; every worker binds each with SO_REUSEPORT. Port 0 picks one port
    /// shared by all workers. A port something else listens on fails start(), even when
    /// that listener set SO_REUSEPORT too (another server would otherwise share it).
    std::vector<addr::socket_address> listen;
    /// Worker threads, one event loop each; 0 means one per core.
    std::size_t threads = 0;
    /// Connections served at once, over all workers. Past it, a new connection is answered
    /// `503 Service Unavailable` with `Retry-After` and closed, and the server carries on.
    std::size_t max_connections = 10000;
    /// Per-connection limits and timeouts.
    http::server_options connection;
    /// After stop(), how long in-flight requests may take before the workers are abandoned.
    std::chrono::milliseconds shutdown_timeout{10000};
    /// Tasks every worker runs beside its listeners (e.g. a log flusher), cancelled at stop.
    std::vector<std::function<task<void>()>> worker_tasks;
};

/// Serves `handler` on the configured listeners until stopped.
///
/// Thread-per-core: each worker has its own loop, listeners and connections; a connection
/// lives on one thread. stop() stops accepting at once, closes idle keep-alive connections,
/// lets requests in flight finish (they are answered with `Connection: close`), and the
/// workers end when their connections have.
class http_server {
  public:
    http_server(http_server_config config, http::handler handler);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Starts the workers and binds every listener; blocks until all are bound. @returns
    /// the bound addresses (real ports), or what failed ("127.0.0.1:80: Permission denied").
    expected<std::vector<addr::socket_address>, std::string> start();

    /// Asks the workers to stop (any thread, idempotent).
    void stop() noexcept;

    /// Waits for the workers after stop(), at most `shutdown_timeout`. @returns true when
    /// every worker ended cleanly in time. After false, the destructor does not wait for the
    /// stuck workers: it detaches them and leaves them their state (the process should exit).
    bool wait();

    /// The live counters (connections, requests, bytes; what /status shows).
    [[nodiscard]] server_stats& stats() noexcept;
    /// The backend the workers run ("io_uring" / "epoll"), valid after start().
    [[nodiscard]] io::backend_kind backend() const noexcept;
    /// The number of worker threads.
    [[nodiscard]] std::size_t threads() const noexcept;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace weft::server
