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
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace weft::http {
namespace {

using io::steady_clock;
using time_point = steady_clock::time_point;
// "No deadline" where an optional<time_point> would cost a connection's frame 8 bytes more.
constexpr time_point no_deadline = time_point::max();

constexpr std::size_t initial_buffer = 4 * 1024; // read buffer of a request head
constexpr std::size_t buffer_slack = 1024;       // past max_header_bytes, for the parser's 431
constexpr std::size_t chunk_read_size = 16 * 1024;
constexpr std::size_t linger_bytes = 256 * 1024; // unread input drained before closing
constexpr auto linger_time = std::chrono::seconds(1);
// Pipelined responses are gathered in one output buffer and written together once no complete
// request is left in the read buffer, or once this much is waiting.
constexpr std::size_t batch_limit = 64 * 1024;
// A string body up to this size is copied into the batch; a larger one goes out by itself
// in a gather write after the batch.
constexpr std::size_t copy_limit = 16 * 1024;
// Working sets kept per thread for the next busy connection.
constexpr std::size_t spare_limit = 16;
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

using io_result = expected<std::size_t, std::error_code>;

std::span<std::byte> bytes_at(std::string& s, std::size_t from, std::size_t count) noexcept {
    return std::as_writable_bytes(std::span(s.data() + from, count));
}

iovec iovec_of(std::string_view s) noexcept {
    return iovec{const_cast<char*>(s.data()), s.size()}; // NOLINT: sendmsg does not write
}

bool is_timeout(const std::error_code& ec) noexcept {
    return ec == std::errc::timed_out;
}

bool would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::resource_unavailable_try_again;
}

bool same_limits(const parser_limits& a, const parser_limits& b) noexcept {
    return a.max_request_line == b.max_request_line && a.max_header_bytes == b.max_header_bytes &&
           a.max_headers == b.max_headers && a.max_body == b.max_body &&
           a.max_chunk_line == b.max_chunk_line && a.allow_chunked == b.allow_chunked;
}

// The limits the parser and decoder enforce on the wire: the body limit is the larger of the
// collected and the streamed one (collected bodies are checked against theirs in answer).
parser_limits wire_limits(const server_options& o) noexcept {
    parser_limits l = o.limits;
    l.max_body = std::max(l.max_body, o.max_streamed_body);
    return l;
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

// What a connection needs only while it has a request in hand: the read buffer, the parser
// and chunked decoder, the body, and the output batch. An idle connection holds none of it:
// it goes back to a small per-thread pool (nginx frees its buffers in ngx_http_set_keepalive).
struct working_set {
    explicit working_set(const parser_limits& l)
        : parser(l), decoder(l), buffer(initial_buffer, '\0') {}

    request_parser parser;
    chunked_decoder decoder;
    std::string buffer;     // buffer.size() is the room; [begin, end) is input not yet used
    std::size_t begin = 0;  // where the next request starts
    std::size_t end = 0;    // end of what was read
    bool full_read = false; // the last read filled the room: more may be queued
    std::string body;       // the current request's body
    std::string chunks;     // chunked input not yet decoded
    std::string out;        // responses serialized and not yet written

    [[nodiscard]] bool has_input() const noexcept { return begin < end; }
    [[nodiscard]] std::string_view input() const noexcept {
        return {buffer.data() + begin, end - begin};
    }

    // Back to as good as new, keeping the small buffers. @returns false if it holds much
    // memory (a large head or body): then it is freed instead of kept.
    bool tidy() noexcept {
        parser.reset();
        begin = end = 0;
        full_read = false;
        body.clear();
        chunks.clear();
        out.clear();
        return buffer.size() == initial_buffer && body.capacity() <= initial_buffer &&
               chunks.capacity() <= chunk_read_size && out.capacity() <= batch_limit;
    }
};

// The loop thread's spare working sets (a connection lives and dies on one thread). A
// connection that outlives its thread's list (destroyed at thread exit) just frees its own.
thread_local bool spares_gone = false;
struct spare_list {
    std::vector<std::unique_ptr<working_set>> items;
    spare_list() = default;
    spare_list(const spare_list&) = delete;
    spare_list& operator=(const spare_list&) = delete;
    ~spare_list() { spares_gone = true; }
};
std::vector<std::unique_ptr<working_set>>* spares() {
    if (spares_gone) {
        return nullptr;
    }
    thread_local spare_list list;
    return &list.items;
}

// Everything one connection keeps, idle or not: its socket and peer, references to what the
// server shares, and the working set while busy. It is the only parameter of
// run_connection, so its frame holds each of these once.
struct connection {
    connection(io::tcp_stream c, const addr::socket_address& p, const handler& handler_fn,
               const server_options& o, date_cache& d) noexcept
        : conn(std::move(c)), peer(p), h(handler_fn), options(o), dates(d) {}
    // Moved once, into run_connection's frame; only the moved-to one counts the connection.
    connection(connection&& other) noexcept
        : conn(std::move(other.conn)), peer(other.peer), h(other.h), options(other.options),
          dates(other.dates), ws(std::move(other.ws)), nodelay(other.nodelay),
          counted(std::exchange(other.counted, false)) {}
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    connection& operator=(connection&&) = delete;
    ~connection() {
        idle();
        if (counted && options.open_connections != nullptr) {
            options.open_connections->fetch_sub(1, std::memory_order_relaxed);
        }
    }

    io::tcp_stream conn;
    addr::socket_address peer;
    const handler& h;
    const server_options& options;
    date_cache& dates;
    std::unique_ptr<working_set> ws;
    bool nodelay = false; // TCP_NODELAY set (once the connection is kept alive)
    bool counted = true;  // decrements options.open_connections when destroyed

    working_set& busy() {
        if (!ws) {
            auto* list = spares();
            if (list != nullptr && !list->empty() &&
                same_limits(list->back()->parser.limits(), wire_limits(options))) {
                ws = std::move(list->back());
                list->pop_back();
            } else {
                ws = std::make_unique<working_set>(wire_limits(options));
            }
        }
        return *ws;
    }

    // Gives the working set back: the connection holds no buffer until its next request.
    void idle() noexcept {
        if (!ws) {
            return;
        }
        auto* list = spares();
        if (ws->tidy() && list != nullptr && list->size() < spare_limit) {
            try {
                list->push_back(std::move(ws));
            } catch (...) {
                // no room in the list: just free it
            }
        }
        ws.reset();
    }
};

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
        auto n = co_await conn.read_some(sink, until);
        if (!n || *n == 0) {
            break;
        }
        drained += *n;
    }
    conn.close();
}

