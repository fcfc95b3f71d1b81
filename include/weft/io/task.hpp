#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace weft {

template <class T = void> class task;

namespace detail {

/// Called when a detached task (see task::detach) finishes, with what escaped it (null if
/// nothing): io::loop sets it for loop::spawn. A pointer, so tasks need not link the loop.
inline void (*detached_task_ended)(std::exception_ptr) noexcept = nullptr;

/// What every task's promise holds besides its result: who to resume when it finishes,
/// the stop token it inherited from its awaiter, and an escaped exception.
class task_promise_base {
  public:
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept {
            task_promise_base& p = h.promise();
            if (!p.continuation_) {
                // Detached: nobody awaits the result, so the task reports and frees itself.
                detached_task_ended(std::move(p.exception_));
                h.destroy();
                return std::noop_coroutine();
            }
            // Symmetric transfer: the awaiter resumes without growing the stack.
            return p.continuation_;
        }
        void await_resume() const noexcept {}
    };

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { exception_ = std::current_exception(); }

    /// The token I/O awaiters watch: cancelled when the task's awaiter asks it to stop.
    [[nodiscard]] const std::stop_token& stop_token() const noexcept { return stop_; }
    void set_stop_token(std::stop_token t) noexcept { stop_ = std::move(t); }
    void set_continuation(std::coroutine_handle<> c) noexcept { continuation_ = c; }
    void rethrow_if_failed() const {
        if (exception_) {
            std::rethrow_exception(exception_);
        }
    }

  private:
    std::coroutine_handle<> continuation_ = std::noop_coroutine();
    std::stop_token stop_;
    std::exception_ptr exception_;
};

template <class T> class task_promise : public task_promise_base {
  public:
    task<T> get_return_object() noexcept;
    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        value_.emplace(std::forward<U>(v));
    }
    T take() {
        rethrow_if_failed();
        return std::move(*value_);
    }

  private:
    std::optional<T> value_;
};

template <> class task_promise<void> : public task_promise_base {
  public:
    task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void take() const { rethrow_if_failed(); }
};

/// True for a promise that carries a stop token (a weft task's).
template <class P>
concept has_stop_token = requires(P& p) {
    { p.stop_token() } -> std::convertible_to<const std::stop_token&>;
};

/// The stop token of the coroutine `h`, or an empty one if it has none.
template <class P> std::stop_token stop_token_of(std::coroutine_handle<P> h) noexcept {
    if constexpr (has_stop_token<P>) {
        return h.promise().stop_token();
    } else {
        return {};
    }
}

} // namespace detail

/// A lazy, move-only coroutine that produces a T (tokio's future, asio's awaitable).
///
/// Nothing runs until the task is awaited (or spawned on a loop). Awaiting it resumes the
/// awaiter by symmetric transfer when it finishes and passes down the awaiter's stop
/// token, so cancelling an outer task cancels the I/O of the inner ones. An exception that
/// escapes the coroutine is rethrown to the awaiter; I/O itself reports errors as values.
template <class T> class [[nodiscard]] task {
  public:
    using promise_type = detail::task_promise<T>;
    using handle_type = std::coroutine_handle<promise_type>;
    using value_type = T;

    task() noexcept = default;
    explicit task(handle_type h) noexcept : h_(h) {}
    task(task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            destroy();
            h_ = std::exchange(other.h_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() { destroy(); }

    [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(h_); }
    [[nodiscard]] bool done() const noexcept { return !h_ || h_.done(); }

    /// Awaits the task: starts it, resumes the awaiter when it ends, yields its value.
    class awaiter {
      public:
        explicit awaiter(handle_type h) noexcept : h_(h) {}
        bool await_ready() const noexcept { return !h_ || h_.done(); }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) noexcept {
            h_.promise().set_continuation(parent);
            h_.promise().set_stop_token(detail::stop_token_of(parent));
            return h_;
        }
        T await_resume() { return h_.promise().take(); }

      private:
        handle_type h_;
    };
    awaiter operator co_await() && noexcept { return awaiter{h_}; }

    /// Starts the task with `token` and `continuation` (used by spawn and the combinators).
    /// @returns the handle to resume to start it.
    handle_type prepare(std::stop_token token, std::coroutine_handle<> continuation) noexcept {
        h_.promise().set_stop_token(std::move(token));
        h_.promise().set_continuation(continuation);
        return h_;
    }
    /// Lets go of the task to run detached (loop::spawn): starting it with `token` is left
    /// to the caller, which resumes the handle; the frame frees itself when it finishes and
    /// hands what escaped to detail::detached_task_ended (which must be set).
    handle_type detach(std::stop_token token) noexcept {
        h_.promise().set_stop_token(std::move(token));
        h_.promise().set_continuation({});
        return std::exchange(h_, {});
    }
    /// The result of a finished task (rethrows its exception). Precondition: done().
    T result() { return h_.promise().take(); }

  private:
    void destroy() noexcept {
        if (h_) {
            h_.destroy();
            h_ = {};
        }
    }
    handle_type h_;
};

template <class T> task<T> detail::task_promise<T>::get_return_object() noexcept {
    return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}
inline task<void> detail::task_promise<void>::get_return_object() noexcept {
    return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}

/// Awaits `t` with `token` as its stop token instead of the awaiter's own (how the
/// combinators give each child a stop source of its own).
///
/// The awaiters here have constructors on purpose: g++ 12 destroys the members of an
/// aggregate twice when it is a co_await operand.
template <class T> auto await_with_token(task<T>&& t, std::stop_token token) noexcept {
    class awaiter {
      public:
        awaiter(task<T>& t, std::stop_token token) noexcept : t_(t), token_(std::move(token)) {}
        bool await_ready() const noexcept { return t_.done(); }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
            return t_.prepare(std::move(token_), parent);
        }
        T await_resume() { return t_.result(); }

      private:
        task<T>& t_;
        std::stop_token token_;
    };
    return awaiter(t, std::move(token));
}

namespace detail {
class stop_token_awaiter {
  public:
    stop_token_awaiter() noexcept {} // not an aggregate: see await_with_token
    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) noexcept {
        token_ = stop_token_of(h);
        return false;
    }
    std::stop_token await_resume() noexcept { return std::move(token_); }

  private:
    std::stop_token token_;
};
} // namespace detail

/// `co_await this_stop_token()` yields the stop token of the calling task.
inline detail::stop_token_awaiter this_stop_token() noexcept {
    return {};
}

/// Something `co_await` can be applied to inside a task.
template <class A>
concept awaitable = requires(A a) {
    std::move(a).operator co_await();
}
|| requires(A a) {
    a.await_ready();
};

/// Runs a task that does no I/O to completion on this thread and returns its result.
/// For tasks that wait on a loop, use io::loop::block_on.
template <class T> T sync_wait(task<T> t) {
    t.prepare({}, std::noop_coroutine()).resume();
    return t.result();
}

} // namespace weft
