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
// stops it: the listener closes, requests in flight are answered, and it exits with status 0.
// The server is weft's own (server::http_server, one worker): this program only adds routes.

#include "notes_api.hpp"

#include <weft/addr/socket_address.hpp>
#include <weft/http/router.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/task.hpp>
#include <weft/server/default_site.hpp>
#include <weft/server/http_server.hpp>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

using weft::task;
namespace http = weft::http;
namespace io = weft::io;
namespace server = weft::server;

namespace {

// Every path the API does not own: the built-in site ("/", "/status", "/status.json").
task<http::response> site(server::server_stats* stats, http::request& r) {
    co_return server::default_site(r.head(), *stats);
}

// Counts requests and body bytes for the status page.
task<http::response> count(server::server_stats* stats, http::request& r,
                           const http::handler& next) {
    stats->requests.fetch_add(1, std::memory_order_relaxed);
    http::response answer = co_await next(r);
    stats->bytes_sent.fetch_add(answer.body_size(), std::memory_order_relaxed);
    co_return answer;
}

task<void> until_signal(io::signal_set& signals) {
    (void)co_await signals.wait();
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
    // Blocked before any worker thread exists, so the signals queue for us.
    auto signals = io::signal_set::create(**l, {SIGINT, SIGTERM});
    if (!signals) {
        fmt::print(stderr, "example_notes: signals: {}\n", signals.error().message());
        return 1;
    }

    server::http_server_config config;
    config.listen = {*at};
    config.threads = 1;
    http::router routes;
    server::server_stats* stats = nullptr; // the server's own, set once it exists
    weft::notes::add_routes(routes, std::move(*db));
    routes.fallback([&stats](http::request& r) { return site(stats, r); });
    routes.use(
        [&stats](http::request& r, const http::handler& next) { return count(stats, r, next); });
    server::http_server srv(config, routes.to_handler());
    stats = &srv.stats();
    auto bound = srv.start();
    if (!bound) {
        fmt::print(stderr, "example_notes: --listen {}: {}\n", listen, bound.error());
        return 1;
    }
    fmt::print(stderr, "listening on http://{}\n", bound->front());
    std::fflush(stderr); // whoever started us may be waiting for that line on a pipe

    (*l)->block_on(until_signal(*signals));
    srv.stop();
    const bool clean = srv.wait();
    fmt::print(stderr, "served {} requests on {} connections\n", srv.stats().requests.load(),
               srv.stats().connections.load());
    return clean ? 0 : 1;
}