// Writes `parts` in full, waiting for room when the socket is full, each wait bounded by the
// send timeout. `more` keeps MSG_MORE on (a file follows). @returns whether all went out.
task<bool> write_rest(connection& c, std::span<iovec> parts, bool more) {
    std::size_t first = 0;
    while (first < parts.size()) {
        auto n = c.conn.try_write(parts.subspan(first), more);
        if (!n) {
            if (!would_block(n.error())) {
                co_return false;
            }
            auto ready =
                co_await c.conn.wait_writable(steady_clock::now() + c.options.send_timeout);
            if (!ready) {
                co_return false;
            }
            continue;
        }
        std::size_t left = *n;
        while (first < parts.size() && left >= parts[first].iov_len) {
            left -= parts[first].iov_len;
            ++first;
        }
        if (left > 0) {
            parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
            parts[first].iov_len -= left;
        }
    }
    co_return true;
}

enum class sent : std::uint8_t { done, pending, failed };

// Writes `parts` now if the socket takes them all (the usual case, no coroutine needed).
// On `pending`, `parts` has been advanced past what went out: finish with write_rest.
sent write_now(connection& c, std::span<iovec>& parts, bool more) {
    while (!parts.empty() && parts.front().iov_len == 0) {
        parts = parts.subspan(1);
    }
    if (parts.empty()) {
        return sent::done;
    }
    auto n = c.conn.try_write(parts, more);
    if (!n) {
        return would_block(n.error()) ? sent::pending : sent::failed;
    }
    std::size_t left = *n;
    while (!parts.empty() && left >= parts.front().iov_len) {
        left -= parts.front().iov_len;
        parts = parts.subspan(1);
    }
    if (parts.empty()) {
        return sent::done;
    }
    parts.front().iov_base = static_cast<char*>(parts.front().iov_base) + left;
    parts.front().iov_len -= left;
    return sent::pending;
}

