#pragma once

// The access log: one line per request in the combined log format (nginx's and Apache's
// default), written to a file or to standard output off the hot path.

#include <weft/expected.hpp>
#include <weft/http/handler.hpp>
#include <weft/io/task.hpp>

#include <memory>
#include <string>

namespace weft::server {

/// Logs requests as
/// `127.0.0.1 - - [25/Nov/2026:07:08:13 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.88.1"`:
/// peer address, remote user ("-"), local time, request line, status, body bytes sent,
/// Referer and User-Agent. Quotes, backslashes and bytes outside printable ASCII in the
/// quoted fields are escaped (`\"`, `\\`, `\xHH`, as nginx does), so a client cannot forge
/// lines.
///
/// Off the hot path: each worker thread appends to a buffer of its own and writes it with one
/// write(2) when it passes 32 KiB, when `flusher` ticks (every second), and when the thread
/// ends; no lock is taken per request. Lines from different threads are whole but may be
/// out of time order by up to a second. Destroying the log writes the calling thread's lines;
/// another thread's lines are written when that thread ends, to this log's file, which stays
/// open until then.
class access_log {
  public:
    /// Opens `where` for appending (created 0644), or standard output for "-". The error
    /// names the file and the reason.
    static expected<std::shared_ptr<access_log>, std::string> open(const std::string& where);
    ~access_log();
    access_log(const access_log&) = delete;
    access_log& operator=(const access_log&) = delete;

    /// Middleware that logs every request after its response (404s and 500s included).
    [[nodiscard]] http::middleware middleware() const;

    /// A task for each worker: flushes that thread's buffer every second until cancelled.
    [[nodiscard]] task<void> flusher() const;

    /// Writes the calling thread's buffered lines now.
    void flush_this_thread() const;

    /// Appends one line for `r` answered by `out` to the calling thread's buffer.
    void log(const http::request& r, const http::response& out) const;

  private:
    struct sink; // the descriptor, shared with every thread's buffer of this log
    explicit access_log(std::shared_ptr<sink> s) noexcept : sink_(std::move(s)) {}
    std::shared_ptr<sink> sink_;
};

} // namespace weft::server
