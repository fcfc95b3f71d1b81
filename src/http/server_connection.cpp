#include <weft/http/chunked_decoder.hpp>
#include <weft/http/error.hpp>
#include <weft/http/server_connection.hpp>
#include <weft/http/status.hpp>
#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/core.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace weft::http {
namespace {

using io::steady_clock;

constexpr std::size_t initial_buffer = 4 * 1024; // read buffer at the start of a request
constexpr std::size_t buffer_slack = 1024;       // past max_header_bytes, for the parser's 431
constexpr std::size_t chunk_read_size = 16 * 1024;
constexpr std::size_t linger_bytes = 256 * 1024; // unread input drained before closing
constexpr auto linger_time = std::chrono::seconds(1);
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

using io_result = expected<std::size_t, std::error_code>;

// One read_some as a task, so with_timeout can bound it. Structurally awaited (CP.53).
task<io_result> read_some_of(io::tcp_stream& s, std::span<std::byte> buf) {
    co_return co_await s.read_some(buf);
}

std::span<std::byte> bytes_at(std::string& s, std::size_t from, std::size_t count) noexcept {
    return std::as_writable_bytes(std::span(s.data() + from, count));
}

iovec iovec_of(std::string_view s) noexcept {
    return iovec{const_cast<char*>(s.data()), s.size()}; // NOLINT: sendmsg does not write
}

bool is_timeout(const std::error_code& ec) noexcept {
    return ec == std::errc::timed_out;
}

// Whether a Connection value lists the "close" option (RFC 9110 §7.6.1).
bool lists_close(std::string_view value) noexcept {
    while (!value.empty()) {
        const auto comma = value.find(',');
        std::string_view option = value.substr(0, comma);
        while (!option.empty() && (option.front() == ' ' || option.front() == '\t')) {
            option.remove_prefix(1);
        }
        while (!option.empty() && (option.back() == ' ' || option.back() == '\t')) {
            option.remove_suffix(1);
        }
        if (detail::iequals(option, "close")) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        value.remove_prefix(comma + 1);
    }
    return false;
}

// Half-closes, then reads and drops what the peer still sends for a moment, so the last
// response is not destroyed by a reset (unread input at close() makes the kernel send RST).
task<void> linger_close(io::tcp_stream& conn) {
    if (!conn.shutdown(SHUT_WR)) {
        conn.close();
        co_return;
    }
    std::array<std::byte, 4096> sink{};
    const auto until = steady_clock::now() + linger_time;
    std::size_t drained = 0;
    while (drained < linger_bytes) {
        const auto left = until - steady_clock::now();
        if (left <= steady_clock::duration::zero()) {
            break;
        }
        auto n = co_await with_timeout(left, read_some_of(conn, sink));
        if (!n || *n == 0) {
            break;
        }
        drained += *n;
    }
    conn.close();
}

// Everything one connection keeps between requests.
struct connection_state {
    connection_state(io::tcp_stream c, const handler& handler_fn, server_options o, date_cache& d)
        : conn(std::move(c)), h(handler_fn), options(o), dates(d), parser(o.limits),
          decoder(o.limits) {}

