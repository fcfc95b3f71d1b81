// The notes API as a program of its own: JSON over HTTP, kept in SQLite, plus weft's built-in
// welcome page (whose "REST demo" section talks to the API) for every other path.
//
//   $ example_notes --listen 127.0.0.1:8080 --db notes.db
//   listening on http://127.0.0.1:8080
//   $ curl -s -H 'Content-Type: application/json' -d '{"title":"hi"}' localhost:8080/api/notes
//   {"id":1,"title":"hi","body":"","created":"2024-05-01T12:34:56.789Z",...}
//   ^C
//   served 1 requests on 1 connections
//
// Port 0 picks a free port; the "listening on" line (on stderr) says which. SIGINT or SIGTERM
// stops it: the listener closes, open connections are cancelled, and it exits with status 0.

#include "notes_api.hpp"

#include <weft/addr/socket_address.hpp>
#include <weft/http/router.hpp>
#include <weft/http/server_connection.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/task.hpp>
#include <weft/io/tcp.hpp>
#include <weft/server/default_site.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

using namespace std::chrono_literals;
using weft::task;
namespace http = weft::http;
namespace io = weft::io;
namespace server = weft::server;

namespace {

// Every path the API does not own: the built-in site ("/", "/status", "/status.json").
task<http::response> site(std::shared_ptr<server::server_stats> stats, http::request& r) {
    co_return server::default_site(r.head(), *stats);
}

// Counts requests and body bytes for the status page.
task<http::response> count(std::shared_ptr<server::server_stats> stats, http::request& r,
                           const http::handler& next) {
    stats->requests.fetch_add(1, std::memory_order_relaxed);
    http::response answer = co_await next(r);
    stats->bytes_sent.fetch_add(answer.body_size(), std::memory_order_relaxed);
    co_return answer;
}

// The connections' limits and timeouts (the defaults); they borrow it, so it lives as long
// as the program.
const http::server_options connection_options{};

// Accepts until cancelled; each connection is a task of its own on this loop. `h`, `stats` and
// `dates` belong to serve(), which outlives every connection.
task<void> accept_loop(io::tcp_listener listener, const http::handler& h,
                       server::server_stats& stats, http::date_cache& dates) {
    io::loop& l = *io::loop::current();
    while (true) {
        auto conn = co_await listener.accept();
        if (conn) {
            stats.connections.fetch_add(1, std::memory_order_relaxed);
            (void)conn->set_nodelay(true);
            l.spawn(http::serve_connection(std::move(*conn), h, connection_options, dates));
            continue;
        }
        if (conn.error() == std::errc::operation_canceled) {
            co_return; // ~tcp_listener closes the socket
        }
        // EMFILE and friends: the listener stays usable; give descriptors time to free up.
        fmt::print(stderr, "notes: accept: {}\n", conn.error().message());
        (void)co_await io::sleep_for(50ms);
    }
}

// Serves until SIGINT or SIGTERM, then cancels everything and waits for it to end.
task<void> serve(io::loop& l, io::tcp_listener listener, io::signal_set signals,
                 const http::handler& h, server::server_stats& stats) {
    http::date_cache dates;
    l.spawn(accept_loop(std::move(listener), h, stats, dates));
    (void)co_await signals.wait();
    l.request_stop(); // every spawned task's pending I/O ends with operation_canceled
    // The connections borrow `dates` (and `h`): wait until the last one has finished.
    // (This task runs with an empty stop token, so its own sleeps are not cancelled.)
    while (l.spawned() > 0) {
        (void)co_await io::sleep_for(1ms);
    }
}

int usage(std::string_view problem) {
    fmt::print(stderr,
               "example_notes: {}\nusage: example_notes [--listen ADDRESS:PORT] [--db FILE]\n"
               "  defaults: --listen 127.0.0.1:8080 --db notes.db\n",
               problem);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string listen = "127.0.0.1:8080";
    std::string db_path = "notes.db";
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--listen" || arg == "--db") && i + 1 < argc) {
            (arg == "--listen" ? listen : db_path) = argv[++i];
        } else {
            return usage(fmt::format("unexpected argument \"{}\"", arg));
        }
    }
    const auto at = weft::addr::socket_address::parse(listen);
    if (!at) {
        return usage("--listen " + at.error().message(listen));
    }
    auto db = weft::notes::open_store(db_path);
    if (!db) {
        fmt::print(stderr, "example_notes: --db {}\n", db.error());
        return 1;
    }
    auto l = io::loop::create();
    if (!l) {
        fmt::print(stderr, "example_notes: event loop: {}\n", l.error().message());
        return 1;
    }
    // Blocked before anything else, so the signals queue for us instead of killing us.
    auto signals = io::signal_set::create(**l, {SIGINT, SIGTERM});
    if (!signals) {
        fmt::print(stderr, "example_notes: signals: {}\n", signals.error().message());
        return 1;
    }
    auto listener = io::tcp_listener::bind(**l, *at);
    if (!listener) {
        fmt::print(stderr, "example_notes: --listen {}: {}\n", listen, listener.error().message());
        return 1;
    }

    auto stats = std::make_shared<server::server_stats>();
    http::router routes;
    weft::notes::add_routes(routes, std::move(*db));
    routes.fallback([stats](http::request& r) { return site(stats, r); });
    routes.use(
        [stats](http::request& r, const http::handler& next) { return count(stats, r, next); });
    const http::handler h = routes.to_handler();

    fmt::print(stderr, "listening on http://{}\n", listener->local_address().value_or(*at));
    std::fflush(stderr); // whoever started us may be waiting for that line on a pipe

    // An empty stop token: serve() must outlive the request_stop() it makes itself.
    (*l)->block_on(serve(**l, std::move(*listener), std::move(*signals), h, *stats),
                   std::stop_token{});
    fmt::print(stderr, "served {} requests on {} connections\n", stats->requests.load(),
               stats->connections.load());
    return 0;
}
