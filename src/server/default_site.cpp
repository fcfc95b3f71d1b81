#include <weft/server/default_site.hpp>

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace weft::server {

namespace {

using http::response;
using http::status;

constexpr std::string_view welcome_page = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>weft is running</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.8rem; } code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
  a { color: #0a58ca; } footer { margin-top: 3rem; color: #666; font-size: .9rem; }
</style>
</head>
<body>
<h1>weft is running</h1>
<p>This page is built into the <code>weft</code> binary and is served when <code>weft serve</code>
is started without <code>--root</code>.</p>
<p>weft is a C++20 network toolkit and the web server built on it. It has one library and one
command. The library holds:</p>
<ul>
  <li>addresses and CIDR arithmetic;</li>
  <li>an io_uring/epoll runtime with coroutines;</li>
  <li>a strict HTTP/1.1 parser;</li>
  <li>the server you are talking to now.</li>
</ul>
<ul>
  <li><a href="/status">Live status</a> shows uptime, connections, requests and bytes. Scripts can
    read <a href="/status.json">status.json</a> instead.</li>
  <li>To serve your own files, run <code>weft serve --root DIR</code>.</li>
  <li>Run <code>weft --help</code> to see the other commands: <code>ip</code>, <code>mac</code>,
    <code>asn</code>, <code>port</code> and <code>echo</code>.</li>
</ul>
<footer>weft</footer>
</body>
</html>
)";

std::string uptime_text(std::chrono::steady_clock::duration d) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    return fmt::format("{}d {:02}:{:02}:{:02}", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

} // namespace

response default_site(const http::request_head& head, const server_stats& stats) {
    if (head.method != "GET" && head.method != "HEAD") {
        auto r = response::problem(status::method_not_allowed, "this site answers GET and HEAD");
        r.set("Allow", "GET, HEAD");
        return r;
    }
    const std::string_view path = head.target.substr(0, head.target.find('?'));
    const auto uptime = std::chrono::steady_clock::now() - stats.started;
    if (path == "/" || path == "/index.html") {
        return response::html(status::ok, std::string(welcome_page));
    }
    if (path == "/status.json") {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(uptime).count();
        return response::text(
            status::ok,
            fmt::format(R"({{"uptime_seconds":{},"connections":{},"requests":{},"bytes_sent":{}}})",
                        seconds, stats.connections.load(std::memory_order_relaxed),
                        stats.requests.load(std::memory_order_relaxed),
                        stats.bytes_sent.load(std::memory_order_relaxed)),
            "application/json");
    }
    if (path == "/status") {
        auto r = response::html(
            status::ok,
            fmt::format(R"(<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><title>weft status</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto">
<h1>weft status</h1>
<table>
<tr><th align="left">uptime</th><td>{}</td></tr>
<tr><th align="left">connections</th><td>{}</td></tr>
<tr><th align="left">requests</th><td>{}</td></tr>
<tr><th align="left">bytes sent</th><td>{}</td></tr>
</table>
<p><a href="/">home</a> · <a href="/status.json">status.json</a></p>
</body></html>
)",
                        uptime_text(uptime), stats.connections.load(std::memory_order_relaxed),
                        stats.requests.load(std::memory_order_relaxed),
                        stats.bytes_sent.load(std::memory_order_relaxed)));
        r.set("Cache-Control", "no-store");
        return r;
    }
    return response::problem(status::not_found, "no such page on the built-in site");
}

} // namespace weft::server