// Writes the batch (c.ws->out), then `extra` (a large body) after it. @returns whether it
// all went out; the batch is empty afterwards either way.
task<bool> flush(connection& c, std::string_view extra = {}, bool more = false) {
    working_set& ws = *c.ws;
    std::array<iovec, 2> parts{iovec_of(ws.out), iovec_of(extra)};
    std::span<iovec> left(parts);
    auto s = write_now(c, left, more);
    bool ok = s == sent::done;
    if (s == sent::pending) {
        // Shielded from the server's stop like answering: a stop never cuts a response short.
        ok = co_await await_with_token(write_rest(c, left, more), std::stop_token());
    }
    ws.out.clear();
    co_return ok;
}

// Sends the file range of a response, after its head has gone out with MSG_MORE.
task<bool> send_file_body(connection& c, const file_range& file) {
    auto n = co_await with_timeout(c.options.send_timeout,
                                   c.conn.send_file(file.fd, file.offset, file.length));
    co_return n&&* n == file.length; // fewer: the Content-Length promised more
}

// Serializes the head of `r` into the batch. If its headers are unsafe, answers 500 instead.
void serialize(connection& c, response& r, serialize_options& opts) {
    std::string& out = c.ws->out;
    const std::size_t mark = out.size();
    if (serialize_head(r, opts, out)) {
        return;
    }
    fmt::print(stderr, "weft: handler returned a response with an invalid head; answering 500\n");
    out.resize(mark);
    r = response::problem(status::internal_server_error, "invalid response head");
    (void)serialize_head(r, opts, out); // a problem document is always valid
}

// Adds `r` to the batch, or writes it: a large string body goes out after the batch in one
// gather write, a file after the batch and the head. @returns whether all is well.
task<bool> put_response(connection& c, response& r, serialize_options& opts) {
    serialize(c, r, opts);
    const std::string_view body = body_view(r, opts.head_request);
    const file_range* file = body_file(r, opts.head_request);
    std::string& out = c.ws->out;
    if (file != nullptr && file->length > 0) {
        if (!co_await flush(c, body, true)) {
            co_return false;
        }
        co_return co_await send_file_body(c, *file);
    }
    if (body.size() <= copy_limit) {
        out.append(body);
        co_return true;
    }
    co_return co_await flush(c, body);
}

// Answers a request that cannot be served with `s` and `Connection: close`, then closes.
task<void> fail(connection& c, status s, std::string_view detail) {
    response r = response::problem(s, detail);
    serialize_options opts;
    opts.keep_alive = false;
    opts.date = c.dates.now();
    c.busy();
    if (co_await put_response(c, r, opts) && co_await flush(c)) {
        co_await linger_close(c.conn);
    }
}

// 413's detail says the limit, so a client knows what it may send (RFC 9110 §15.5.14).
std::string body_limit_detail(std::uint64_t limit) {
    return fmt::format("request body exceeds the limit of {} bytes", limit);
}

task<void> fail(connection& c, const parse_error& e) {
    if (e.code == http_errc::body_too_large) {
        // The parser and decoder enforce the wire limit (the larger of collected and streamed).
        co_await fail(c, status::content_too_large,
                      body_limit_detail(wire_limits(c.options).max_body));
        co_return;
    }
    co_await fail(c, e.to_status(), describe(e.code));
}

enum class outcome : std::uint8_t { ready, closed };

// Reads more of a request head into the buffer (making room first), after writing what is
// batched. Waits until `deadline`. @returns the bytes read (0: the peer closed), or the error.
task<io_result> read_more(connection& c, time_point deadline) {
    working_set& ws = c.busy();
    if (!ws.out.empty() && !co_await flush(c)) {
        co_return unexpected(std::make_error_code(std::errc::broken_pipe));
    }
    auto room = bytes_at(ws.buffer, ws.end, ws.buffer.size() - ws.end);
    auto n = c.conn.try_read_some(room);
    if (!n && would_block(n.error())) {
        n = co_await c.conn.read_some(room, deadline);
    }
    co_return n;
}

