// weft serve: the web server. Static files under --root, or the site built into the binary;
// HTTP/1.1 with keep-alive and pipelining (http::serve_connection); SIGINT/SIGTERM stop it
// after the connections in flight finish.

#include "commands.hpp"
#include "output.hpp"
#include "server_tasks.hpp"

#include <weft/addr/socket_address.hpp>
#include <weft/http/server_connection.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/tcp.hpp>
#include <weft/io/workers.hpp>
#include <weft/server/default_site.hpp>
#include <weft/server/static_files.hpp>

#include <atomic>
#include <csignal>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace weft::cli {
namespace {

struct site {
    std::optional<server::static_files> files; // nullopt: the built-in site
    server::server_stats stats;
};

// `s` and `head` outlive this task: serve_connection awaits it at once (CP.53's exception).
task<http::response> respond(site& s, const http::request_head& head) {
    server::server_stats& stats = s.stats;
    stats.requests.fetch_add(1, std::memory_order_relaxed);
    http::response r = s.files ? s.files->respond(head) : server::default_site(head, s.stats);
    stats.bytes_sent.fetch_add(r.body_size(), std::memory_order_relaxed);
    co_return r;
}

// One worker: accepts on its own listeners and serves each connection on this loop.
// `h`, `dates` and `stats` outlive every connection: it drains them before returning.
task<void> accept_loop(io::tcp_listener listener, const http::handler& h,
                       http::server_options options, server::server_stats& stats) {
    io::loop& l = *io::loop::current();
    http::date_cache dates;
    while (true) {
        auto c = co_await listener.accept();
        if (c) {
            stats.connections.fetch_add(1, std::memory_order_relaxed);
            (void)c->set_nodelay(true);
            l.spawn(http::serve_connection(std::move(*c), h, options, dates));
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
    listener.close();
    co_await io::wait_for_spawned(l);
}

int run_serve(const std::string& listen, const std::string& root, std::size_t threads) {
    constexpr std::string_view cmd = "serve";
    const auto at = addr::socket_address::parse(listen);
    if (!at) {
        return fail(cmd, "--listen " + at.error().message(listen));
    }
    site s;
    if (!root.empty()) {
        auto files = server::static_files::open(root);
        if (!files) {
            return fail(cmd, fmt::format("--root \"{}\": {}", root, files.error().message()));
        }
        s.files.emplace(std::move(*files));
    }
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
    const http::handler h = [&s](http::request& r) { return respond(s, r.head()); };
    http::server_options options;
    std::atomic<int> bound{0};
    std::atomic<int> failed{0};
    std::error_code bind_error;
    std::atomic<int> bind_errno{0};
    std::mutex bound_mutex;
    addr::socket_address bound_at = *at; // the real address, so "--listen 127.0.0.1:0" works
    auto make_task = [&](io::loop& l) -> task<void> {
        io::listen_options o;
        o.reuse_port = threads > 1;
        auto listener = io::tcp_listener::bind(l, *at, o);
        if (!listener) {
            bind_errno = listener.error().value();
            ++failed;
            return nothing();
        }
        {
            const std::lock_guard lock(bound_mutex);
            bound_at = listener->local_address().value_or(*at);
        }
        ++bound;
        return accept_loop(std::move(*listener), h, options, s.stats);
    };
    std::stop_source stop;
    io::loop& signal_loop = **main_loop;
    int workers_status = 0;
    std::jthread workers([&] {
        workers_status = io::run_workers(threads, make_task, stop.get_token());
        signal_loop.request_stop_from_any_thread();
    });
    // Wait (briefly) until every worker has bound or one has failed.
    for (int i = 0; i < 500 && bound + failed < static_cast<int>(threads); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (failed > 0 || bound < static_cast<int>(threads)) {
        stop.request_stop();
        workers.join();
        fail(cmd, fmt::format("cannot listen on {}: {}", listen,
                              std::error_code(bind_errno, std::system_category()).message()));
        return 1;
    }
    const addr::socket_address where = [&] {
        const std::lock_guard lock(bound_mutex);
        return bound_at;
    }();
    fmt::print(stderr, "weft: serve: listening on http://{} ({}, {} thread{}, {})\n", where,
               io::to_string(signal_loop.kind()), threads, threads == 1 ? "" : "s",
               root.empty() ? std::string("built-in site") : fmt::format("root {}", root));
    const bool signalled = signal_loop.block_on(until_signal(*signals));
    stop.request_stop();
    workers.join();
    fmt::print(stderr, "weft: serve: served {} requests on {} connections\n",
               s.stats.requests.load(), s.stats.connections.load());
    return signalled && workers_status == 0 ? exit_ok : 1;
}

} // namespace

void add_serve_commands(CLI::App& app, int& status) {
    struct options {
        std::string listen = "127.0.0.1:8080";
        std::string root;
        std::size_t threads = 1;
        std::string access_log = "off";
    };
    auto opt = std::make_shared<options>();
    auto* serve = app.add_subcommand("serve", "the web server: static files or the built-in site");
    serve->add_option("--listen", opt->listen, "address:port to listen on")->capture_default_str();
    serve->add_option("--root", opt->root, "directory to serve (default: the built-in site)");
    serve->add_option("--threads", opt->threads, "event loops, one per thread (SO_REUSEPORT)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    serve
        ->add_option("--access-log", opt->access_log,
                     "off (the only choice until issue 4's log lands)")
        ->capture_default_str();
    serve->callback([opt, &status] {
        if (opt->access_log != "off") {
            // Refused rather than silently ignored: an operator asking for a log must know.
            status = fail("serve", fmt::format("--access-log \"{}\": access logging is not "
                                               "implemented yet; use --access-log off",
                                               opt->access_log));
            return;
        }
        status = run_serve(opt->listen, opt->root, opt->threads);
    });
}

} // namespace weft::cli
