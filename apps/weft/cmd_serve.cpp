// weft serve: the web server. Static files under --root, or the site built into the binary
// (with the notes REST demo under --demo-db); access log; SIGINT/SIGTERM stop it after the
// requests in flight have been answered.

#include "commands.hpp"
#include "output.hpp"
#include "server_tasks.hpp"
#include "usage.hpp"

#include <weft/addr/socket_address.hpp>
#include <weft/http/compression.hpp>
#include <weft/http/router.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/server/access_log.hpp>
#include <weft/server/default_site.hpp>
#include <weft/server/http_server.hpp>
#include <weft/server/static_files.hpp>

#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <notes_api.hpp>

namespace weft::cli {
namespace {

struct serve_options {
    std::vector<std::string> listen{"127.0.0.1:8080"};
    std::string root;
    std::size_t threads = 0;
    std::string access_log = "off";
    std::size_t max_connections = 10000;
    std::string demo_db;
    bool autoindex = false;
    bool no_compression = false;
    bool follow_symlinks = false;
};

// What every request passes through: counted, then the site (files or the built-in one).
struct site {
    std::optional<server::static_files> files; // nullopt: the built-in site
    server::server_stats* stats = nullptr;
    bool counted_before = false; // routes exist: the `count` middleware counts every request
};

void add_to_stats(server::server_stats& stats, const http::response& out) {
    stats.requests.fetch_add(1, std::memory_order_relaxed);
    stats.bytes_sent.fetch_add(out.body_size(), std::memory_order_relaxed);
}

task<http::response> respond(const site& s, http::request& r) {
    http::response out =
        s.files ? s.files->respond(r.head()) : server::default_site(r.head(), *s.stats);
    if (!s.counted_before) {
        add_to_stats(*s.stats, out); // the hot path of a file server: no extra frame to count
    }
    co_return out;
}

// Counts requests answered by routes as well as by the site (with --demo-db).
task<http::response> count(const site& s, http::request& r, const http::handler& next) {
    http::response out = co_await next(r);
    add_to_stats(*s.stats, out);
    co_return out;
}

// The built-in site's pages are compressible text: compress them like static files.
task<http::response> compress_dynamic(http::request& r, const http::handler& next) {
    http::response out = co_await next(r);
    if (out.body_string() != nullptr && !out.find("Content-Encoding")) {
        (void)http::compress_response(out, r.header("Accept-Encoding").value_or(""));
    }
    co_return out;
}

int run_serve(const serve_options& o) {
    constexpr std::string_view cmd = "serve";
    server::http_server_config config;
    for (const auto& text : o.listen) {
        const auto at = addr::socket_address::parse(text);
        if (!at) {
            return fail(cmd, "--listen " + at.error().message(text));
        }
        config.listen.push_back(*at);
    }
    config.threads = o.threads;
    config.max_connections = o.max_connections;

    auto s = std::make_shared<site>();
    if (!o.root.empty()) {
        server::static_files_options files;
        files.directory_listing = o.autoindex;
        files.compress = !o.no_compression;
        files.precompressed = !o.no_compression;
        files.follow_symlinks = o.follow_symlinks;
        auto opened = server::static_files::open(o.root, files);
        if (!opened) {
            return fail(
                cmd, fmt::format("--root {}: {}", addr::quoted(o.root), opened.error().message()));
        }
        s->files.emplace(std::move(*opened));
    }

    std::shared_ptr<server::access_log> log;
    if (o.access_log != "off") {
        auto opened = server::access_log::open(o.access_log);
        if (!opened) {
            return fail(cmd, "--access-log " + opened.error());
        }
        log = std::move(*opened);
        config.worker_tasks.emplace_back([log] { return log->flusher(); });
    }

    http::router app;
    if (!o.demo_db.empty()) {
        s->counted_before = true;
        app.use([s](http::request& r, const http::handler& next) { return count(*s, r, next); });
    }
    if (log) {
        app.use(log->middleware());
    }
    if (!s->files && !o.no_compression) {
        app.use(compress_dynamic);
    }
    if (!o.demo_db.empty()) {
        auto db = notes::open_store(o.demo_db);
        if (!db) {
            return fail(cmd, fmt::format("--demo-db {}: {}", addr::quoted(o.demo_db), db.error()));
        }
        notes::add_routes(app, std::move(*db));
    }
    app.fallback([s](http::request& r) { return respond(*s, r); });
    config.connection.stream_body = app.stream_predicate();

    auto main_loop = io::loop::create();
    if (!main_loop) {
        fail(cmd, fmt::format("cannot create an event loop: {}", main_loop.error().message()));
        return 1;
    }
    // Before any other thread exists, so the workers inherit the blocked signals.
    auto signals = io::signal_set::create(**main_loop, {SIGINT, SIGTERM});
    if (!signals) {
        fail(cmd, fmt::format("cannot watch signals: {}", signals.error().message()));
        return 1;
    }
    server::http_server srv(config, app.to_handler());
    s->stats = &srv.stats();
    auto bound = srv.start();
    if (!bound) {
        fail(cmd, fmt::format("cannot listen on {}", bound.error()));
        return 1;
    }
    std::vector<std::string> urls;
    for (const auto& at : *bound) {
        urls.push_back(fmt::format("http://{}", at));
    }
    fmt::print(stderr, "weft: serve: listening on {} ({}, {} thread{}, {}{})\n",
               fmt::join(urls, " "), io::to_string(srv.backend()), srv.threads(),
               srv.threads() == 1 ? "" : "s",
               o.root.empty() ? std::string("built-in site") : fmt::format("root {}", o.root),
               o.demo_db.empty() ? std::string() : fmt::format(", notes demo in {}", o.demo_db));
    const bool signalled = (*main_loop)->block_on(until_signal(*signals));
    srv.stop();
    const bool clean = srv.wait();
    if (log) {
        log->flush_this_thread();
    }
    fmt::print(stderr, "weft: serve: served {} requests on {} connections\n",
               srv.stats().requests.load(), srv.stats().connections.load());
    if (!clean) {
        fmt::print(stderr, "weft: serve: requests still in flight after the shutdown timeout; "
                           "exiting anyway\n");
        std::quick_exit(1); // the workers are stuck in handlers: do not wait for them
    }
    return signalled ? exit_ok : 1;
}

} // namespace

void add_serve_commands(CLI::App& app, int& status) {
    auto opt = std::make_shared<serve_options>();
    auto* serve = app.add_subcommand("serve", "the web server: static files or the built-in site");
    serve
        ->add_option("--listen", opt->listen,
                     "address:port to listen on, repeatable (default 127.0.0.1:8080)")
        ->type_name("ADDR");
    serve->add_option("--root", opt->root, "directory to serve (default: the built-in site)")
        ->type_name("DIR");
    add_number_option(serve, "--threads", opt->threads, 0, 1024,
                      "event loops, one per thread (default 0: one per core)");
    serve
        ->add_option("--access-log", opt->access_log,
                     "combined-format access log: a file, - for stdout, or off (default off)")
        ->type_name("FILE");
    add_number_option(serve, "--max-connections", opt->max_connections, 1, 10'000'000,
                      "connections served at once; more get 503 (default 10000)");
    serve
        ->add_option("--demo-db", opt->demo_db,
                     "SQLite file for the notes REST demo at /api/notes (built-in site)")
        ->type_name("FILE");
    serve->add_flag("--autoindex", opt->autoindex,
                    "list directories that have no index.html (with --root)");
    serve->add_flag("--no-compression", opt->no_compression,
                    "never gzip/br/zstd responses, nor serve .gz/.br/.zst siblings");
    serve->add_flag("--follow-symlinks", opt->follow_symlinks,
                    "follow symlinks that leave --root (default: 403)");
    set_example(serve, "weft serve --listen 127.0.0.1:8080 --access-log -");
    serve->callback([opt, &status] { status = run_serve(*opt); });
}

} // namespace weft::cli