// Reads the rest of a Content-Length body straight into ws.body.
// One read of a collected body, bounded by the body timeout. @returns the bytes read, or
// nullopt when the connection is done: the peer left, or it was too slow (answered 408).
task<std::optional<std::size_t>> read_body_bytes(connection& c, std::span<std::byte> room) {
    auto n = co_await c.conn.read_some(room, steady_clock::now() + c.options.body_timeout);
    if (!n) {
        if (is_timeout(n.error())) {
            co_await fail(c, status::request_timeout, "the request body took too long");
        }
        co_return std::nullopt;
    }
    if (*n == 0) {
        co_return std::nullopt;
    }
    co_return *n;
}

task<outcome> read_fixed_body(connection& c, std::size_t got) {
    working_set& ws = *c.ws;
    if (got < ws.body.size() && !ws.out.empty() && !co_await flush(c)) {
        co_return outcome::closed;
    }
    while (got < ws.body.size()) {
        auto n = co_await read_body_bytes(c, bytes_at(ws.body, got, ws.body.size() - got));
        if (!n) {
            co_return outcome::closed;
        }
        got += *n;
    }
    co_return outcome::ready;
}

// Decodes a chunked body from ws.chunks (which starts with what followed the head), reading
// more as needed. On success ws.chunks holds the bytes after the body (the next request).
task<outcome> read_chunked_body(connection& c) {
    working_set& ws = *c.ws;
    ws.decoder.reset();
    std::size_t pos = 0;
    for (;;) {
        while (pos < ws.chunks.size()) {
            auto p = ws.decoder.decode(std::string_view(ws.chunks).substr(pos));
            if (!p) {
                co_await fail(c, p.error());
                co_return outcome::closed;
            }
            ws.body.append(p->data);
            if (ws.body.size() > c.options.limits.max_body) {
                co_await fail(c, status::content_too_large,
                              body_limit_detail(c.options.limits.max_body));
                co_return outcome::closed;
            }
            pos += p->consumed;
            if (p->done || p->consumed == 0) {
                break;
            }
        }
        ws.chunks.erase(0, pos);
        if (ws.decoder.done()) {
            co_return outcome::ready;
        }
        pos = 0;
        if (!ws.out.empty() && !co_await flush(c)) {
            co_return outcome::closed;
        }
        const std::size_t old = ws.chunks.size();
        ws.chunks.resize(old + chunk_read_size);
        auto n = co_await read_body_bytes(c, bytes_at(ws.chunks, old, chunk_read_size));
        ws.chunks.resize(old + n.value_or(0));
        if (!n) {
            co_return outcome::closed;
        }
    }
}

// Puts `rest` (bytes that followed a chunked request) back as the unread input.
void keep_rest(working_set& ws, std::string_view rest) {
    if (ws.buffer.size() < rest.size()) {
        ws.buffer.resize(rest.size());
    }
    std::memmove(ws.buffer.data(), rest.data(), rest.size());
    ws.begin = 0;
    ws.end = rest.size();
}

// A request body handed to the handler piece by piece (router::stream routes): what is
// buffered after the head first, then reads of at most what is left, so nothing past the body
// (a pipelined request) is consumed. Pieces are views into the working set, valid until the
// next call.
class streamed_body final : public body_source {
  public:
    streamed_body(connection& c, std::size_t head_end) noexcept : c_(c), pos_(head_end) {
        const request_head& head = c.ws->parser.head();
        chunked_ = head.chunked;
        left_ = head.content_length.value_or(0);
        if (chunked_) {
            working_set& ws = *c.ws;
            ws.chunks.assign(ws.buffer.data() + pos_, ws.end - pos_);
            pos_ = ws.end;
            ws.decoder.reset();
        }
    }

