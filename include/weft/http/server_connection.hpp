#pragma once

// Serving HTTP/1.1 on one accepted connection: read, parse, collect the body, call the
// handler, write the response (gather write or sendfile), keep-alive and pipelining.

#include <weft/http/date.hpp>
#include <weft/http/handler.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>
#include <weft/io/task.hpp>
#include <weft/io/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace weft::http {

/// The limits and timeouts of one connection.
struct server_options {
    /// Size limits of the head and the body (431, 414, 413, ...).
    parser_limits limits;
    /// Deadline for a whole request head, from its first byte (from the accept for the first
    /// request). Mid-head it is answered with 408; before any byte the connection just closes.
    std::chrono::milliseconds header_timeout{10000};
    /// Longest wait for each read of a request body; then 408 and close.
    std::chrono::milliseconds body_timeout{30000};
    /// Longest idle wait for the next request on a kept-alive connection; then close quietly.
    std::chrono::milliseconds keep_alive_timeout{75000};
    /// Longest wait for each response write (head, body or file) to finish; then close.
    std::chrono::milliseconds send_timeout{30000};
    /// Which requests have their body streamed to the handler (`request::read_body`) rather
    /// than collected first, e.g. `router::stream_predicate()`. Empty: every body is collected.
    std::function<bool(const request_head&)> stream_body;
    /// Largest streamed body (Content-Length or chunked total); 0 means `limits.max_body`.
    /// Collected bodies keep `limits.max_body` (413) whatever this says.
    std::uint64_t max_streamed_body = 0;
    /// Decremented when the connection ends (a server's count of open connections), or null.
    std::atomic<std::size_t>* open_connections = nullptr;
};

/// Serves HTTP/1.1 (and 1.0) requests on `conn` until the peer closes, a request asks to
/// close, an error or timeout ends it, or the task's stop token is triggered.
///
/// Requests are answered in order (pipelined requests included: bytes read past one request
/// start the next). A malformed request is answered with its status (400, 411, 413, 414, 431,
/// 501, 505) as a problem document and `Connection: close`. `Expect: 100-continue` gets an
/// interim `100 Continue` before the body is read. HEAD responses carry no body. The
/// connection is closed gracefully (shutdown, then unread input is drained for a moment) so
/// the peer receives the last response before the FIN, not a reset; when the client itself
/// asked to close and sent nothing more, it is just closed (nginx's `lingering_close on`).
/// TCP_NODELAY is set once a connection is kept alive after a response.
///
/// `h`, `options` and `dates` are the caller's and must outlive the returned task (typically
/// they belong to the server, and `dates` to the loop's thread); an idle connection holds
/// nothing else but its socket. Run the task on the loop that owns `conn`.
task<void> serve_connection(io::tcp_stream conn, const handler& h, const server_options& options,
                            date_cache& dates);
/// serve_connection with the peer's address already known (from accept): no getpeername.
task<void> serve_connection(io::tcp_stream conn, addr::socket_address peer, const handler& h,
                            const server_options& options, date_cache& dates);

} // namespace weft::http
