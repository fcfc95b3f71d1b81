#pragma once

// Helpers shared by the runtime tests: loopback listeners and connected pairs, a gate that
// releases many waiting tasks at once, a descriptor-limit guard, and a fixture that lets
// every spawned task finish before the loop dies (a frame with I/O in flight must never be
// freed, and a frame never resumed would be reported as a leak by LSan).

#include "backends.hpp"

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/task.hpp>
#include <weft/io/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/resource.h>

namespace weft::io::testing {

/// The loopback listen addresses every TCP test runs on (port 0: the kernel picks one).
inline constexpr std::string_view loopback_v4 = "127.0.0.1:0";
inline constexpr std::string_view loopback_v6 = "[::1]:0";
inline constexpr std::string_view loopbacks[] = {loopback_v4, loopback_v6};

/// Parses a hard-coded test address (the test's own literal, so .value() is fine here).
inline addr::socket_address address(std::string_view text) {
    return addr::socket_address::parse(text).value();
}

/// The view of a string as bytes, for write_all.
inline std::span<const std::byte> bytes_of(std::string_view s) noexcept {
    return std::as_bytes(std::span(s.data(), s.size()));
}

/// The view of a string's storage as writable bytes, for read.
inline std::span<std::byte> writable_bytes_of(std::string& s) noexcept {
    return std::as_writable_bytes(std::span(s.data(), s.size()));
}

/// Milliseconds as a double, for readable failure messages.
inline double ms(steady_clock::duration d) noexcept {
    return std::chrono::duration<double, std::milli>(d).count();
}

/// Releases every task waiting on it at once (the second half of a barrier):
/// `co_await g.wait()` suspends until open() posts all waiters to the loop, and yields
/// operation_canceled instead if the waiting task is stopped first. Loop thread only.
class gate {
  public:
    explicit gate(loop& owner) noexcept : loop_(&owner) {}
    gate(const gate&) = delete;
    gate& operator=(const gate&) = delete;

    class awaiter {
      public:
        explicit awaiter(gate& g) noexcept : gate_(&g) {}
        awaiter(const awaiter&) = delete;
        awaiter& operator=(const awaiter&) = delete;

        bool await_ready() const noexcept { return gate_->open_; }
        template <class P> bool await_suspend(std::coroutine_handle<P> h) {
            std::stop_token token = detail::stop_token_of(h);
            if (token.stop_requested()) {
                cancelled_ = true;
                return false;
            }
            waiter_ = h;
            gate_->waiters_.push_back(this);
            if (token.stop_possible()) {
                cancel_.emplace(std::move(token), canceller{this});
            }
            return true;
        }
        expected<void, std::error_code> await_resume() noexcept {
            cancel_.reset();
            if (cancelled_) {
                return unexpected(std::make_error_code(std::errc::operation_canceled));
            }
            return {};
        }

      private:
        friend class gate;
        struct canceller {
            awaiter* self;
            void operator()() const noexcept {
                if (self->released_) {
                    return; // already posted by open(): resume once only
                }
                auto& w = self->gate_->waiters_;
                w.erase(std::remove(w.begin(), w.end(), self), w.end());
                self->cancelled_ = true;
                self->released_ = true;
                self->gate_->loop_->post(self->waiter_);
            }
        };
        gate* gate_;
        std::coroutine_handle<> waiter_;
        std::optional<std::stop_callback<canceller>> cancel_;
        bool released_ = false;
        bool cancelled_ = false;
    };
    awaiter wait() noexcept { return awaiter{*this}; }

    /// Opens the gate: every waiter resumes on the next turn, later ones pass at once.
    void open() {
        open_ = true;
        for (awaiter* a : std::exchange(waiters_, {})) {
            a->released_ = true;
            loop_->post(a->waiter_);
        }
    }
    [[nodiscard]] bool is_open() const noexcept { return open_; }
    [[nodiscard]] std::size_t waiting() const noexcept { return waiters_.size(); }

  private:
    loop* loop_;
    std::vector<awaiter*> waiters_;
    bool open_ = false;
};

/// Waits until every task spawned on `l` has finished, or `limit` passes.
/// @returns true if they all finished.
inline task<bool> drain_spawned(loop& l, steady_clock::duration limit = std::chrono::seconds(5)) {
    const auto until = steady_clock::now() + limit;
    while (l.spawned() > 0 && steady_clock::now() < until) {
        co_await sleep_for(std::chrono::milliseconds(1));
    }
    co_return l.spawned() == 0;
}

/// on_each_backend, plus a tear-down that stops and awaits whatever the test left spawned.
class loopback_test : public on_each_backend {
  protected:
    void TearDown() override {
        if (loop_) {
            loop_->request_stop();
            // Its own (empty) token: the loop's is stopped now and would end the sleeps.
            EXPECT_TRUE(loop_->block_on(drain_spawned(*loop_), std::stop_token{}))
                << loop_->spawned() << " spawned tasks never finished";
        }
    }
};

/// A connection seen from both ends.
struct stream_pair {
    tcp_stream client;
    tcp_stream server;
};

/// Listens on `where` (port 0), connects to it and accepts: a connected pair on the current
/// loop. `where` must outlive the task (the constants above do).
inline task<expected<stream_pair, std::error_code>> connected_pair(std::string_view where) {
    auto l = tcp_listener::bind(address(where));
    if (!l) {
        co_return unexpected(l.error());
    }
    auto at = l->local_address();
    if (!at) {
        co_return unexpected(at.error());
    }
    auto c = co_await tcp_stream::connect(*at, std::chrono::seconds(2));
    if (!c) {
        co_return unexpected(c.error());
    }
    auto s = co_await l->accept();
    if (!s) {
        co_return unexpected(s.error());
    }
    co_return stream_pair{std::move(*c), std::move(*s)};
}

/// One read_some as a task, so it can be raced, timed out or cancelled. The stream is the
/// caller's, awaited structurally (the CP.53 exception).
inline task<expected<std::size_t, std::error_code>> read_some_of(tcp_stream& s,
                                                                 std::span<std::byte> buf) {
    co_return co_await s.read_some(buf);
}

/// One accept as a task, for the same reasons.
inline task<expected<tcp_stream, std::error_code>> accept_one(tcp_listener& l) {
    co_return co_await l.accept();
}

/// Sets RLIMIT_NOFILE's soft limit for the scope of the guard and restores it after.
class nofile_limit {
  public:
    nofile_limit() noexcept { ok_ = ::getrlimit(RLIMIT_NOFILE, &saved_) == 0; }
    ~nofile_limit() {
        if (ok_) {
            ::setrlimit(RLIMIT_NOFILE, &saved_);
        }
    }
    nofile_limit(const nofile_limit&) = delete;
    nofile_limit& operator=(const nofile_limit&) = delete;

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] rlim_t hard() const noexcept { return saved_.rlim_max; }
    [[nodiscard]] rlim_t soft() const noexcept { return saved_.rlim_cur; }
    /// Sets the soft limit to `n` (at most the hard limit). @returns false if refused.
    bool set_soft(rlim_t n) noexcept {
        rlimit r = saved_;
        r.rlim_cur = n;
        return ::setrlimit(RLIMIT_NOFILE, &r) == 0;
    }

  private:
    rlimit saved_{};
    bool ok_ = false;
};

} // namespace weft::io::testing