    task<expected<std::string_view, std::error_code>> next() override {
        if (failed_) {
            co_return unexpected(failed_);
        }
        if (finished_) {
            co_return std::string_view();
        }
        // Not `chunked_ ? co_await a() : co_await b()`: g++ 12 mis-compiles co_await inside
        // a conditional expression.
        if (chunked_) {
            co_return co_await next_chunk();
        }
        co_return co_await next_fixed();
    }

    [[nodiscard]] bool finished() const noexcept override { return finished_; }
    /// Where the next request starts in the read buffer (fixed-length bodies).
    [[nodiscard]] std::size_t rest_begin() const noexcept { return pos_; }
    [[nodiscard]] bool chunked() const noexcept { return chunked_; }
    /// Drops the chunked input the last piece came from (it stays until the next call, as
    /// the piece is a view into it): afterwards ws.chunks starts with the next request.
    void release_consumed() noexcept {
        c_.ws->chunks.erase(0, consumed_);
        consumed_ = 0;
    }

  private:
    task<expected<std::string_view, std::error_code>> next_fixed() {
        working_set& ws = *c_.ws;
        if (left_ == 0) {
            finished_ = true;
            co_return std::string_view();
        }
        if (pos_ < ws.end) {
            const std::size_t take = std::min<std::uint64_t>(left_, ws.end - pos_);
            const std::string_view piece(ws.buffer.data() + pos_, take);
            pos_ += take;
            left_ -= take;
            co_return piece;
        }
        const std::size_t want = std::min<std::uint64_t>(left_, chunk_read_size);
        ws.chunks.resize(want);
        auto n = co_await read_piece(bytes_at(ws.chunks, 0, want));
        if (!n) {
            co_return unexpected(n.error());
        }
        left_ -= *n;
        co_return std::string_view(ws.chunks.data(), *n);
    }

    task<expected<std::string_view, std::error_code>> next_chunk() {
        working_set& ws = *c_.ws;
        for (;;) {
            release_consumed();
            while (!ws.chunks.empty()) {
                auto p = ws.decoder.decode(ws.chunks);
                if (!p) {
                    failed_ = make_error_code(p.error().code);
                    co_return unexpected(failed_);
                }
                consumed_ = p->consumed;
                if (ws.decoder.done()) {
                    finished_ = true; // what follows `consumed_` is the next request
                }
                if (!p->data.empty() || finished_) {
                    co_return p->data;
                }
                if (p->consumed == 0) {
                    break; // needs more input
                }
                ws.chunks.erase(0, consumed_);
                consumed_ = 0;
            }
            const std::size_t old = ws.chunks.size();
            ws.chunks.resize(old + chunk_read_size);
            auto n = co_await read_piece(bytes_at(ws.chunks, old, chunk_read_size));
            ws.chunks.resize(old + (n ? *n : 0));
            if (!n) {
                co_return unexpected(n.error());
            }
        }
    }

    // One read from the socket, after writing what is batched. Fails on EOF and timeout.
    task<io_result> read_piece(std::span<std::byte> room) {
        if (!c_.ws->out.empty() && !co_await flush(c_)) {
            failed_ = std::make_error_code(std::errc::broken_pipe);
            co_return unexpected(failed_);
        }
        auto n = co_await c_.conn.read_some(room, steady_clock::now() + c_.options.body_timeout);
        if (!n || *n == 0) {
            failed_ = n ? std::make_error_code(std::errc::connection_aborted) : n.error();
            co_return unexpected(failed_);
        }
        co_return n;
    }

    connection& c_;
    std::size_t pos_;          // next unread byte of the body in ws.buffer (fixed length)
    std::uint64_t left_ = 0;   // bytes of a fixed-length body not yet returned
    std::size_t consumed_ = 0; // chunked input decoded by the last call, erased by the next
    bool chunked_ = false;
    bool finished_ = false;
    std::error_code failed_;
};

