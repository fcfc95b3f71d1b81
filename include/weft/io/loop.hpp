#pragma once

#include <weft/expected.hpp>
#include <weft/io/backend.hpp>
#include <weft/io/operation.hpp>
#include <weft/io/task.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <stop_token>
#include <system_error>
#include <vector>

namespace weft::io {

using steady_clock = std::chrono::steady_clock;

/// A timer waiting in a loop's heap; lives in the sleeping coroutine's frame.
struct timer_entry {
    steady_clock::time_point deadline;
    std::coroutine_handle<> waiter;              ///< resumed on expiry, unless `on_expiry` is set
    void (*on_expiry)(void*) noexcept = nullptr; ///< called instead, with `context`
    void* context = nullptr;
    std::size_t heap_index = static_cast<std::size_t>(-1);
    bool cancelled = false;
};

/// An event loop: one per thread, driving one backend (io_uring or epoll), a timer heap
/// and a queue of coroutines ready to run. Loop thread only, except stop() and wake().
///
/// The loop never lets an exception out of run(): a spawned task that throws is logged
/// and freed (asio's detached, tokio's JoinHandle dropped).
class loop {
  public:
    /// Creates a loop with the backend `kind`, or the one WEFT_IO names ("uring"/"epoll"),
    /// or io_uring falling back to epoll when the kernel refuses it.
    static expected<std::unique_ptr<loop>, std::error_code>
    create(std::optional<backend_kind> kind = std::nullopt);
    ~loop();
    loop(const loop&) = delete;
    loop& operator=(const loop&) = delete;

    /// The loop running on this thread, or nullptr.
    static loop* current() noexcept;

    [[nodiscard]] backend_kind kind() const noexcept { return backend_->kind(); }
    [[nodiscard]] io::backend& backend() noexcept { return *backend_; }

    /// Runs `t` detached: it starts on the next turn of the loop; failures are logged.
    /// `stop` cancels it (defaults to the loop's own stop token, see request_stop).
    void spawn(task<void> t);
    void spawn(task<void> t, std::stop_token stop);
    /// Number of spawned tasks that have not finished.
    [[nodiscard]] std::size_t spawned() const noexcept { return spawned_; }

    /// Runs the loop until `t` finishes and returns its result (rethrowing its exception).
    /// `t` sees the loop's stop token (see request_stop) unless another is given.
    template <class T> T block_on(task<T> t) { return block_on(std::move(t), stop_token()); }
    template <class T> T block_on(task<T> t, std::stop_token stop) {
        post(t.prepare(std::move(stop), std::noop_coroutine()));
        run_until([&t] { return t.done(); });
        return t.result();
    }
    /// Runs until stop() is called.
    void run();
    /// Runs until every spawned task has finished (after request_stop(), for shutdown).
    void finish_spawned() {
        run_until([this] { return spawned_ == 0; });
    }
    /// Makes run() return after the current turn. Thread-safe.
    void stop() noexcept;
    /// Cancels every task that watches the loop's token (graceful shutdown). Loop thread.
    void request_stop() noexcept { stop_source_.request_stop(); }
    /// request_stop() from any thread: it happens on the loop's thread at its next turn.
    void request_stop_from_any_thread() noexcept;
    [[nodiscard]] std::stop_token stop_token() const noexcept { return stop_source_.get_token(); }

    /// Queues `h` to be resumed on the next turn.
    void post(std::coroutine_handle<> h) { ready_.push_back(h); }

    // Used by awaiters and backends.
    void add_timer(timer_entry& t);
    void remove_timer(timer_entry& t) noexcept;
    /// Hands a finished operation back: resumes its waiter.
    void complete(operation& op) noexcept;

  private:
    loop() = default;
    static void spawned_ended(std::exception_ptr failure) noexcept;
    void run_until_impl(bool (*done)(void*), void* ctx);
    template <class F> void run_until(F&& done) {
        run_until_impl([](void* c) { return (*static_cast<F*>(c))(); }, &done);
    }
    void fire_timers();
    void drain_ready();
    void heap_swap(std::size_t a, std::size_t b) noexcept;
    void heap_up(std::size_t i) noexcept;
    void heap_down(std::size_t i) noexcept;