    io::tcp_stream conn;
    const handler& h;
    server_options options;
    date_cache& dates;
    request_parser parser;
    chunked_decoder decoder;
    std::string buffer; // request heads (and what follows them) as read
    std::size_t filled = 0;
    std::string body;     // the current request's body
    std::string chunks;   // chunked input not yet decoded
    std::string head_out; // the serialized response head
    addr::socket_address peer;
};

// Writes the head and then the body of `r`: one gather write for a string body, sendfile
// after the head for a file. @returns whether the whole response went out.
task<bool> write_response(connection_state& c, const response& r, bool head_request) {
    const std::string_view body = body_view(r, head_request);
    const file_range* file = body_file(r, head_request);
    std::array<iovec, 2> parts{iovec_of(c.head_out), iovec_of(body)};
    const std::size_t count = body.empty() ? 1 : 2;
    auto sent = co_await with_timeout(
        c.options.send_timeout, c.conn.write_all(std::span<const iovec>(parts.data(), count)));
    if (!sent) {
        co_return false;
    }
    if (file != nullptr && file->length > 0) {
        auto n = co_await with_timeout(c.options.send_timeout,
                                       c.conn.send_file(file->fd, file->offset, file->length));
        if (!n || *n != file->length) {
            co_return false; // the Content-Length promised more: the framing is broken
        }
    }
    co_return true;
}

// Serializes `r` into c.head_out. If its headers are unsafe, answers 500 instead.
void serialize(connection_state& c, response& r, serialize_options& opts) {
    c.head_out.clear();
    if (serialize_head(r, opts, c.head_out)) {
        return;
    }
    fmt::print(stderr, "weft: handler returned a response with an invalid head; answering 500\n");
    r = response::problem(status::internal_server_error, "invalid response head");
    c.head_out.clear();
    (void)serialize_head(r, opts, c.head_out); // a problem document is always valid
}

// Answers a request that cannot be served with `s` and `Connection: close`, then closes.
task<void> fail(connection_state& c, status s, std::string_view detail) {
    response r = response::problem(s, detail);
    serialize_options opts;
    opts.keep_alive = false;
    opts.date = c.dates.now();
    serialize(c, r, opts);
    if (co_await write_response(c, r, false)) {
        co_await linger_close(c.conn);
    }
}

task<void> fail(connection_state& c, const parse_error& e) {
    co_await fail(c, e.to_status(), describe(e.code));
}

// Calls the handler; an exception becomes a logged 500.
task<response> call_handler(connection_state& c, request& req) {
    const request_head& head = req.head();
    std::optional<response> r;
    try {
        r.emplace(co_await c.h(req));
    } catch (const std::exception& e) {
        fmt::print(stderr, "weft: handler for {} {} threw: {}\n", head.method, head.target,
                   e.what());
    } catch (...) {
        fmt::print(stderr, "weft: handler for {} {} threw a non-standard exception\n", head.method,
                   head.target);
    }
    if (!r) {
        co_return response::problem(status::internal_server_error, "the handler failed");
    }
    co_return std::move(*r);
}

enum class outcome : std::uint8_t { ready, closed };

// Reads until c.buffer holds a complete request head. On `closed` the connection has been
// answered (if need be) and must be dropped. @returns the head's length on success.
task<std::optional<std::size_t>> read_head(connection_state& c, bool first_request) {
    const std::size_t max_buffer = c.options.limits.max_header_bytes + buffer_slack;
    std::optional<steady_clock::time_point> deadline;
    if (first_request) {
        deadline = steady_clock::now() + c.options.header_timeout;
    }
    for (;;) {
        if (c.filled > 0) {
            auto parsed = c.parser.parse(std::string_view(c.buffer.data(), c.filled));
            if (!parsed) {
                co_await fail(c, parsed.error());
                co_return std::nullopt;
            }
            if (*parsed != request_parser::incomplete) {
                co_return *parsed;
            }
            if (!deadline) {
                deadline = steady_clock::now() + c.options.header_timeout;
            }
        }
        if (c.filled == c.buffer.size()) {
            if (c.buffer.size() >= max_buffer) {
                co_await fail(c, status::request_header_fields_too_large,
                              describe(http_errc::headers_too_large));
                co_return std::nullopt;
            }
            c.buffer.resize(std::clamp(c.buffer.size() * 2, initial_buffer, max_buffer));
        }
        steady_clock::duration wait = c.options.keep_alive_timeout;
        if (deadline) {
            wait = *deadline - steady_clock::now();
        }
        io_result n = unexpected(std::make_error_code(std::errc::timed_out));
        if (wait > steady_clock::duration::zero()) {
            n = co_await with_timeout(
                wait,
                read_some_of(c.conn, bytes_at(c.buffer, c.filled, c.buffer.size() - c.filled)));
        }
        if (!n) {
            if (is_timeout(n.error()) && c.filled > 0) {
                co_await fail(c, status::request_timeout, "the request head took too long");
            }
            co_return std::nullopt; // idle timeout, reset or cancellation: just close
        }
        if (*n == 0) {
            co_return std::nullopt; // the peer closed
        }
        c.filled += *n;
    }
}

// Reads the rest of a Content-Length body straight into c.body.
task<outcome> read_fixed_body(connection_state& c, std::size_t got) {
    while (got < c.body.size()) {
        auto n =
            co_await with_timeout(c.options.body_timeout,
                                  read_some_of(c.conn, bytes_at(c.body, got, c.body.size() - got)));
        if (!n) {
            if (is_timeout(n.error())) {
                co_await fail(c, status::request_timeout, "the request body took too long");
            }
            co_return outcome::closed;
        }
        if (*n == 0) {
            co_return outcome::closed;
        }
        got += *n;
    }
    co_return outcome::ready;
}

// Decodes a chunked body from c.chunks (which starts with what followed the head), reading
// more as needed. On success c.chunks holds the bytes after the body (the next request).
task<outcome> read_chunked_body(connection_state& c) {
    c.decoder.reset();
    std::size_t pos = 0;
    for (;;) {
        while (pos < c.chunks.size()) {
            auto p = c.decoder.decode(std::string_view(c.chunks).substr(pos));
            if (!p) {
                co_await fail(c, p.error());
                co_return outcome::closed;
            }
            c.body.append(p->data);
            pos += p->consumed;
            if (p->done || p->consumed == 0) {
                break;
            }
        }
        if (c.decoder.done()) {
            c.chunks.erase(0, pos);
            co_return outcome::ready;
        }
        c.chunks.erase(0, pos);
        pos = 0;
        const std::size_t old = c.chunks.size();
        c.chunks.resize(old + chunk_read_size);
        auto n = co_await with_timeout(
            c.options.body_timeout, read_some_of(c.conn, bytes_at(c.chunks, old, chunk_read_size)));
        c.chunks.resize(old + (n ? *n : 0));
        if (!n) {
            if (is_timeout(n.error())) {
                co_await fail(c, status::request_timeout, "the request body took too long");
            }
            co_return outcome::closed;
        }
        if (*n == 0) {
            co_return outcome::closed;
        }
    }
}

// Moves `rest` (bytes that followed the request just answered) to the front of c.buffer.
void keep_rest(connection_state& c, std::string_view rest) {
    if (c.buffer.size() < rest.size()) {
        c.buffer.resize(rest.size());
    }
    std::memmove(c.buffer.data(), rest.data(), rest.size());
    c.filled = rest.size();
    if (c.filled == 0 && c.buffer.size() > initial_buffer) {
        c.buffer.resize(initial_buffer); // an idle connection keeps only a small buffer
        c.buffer.shrink_to_fit();
    }
    // A body can be up to max_body: between requests keep no more than a read buffer's worth.
    if (c.body.capacity() > initial_buffer) {
        c.body = std::string();
    }
    if (c.chunks.capacity() > chunk_read_size) {
        c.chunks = std::string();
    }
}

// Reads the body of the request whose head is parsed, answers it and writes the response.
// Runs shielded from the server's stop (see serve): `server_stop` only turns keep-alive off.
task<outcome> answer(connection_state& c, std::size_t head_length, std::stop_token server_stop) {
    const request_head& head = c.parser.head();
    const std::size_t buffered = c.filled - head_length;

    // The body: what is already buffered, then straight from the socket.
    if (head.expect_continue && head.has_body() && buffered == 0) {
        auto sent = co_await with_timeout(
            c.options.send_timeout,
            c.conn.write_all(std::as_bytes(std::span(continue_line.data(), continue_line.size()))));
        if (!sent) {
            co_return outcome::closed;
        }
    }
    c.body.clear();
    std::size_t rest_begin = head_length; // where the next request starts in c.buffer
    bool rest_in_chunks = false;
    if (head.chunked) {
        c.chunks.assign(c.buffer.data() + head_length, buffered);
        rest_in_chunks = true;
        if (co_await read_chunked_body(c) == outcome::closed) {
            co_return outcome::closed;
        }
    } else if (head.content_length.value_or(0) > 0) {
        const auto length = static_cast<std::size_t>(*head.content_length); // <= max_body
        const std::size_t take = std::min(length, buffered);
        c.body.resize(length);
        std::memcpy(c.body.data(), c.buffer.data() + head_length, take);
        rest_begin += take;
        if (co_await read_fixed_body(c, take) == outcome::closed) {
            co_return outcome::closed;
        }
    }

    // The response. head's views stay valid: c.buffer is untouched until it is written.
    request req(head, c.body, c.peer);
    response r = co_await call_handler(c, req);
    const bool head_request = head.method == "HEAD";
    bool keep_alive = head.keep_alive;
    if (auto connection = r.find("Connection"); connection && lists_close(*connection)) {
        keep_alive = false;
    }
    if (server_stop.stop_requested()) {
        keep_alive = false; // shutting down: finish this response, take no more
    }
    serialize_options opts;
    opts.head_request = head_request;
    opts.keep_alive = keep_alive;
    opts.http10 = head.version == http_version::http_1_0;
    opts.date = c.dates.now();
    serialize(c, r, opts);
    if (!co_await write_response(c, r, head_request)) {
        co_return outcome::closed;
    }
    if (!keep_alive) {
        co_await linger_close(c.conn);
        co_return outcome::closed;
    }

    // Pipelining: whatever followed this request is the start of the next one.
    if (rest_in_chunks) {
        keep_rest(c, c.chunks);
        c.chunks.clear();
    } else {
        keep_rest(c, std::string_view(c.buffer.data() + rest_begin, c.filled - rest_begin));
    }
    co_return outcome::ready;
}

// Graceful stop: the server's stop token cancels only the wait for a request head (an idle
// or half-sent connection just closes). Once a head is complete, the request is answered
// under an empty token, so a stop never cuts a response short; its own timeouts bound it.
task<void> serve(connection_state& c) {
    const std::stop_token server_stop = co_await this_stop_token();
    c.buffer.resize(initial_buffer);
    for (bool first = true;; first = false) {
        c.parser.reset();
        const auto head_length = co_await read_head(c, first);
        if (!head_length) {
            co_return;
        }
        if (co_await await_with_token(answer(c, *head_length, server_stop), std::stop_token()) ==
            outcome::closed) {
            co_return;
        }
        if (server_stop.stop_requested()) {
            co_return;
        }
    }
}

} // namespace

task<void> serve_connection(io::tcp_stream conn, const handler& h, server_options options,
                            date_cache& dates) {
    connection_state c(std::move(conn), h, options, dates);
    c.peer = c.conn.peer_address().value_or(addr::socket_address{});
    co_await serve(c);
}

} // namespace weft::http