// Calls the handler; an exception becomes a logged 500.
task<response> call_handler(connection& c, request& req) {
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

// Reads the body of the request whose head is parsed, answers it and adds the response to
// the batch (or writes it). Runs shielded from the server's stop (see serve_connection):
// `server_stop` only turns keep-alive off.
task<outcome> answer(connection& c, std::size_t head_length, std::stop_token server_stop) {
    working_set& ws = *c.ws;
    const request_head& head = ws.parser.head();
    const std::size_t head_end = ws.begin + head_length;
    const std::size_t buffered = ws.end - head_end;

    // The body: what is already buffered, then straight from the socket.
    if (head.expect_continue && head.has_body() && buffered == 0) {
        ws.out.append(continue_line);
        if (!co_await flush(c)) {
            co_return outcome::closed;
        }
    }
    ws.body.clear();
    std::size_t rest_begin = head_end; // where the next request starts in ws.buffer
    bool rest_in_chunks = false;
    const bool stream = head.has_body() && c.options.stream_body && c.options.stream_body(head);
    std::optional<streamed_body> source;
    if (stream) {
        source.emplace(c, head_end);
    } else if (head.content_length.value_or(0) > c.options.limits.max_body) {
        co_await fail(c, status::content_too_large, body_limit_detail(c.options.limits.max_body));
        co_return outcome::closed;
    } else if (head.chunked) {
        ws.chunks.assign(ws.buffer.data() + head_end, buffered);
        rest_in_chunks = true;
        if (co_await read_chunked_body(c) == outcome::closed) {
            co_return outcome::closed;
        }
    } else if (head.content_length.value_or(0) > 0) {
        const auto length = static_cast<std::size_t>(*head.content_length); // <= max_body
        const std::size_t take = std::min(length, buffered);
        ws.body.resize(length);
        std::memcpy(ws.body.data(), ws.buffer.data() + head_end, take);
        rest_begin += take;
        if (co_await read_fixed_body(c, take) == outcome::closed) {
            co_return outcome::closed;
        }
    }

    // The response. head's views stay valid: ws.buffer is untouched until it is answered.
    request req(head, ws.body, c.peer);
    if (source) {
        req.set_body_source(&*source);
    }
    response r = co_await call_handler(c, req);
    const bool head_request = head.method == "HEAD";
    bool keep_alive = head.keep_alive;
    if (source) {
        // A body the handler did not read to the end cannot be skipped reliably: close after
        // the response (linger_close drains a little so the peer still reads it).
        keep_alive = keep_alive && source->finished();
        source->release_consumed();
        rest_in_chunks = source->chunked();
        rest_begin = source->rest_begin();
    }
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
    if (keep_alive && !c.nodelay) {
        c.nodelay = true;
        (void)c.conn.set_nodelay(true); // kept alive: small responses must not wait (nginx)
    }
    if (!co_await put_response(c, r, opts)) {
        co_return outcome::closed;
    }
    if (!keep_alive) {
        // The client asked to close and nothing of it is left unread: no lingering needed
        // (nginx lingers only when input may follow). Anything else may still be arriving,
        // and closing over unread input would reset the connection under the response.
        const bool nothing_follows = !head.keep_alive && !ws.full_read &&
                                     (!source || source->finished()) &&
                                     (rest_in_chunks ? ws.chunks.empty() : rest_begin == ws.end);
        if (co_await flush(c)) {
            if (nothing_follows) {
                c.conn.close();
            } else {
                co_await linger_close(c.conn);
            }
        }
        co_return outcome::closed;
    }

    // Pipelining: whatever followed this request is the start of the next one.
    ws.parser.reset();
    if (rest_in_chunks) {
        keep_rest(ws, ws.chunks);
        ws.chunks.clear();
    } else {
        ws.begin = rest_begin;
        if (ws.begin == ws.end) {
            ws.begin = ws.end = 0;
        }
    }
    // A body can be up to max_body: between requests keep no more than a read buffer's worth.
    if (ws.body.capacity() > initial_buffer) {
        ws.body = std::string();
    }
    if (ws.chunks.capacity() > chunk_read_size) {
        ws.chunks = std::string();
    }
    co_return outcome::ready;
}

// What parsing the buffered input found.
enum class head_state : std::uint8_t { complete, incomplete, failed };

head_state parse_buffered(working_set& ws, std::size_t& head_length, parse_error& error) {
    if (!ws.has_input()) {
        return head_state::incomplete;
    }
    auto parsed = ws.parser.parse(ws.input());
    if (!parsed) {
        error = parsed.error();
        return head_state::failed;
    }
    if (*parsed == request_parser::incomplete) {
        return head_state::incomplete;
    }
    head_length = *parsed;
    return head_state::complete;
}

// Makes room at the end of the buffer for another read of a head: moves the unread input to
// the front, then grows up to the head limit. @returns false when the head is too large.
bool make_room(working_set& ws, std::size_t max_buffer) {
    if (ws.end < ws.buffer.size()) {
        return true;
    }
    if (ws.begin > 0) {
        std::memmove(ws.buffer.data(), ws.buffer.data() + ws.begin, ws.end - ws.begin);
        ws.end -= ws.begin;
        ws.begin = 0;
        return true;
    }
    if (ws.buffer.size() >= max_buffer) {
        return false;
    }
    ws.buffer.resize(std::clamp(ws.buffer.size() * 2, initial_buffer, max_buffer));
    return true;
}

// Reads until the buffer holds a complete request head. On `nullopt` the connection has
// been answered (if need be) and must be dropped. @returns the head's length.
task<std::optional<std::size_t>> read_head(connection& c, std::optional<time_point> deadline) {
    const std::size_t max_buffer = c.options.limits.max_header_bytes + buffer_slack;
    for (;;) {
        working_set& ws = c.busy();
        std::size_t head_length = 0;
        parse_error error{};
        switch (parse_buffered(ws, head_length, error)) {
        case head_state::complete:
            co_return head_length;
        case head_state::failed:
            co_await fail(c, error);
            co_return std::nullopt;
        case head_state::incomplete:
            break;
        }
        if (ws.has_input() && !deadline) {
            deadline = steady_clock::now() + c.options.header_timeout;
        }
        if (!make_room(ws, max_buffer)) {
            co_await fail(c, status::request_header_fields_too_large,
                          describe(http_errc::headers_too_large));
            co_return std::nullopt;
        }
        auto n = co_await read_more(
            c, deadline.value_or(steady_clock::now() + c.options.keep_alive_timeout));
        if (!n) {
            if (is_timeout(n.error()) && c.ws->has_input()) {
                co_await fail(c, status::request_timeout, "the request head took too long");
            }
            co_return std::nullopt; // idle timeout, reset or cancellation: just close
        }
        if (*n == 0) {
            co_return std::nullopt; // the peer closed
        }
        c.ws->end += *n;
        c.ws->full_read = c.ws->end == c.ws->buffer.size();
    }
}

// What the fast path found.
enum class head_now : std::uint8_t {
    complete,  // a whole head is buffered
    need_more, // part of a head, or a malformed one: read_head goes on (and answers errors)
    nothing,   // no input at all (a read would block): wait for readability again
    closed,    // the peer closed or failed between requests: drop quietly
};

// The fast path of reading a head, with no coroutine: one read of what is queued, then a
// parse. Sets `head_length` on `complete`.
head_now read_head_now(connection& c, bool try_read, std::size_t& head_length) {
    working_set& ws = c.busy();
    if (try_read && ws.end < ws.buffer.size()) {
        auto n = c.conn.try_read_some(bytes_at(ws.buffer, ws.end, ws.buffer.size() - ws.end));
        if (!n) {
            if (!would_block(n.error())) {
                return head_now::closed;
            }
            ws.full_read = false;
            if (!ws.has_input()) {
                return head_now::nothing;
            }
        } else if (*n == 0) {
            if (!ws.has_input()) {
                return head_now::closed;
            }
        } else {
            ws.full_read = ws.end + *n == ws.buffer.size();
            ws.end += *n;
        }
    }
    parse_error error{};
    if (parse_buffered(ws, head_length, error) == head_state::complete) {
        return head_now::complete;
    }
    return head_now::need_more;
}

} // namespace