    std::unique_ptr<io::backend> backend_;
    std::deque<std::coroutine_handle<>> ready_;
    std::vector<timer_entry*> timers_;
    std::stop_source stop_source_;
    std::size_t spawned_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> remote_stop_{false};
    loop* previous_ = nullptr;
    friend struct loop_scope;
};

/// Turns a kernel result (-errno or a value) into expected.
inline expected<std::size_t, std::error_code> to_expected(long result) noexcept {
    if (result < 0) {
        return unexpected(std::error_code(static_cast<int>(-result), std::system_category()));
    }
    return static_cast<std::size_t>(result);
}

/// Awaits one kernel operation on `owner`: yields expected<size_t, error_code>, never
/// throws, and honours the awaiting task's stop token (resuming with operation_canceled
/// only after the kernel has let go of the buffers).
class op_awaiter {
  public:
    op_awaiter(loop& owner, const operation& op) noexcept : loop_(&owner), op_(op) {}
    op_awaiter(const op_awaiter&) = delete;
    op_awaiter& operator=(const op_awaiter&) = delete;

    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) {
        return start(h, weft::detail::stop_token_of(h));
    }
    expected<std::size_t, std::error_code> await_resume() noexcept {
        cancel_.reset();
        return to_expected(op_.result);
    }
    /// The operation, for awaiters that point it at buffers of their own before starting.
    operation& op() noexcept { return op_; }

  private:
    struct canceller {
        op_awaiter* self;
        void operator()() const noexcept { self->loop_->backend().cancel(self->op_); }
    };
    bool start(std::coroutine_handle<> h, std::stop_token token);

    loop* loop_;
    operation op_;
    std::optional<std::stop_callback<canceller>> cancel_;
};

/// Awaits one kernel operation like op_awaiter, but gives up at `deadline`: the operation is
/// cancelled (the kernel lets go of the buffers first) and the result is errc::timed_out.
/// The timer lives in the awaiter: no allocation and no extra coroutine, unlike
/// with_timeout. A deadline already past fails at once with timed_out, before starting.
class timed_op_awaiter {
  public:
    timed_op_awaiter(loop& owner, const operation& op, steady_clock::time_point deadline) noexcept
        : loop_(&owner), op_(op) {
        timer_.deadline = deadline;
    }
    timed_op_awaiter(const timed_op_awaiter&) = delete;
    timed_op_awaiter& operator=(const timed_op_awaiter&) = delete;

    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) {
        return start(h, weft::detail::stop_token_of(h));
    }
    expected<std::size_t, std::error_code> await_resume() noexcept;

  private:
    struct canceller {
        timed_op_awaiter* self;
        void operator()() const noexcept { self->loop_->backend().cancel(self->op_); }
    };
    bool start(std::coroutine_handle<> h, std::stop_token token);
    static void expire(void* self) noexcept;

    loop* loop_;
    operation op_;
    timer_entry timer_;
    std::optional<std::stop_callback<canceller>> cancel_;
};

/// Awaits until `deadline` on the current loop; yields expected<void, error_code>
/// (operation_canceled if the task is stopped first).
class sleep_awaiter {
  public:
    explicit sleep_awaiter(steady_clock::time_point deadline) noexcept {
        timer_.deadline = deadline;
    }
    sleep_awaiter(const sleep_awaiter&) = delete;
    sleep_awaiter& operator=(const sleep_awaiter&) = delete;
    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) {
        return start(h, weft::detail::stop_token_of(h));
    }
    expected<void, std::error_code> await_resume() noexcept {
        cancel_.reset();
        if (timer_.cancelled) {
            return unexpected(std::make_error_code(std::errc::operation_canceled));
        }
        return {};
    }

  private:
    struct canceller {
        sleep_awaiter* self;
        void operator()() const noexcept;
    };
    bool start(std::coroutine_handle<> h, std::stop_token token);

    loop* loop_ = nullptr;
    timer_entry timer_;
    std::optional<std::stop_callback<canceller>> cancel_;
};

/// From a task on `l`: waits until every other task spawned on `l` has finished. For a task
/// that owns what its spawned tasks borrow (a listener's per-loop state). It ignores the
/// caller's stop token, so shutdown cannot cut the wait short and free what is borrowed.
task<void> wait_for_spawned(loop& l);

/// Suspends the calling task for `d` on the current loop.
inline sleep_awaiter sleep_for(steady_clock::duration d) noexcept {
    return sleep_awaiter(steady_clock::now() + d);
}
inline sleep_awaiter sleep_until(steady_clock::time_point t) noexcept {
    return sleep_awaiter(t);
}

} // namespace weft::io
