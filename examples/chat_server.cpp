// A line-based chat server: every line a client sends goes to all the other clients.
//
//   $ example_chat_server 127.0.0.1:7002
//   listening on 127.0.0.1:7002
//
//   $ nc 127.0.0.1 7002                  $ nc 127.0.0.1 7002
//   welcome, you are client 1            welcome, you are client 2
//   hello                                client 1: hello
//
// Each client has two halves: a reader that broadcasts its lines, and a writer that drains
// the client's own outbound queue. A slow reader therefore only grows its own queue and
// never holds up the others; when the queue passes a limit, that client is disconnected.
// SIGINT/SIGTERM stop the server cleanly.

#include <weft/addr/socket_address.hpp>
#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/signal_set.hpp>
#include <weft/io/task.hpp>
#include <weft/io/tcp.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <coroutine>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/uio.h>

using namespace std::chrono_literals;
using weft::task;
using weft::io::loop;
using weft::io::signal_set;
using weft::io::tcp_listener;
using weft::io::tcp_stream;

constexpr std::size_t max_line = 4096;      // a longer line ends the connection
constexpr std::size_t max_queued = 1 << 20; // bytes waiting for one client before it is dropped
constexpr std::size_t max_gather = 64;      // lines per write

// Lets the writer sleep until there is something to do. notify() resumes it on the loop's
// next turn (never from inside notify, so the caller's loop over clients stays intact).
class wakeup {
  public:
    struct awaiter {
        wakeup* self;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h) noexcept { self->waiter_ = h; }
        void await_resume() const noexcept {}
    };
    awaiter wait() noexcept { return {this}; }
    void notify() {
        if (waiter_) {
            loop::current()->post(std::exchange(waiter_, {}));
        }
    }

  private:
    std::coroutine_handle<> waiter_;
};

// One connected client. It lives in its session's frame; the room only points at it.
class client {
  public:
    client(tcp_stream conn, int id) : conn_(std::move(conn)), id_(id) {}

    [[nodiscard]] int id() const noexcept { return id_; }
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    tcp_stream& conn() noexcept { return conn_; }

    // Queues a line for this client (the writer sends it later).
    void send(std::string line) {
        if (closed_) {
            return;
        }
        if (queued_ + line.size() > max_queued) {
            fmt::print(stderr, "chat: client {} is not reading, disconnecting it\n", id_);
            close();
            return;
        }
        queued_ += line.size();
        outbox_.push_back(std::move(line));
        writer_.notify();
    }

    // Ends both halves: shutdown makes a pending read return 0 and a pending write fail,
    // and the writer is woken to notice. The queue is left alone: a write in flight may
    // still point into it.
    void close() {
        if (!closed_) {
            closed_ = true;
            (void)conn_.shutdown(SHUT_RDWR);
            writer_.notify();
        }
    }

    // The writer half: sends queued lines in batches until the client is closed.
    task<void> write_queued() {
        std::vector<iovec> batch;
        while (true) {
            while (outbox_.empty() && !closed_) {
                co_await writer_.wait();
            }
            if (closed_) {
                co_return;
            }
            // One gather write for up to max_gather lines, with no copy: the iovecs point
            // into the strings, which stay put because push_back on a deque never moves
            // the elements already in it, and only this loop pops them.
            batch.clear();
            for (std::size_t i = 0; i < std::min(outbox_.size(), max_gather); ++i) {
                batch.push_back({outbox_[i].data(), outbox_[i].size()});
            }
            if (!co_await conn_.write_all(std::span<const iovec>(batch))) {
                close(); // the peer is gone (or the server is stopping)
                co_return;
            }
            for (std::size_t i = 0; i < batch.size(); ++i) {
                queued_ -= outbox_.front().size();
                outbox_.pop_front();
            }
        }
    }

  private:
    tcp_stream conn_;
    int id_;
    std::deque<std::string> outbox_;
    std::size_t queued_ = 0;
    bool closed_ = false;
    wakeup writer_;
};