// Graceful stop: the server's stop token cancels only the wait for a request head (an idle
// or half-sent connection just closes). Once a head is complete, the request is answered
// under an empty token, so a stop never cuts a response short; its own timeouts bound it.
//
// The frame of its coroutine (run_connection, spawned without a wrapper) is all an idle
// connection holds (with its socket): between requests it waits for readability with no
// buffer, and the working set goes back to the thread's spares.
task<void> serve_connection(io::tcp_stream conn, const handler& h, const server_options& options,
                            date_cache& dates) {
    addr::socket_address peer = conn.peer_address().value_or(addr::socket_address{});
    return serve_connection(std::move(conn), peer, h, options, dates);
}

// Serves requests while input is at hand: the fast path first, then the coroutine path.
// @returns `ready` once nothing is left to answer and the batch has been written (the
// connection may wait with nothing held), `closed` when it must be dropped. Everything a
// request needs lives here and in the working set, not in run_connection's frame, which is
// all an idle connection keeps.
task<outcome> serve_ready(connection& c, std::stop_token server_stop, time_point& first_deadline) {
    bool try_read = true;
    for (;;) {
        std::size_t head_length = 0;
        const head_now found = read_head_now(c, try_read, head_length);
        if (found == head_now::nothing) {
            // Readable, yet nothing to read (or the last full read was all): wait.
            if (!c.ws->out.empty() && !co_await flush(c)) {
                co_return outcome::closed;
            }
            co_return outcome::ready;
        }
        if (found == head_now::closed) {
            if (c.ws && !c.ws->out.empty()) {
                (void)co_await flush(c);
            }
            co_return outcome::closed;
        }
        if (found == head_now::need_more) {
            auto length = co_await read_head(c, first_deadline == no_deadline
                                                    ? std::nullopt
                                                    : std::optional<time_point>(first_deadline));
            if (!length) {
                co_return outcome::closed;
            }
            head_length = *length;
        }
        first_deadline = no_deadline;
        if (co_await await_with_token(answer(c, head_length, server_stop), std::stop_token()) ==
            outcome::closed) {
            co_return outcome::closed;
        }
        if (c.ws->out.size() >= batch_limit && !co_await flush(c)) {
            co_return outcome::closed;
        }
        if (server_stop.stop_requested()) {
            if (!c.ws->out.empty()) {
                (void)co_await flush(c);
            }
            co_return outcome::closed;
        }
        const bool buffered = c.ws->has_input();
        const bool more_queued = c.ws->full_read;
        if (!buffered && !more_queued) {
            // Nothing to answer: write the batch; the caller lets go of the buffers.
            if (!c.ws->out.empty() && !co_await flush(c)) {
                co_return outcome::closed;
            }
            co_return outcome::ready;
        }
        try_read = !buffered || more_queued;
    }
}