// Everyone connected. Owned by serve(), which outlives every session.
struct room {
    std::vector<client*> members;
    int next_id = 1;
    std::size_t served = 0;

    void broadcast(const client& from, std::string_view line) {
        const std::string message = fmt::format("client {}: {}\n", from.id(), line);
        for (client* to : members) {
            if (to != &from) {
                to->send(message); // may drop `to`, but never changes `members`
            }
        }
    }
};

// The reader half: splits what arrives into lines and broadcasts each one.
task<void> read_lines(room* r, client* c) {
    std::array<std::byte, 16384> buf;
    std::string partial;
    while (!c->closed()) {
        auto n = co_await c->conn().read_some(buf);
        if (!n || *n == 0) {
            break; // the client left, or the server is stopping (operation_canceled)
        }
        partial.append(reinterpret_cast<const char*>(buf.data()), *n);
        std::size_t start = 0;
        for (std::size_t end; (end = partial.find('\n', start)) != std::string::npos;
             start = end + 1) {
            std::string_view line = std::string_view(partial).substr(start, end - start);
            if (line.ends_with('\r')) {
                line.remove_suffix(1); // telnet and nc -C send CRLF
            }
            r->broadcast(*c, line);
        }
        partial.erase(0, start);
        if (partial.size() > max_line) {
            fmt::print(stderr, "chat: client {} sent a line over {} bytes\n", c->id(), max_line);
            break;
        }
    }
    c->close(); // wakes the writer so the session can end
}

task<void> session(room* r, tcp_stream conn) {
    client c(std::move(conn), r->next_id++);
    r->members.push_back(&c);
    c.send(fmt::format("welcome, you are client {}\n", c.id()));

    // Both halves run concurrently; when_all returns once both have ended, so neither
    // outlives `c`.
    std::vector<task<void>> halves;
    halves.push_back(read_lines(r, &c));
    halves.push_back(c.write_queued());
    co_await weft::when_all(std::move(halves));

    std::erase(r->members, &c);
}

task<void> accept_loop(loop& l, tcp_listener listener, room* r) {
    while (true) {
        auto conn = co_await listener.accept();
        if (!conn) {
            if (conn.error() == std::errc::operation_canceled) {
                co_return;
            }
            fmt::print(stderr, "chat: accept: {}\n", conn.error().message());
            (void)co_await weft::io::sleep_for(100ms);
            continue;
        }
        ++r->served;
        l.spawn(session(r, std::move(*conn)));
    }
}

// Serves until SIGINT or SIGTERM, then cancels every session and waits for them to end.
task<void> serve(loop& l, tcp_listener listener, signal_set signals) {
    room r;
    l.spawn(accept_loop(l, std::move(listener), &r));
    (void)co_await signals.wait();
    l.request_stop();
    while (l.spawned() > 0) {
        (void)co_await weft::io::sleep_for(1ms);
    }
    fmt::print("served {} connections\n", r.served);
}

int main(int argc, char** argv) {
    const std::string_view text = argc > 1 ? argv[1] : "127.0.0.1:7002";
    const auto at = weft::addr::socket_address::parse(text);
    if (!at) {
        fmt::print(stderr, "usage: example_chat_server [ADDRESS:PORT]\n{}\n",
                   at.error().message(text));
        return 2;
    }
    auto l = loop::create();
    if (!l) {
        fmt::print(stderr, "chat: event loop: {}\n", l.error().message());
        return 1;
    }
    auto signals = signal_set::create(**l, {SIGINT, SIGTERM});
    if (!signals) {
        fmt::print(stderr, "chat: signals: {}\n", signals.error().message());
        return 1;
    }
    auto listener = tcp_listener::bind(**l, *at);
    if (!listener) {
        fmt::print(stderr, "chat: {}: {}\n", *at, listener.error().message());
        return 1;
    }
    fmt::print("listening on {}\n", *listener->local_address());
    std::fflush(stdout);
    (*l)->block_on(serve(**l, std::move(*listener), std::move(*signals)), std::stop_token{});
    return 0;
}