// When waiting for the next request ends: the first request's deadline while it is due,
// else the keep-alive timeout from now. Out of line, so that the temporaries of working it
// out are not kept in run_connection's frame.
time_point idle_deadline(const connection& c, time_point first_deadline) noexcept {
    return first_deadline != no_deadline ? first_deadline
                                         : steady_clock::now() + c.options.keep_alive_timeout;
}

// The coroutine behind serve_connection: `c` is its only parameter (see connection).
task<void> run_connection(connection c) {
    // The first request's head is due by its deadline; later ones have none (no_deadline).
    time_point first_deadline = steady_clock::now() + c.options.header_timeout;
    // A new connection's request is usually queued by the time it is served (the listener
    // defers accepting until it is): read it at once rather than first wait for readability.
    // One call site of each await keeps the frame (all an idle connection holds) small.
    for (;;) {
        if (co_await serve_ready(c, co_await this_stop_token(), first_deadline) ==
            outcome::closed) {
            co_return;
        }
        // Wait for the next request with nothing held.
        c.idle();
        auto ready = co_await c.conn.wait_readable(idle_deadline(c, first_deadline));
        if (!ready) {
            co_return; // idle timeout, reset or stop: just close
        }
    }
}

task<void> serve_connection(io::tcp_stream conn, addr::socket_address peer, const handler& h,
                            const server_options& options, date_cache& dates) {
    return run_connection(connection(std::move(conn), peer, h, options, dates));
}

} // namespace weft::http
