#pragma once

#include <weft/expected.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/task.hpp>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stop_token>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace weft {

namespace detail {

struct join_state {
    std::size_t remaining = 0;
    std::coroutine_handle<> parent;
};

/// Runs one child of a combinator; when the last child finishes it resumes the parent.
class join_runner {
  public:
    struct promise_type {
        join_state* state = nullptr;
        std::stop_token stop;
        join_runner get_return_object() noexcept {
            return join_runner(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        struct final_awaiter {
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<>
            await_suspend(std::coroutine_handle<promise_type> h) const noexcept {
                join_state* s = h.promise().state;
                return --s->remaining == 0 ? s->parent : std::noop_coroutine();
            }
            void await_resume() const noexcept {}
        };
        final_awaiter final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() const noexcept { std::terminate(); } // children catch
        [[nodiscard]] const std::stop_token& stop_token() const noexcept { return stop; }
    };
    using handle = std::coroutine_handle<promise_type>;

    explicit join_runner(handle h) noexcept : h_(h) {}
    join_runner(join_runner&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    join_runner& operator=(join_runner&&) = delete;
    ~join_runner() {
        if (h_) {
            h_.destroy();
        }
    }
    handle get() const noexcept { return h_; }

  private:
    handle h_;
};

/// Where a child's outcome lands: its value (or a flag for void) or its exception.
template <class T> struct join_slot {
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> value;
    std::exception_ptr error;
};

/// Where when_any records the first child to finish.
struct first_finisher {
    std::stop_source* stop_others = nullptr;
    std::size_t index = static_cast<std::size_t>(-1);
};

template <class T>
join_runner run_child(task<T>& t, join_slot<T>& slot, first_finisher* race, std::size_t index) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(t);
            slot.value.emplace(true);
        } else {
            slot.value.emplace(co_await std::move(t));
        }
    } catch (...) {
        slot.error = std::current_exception();
    }
    if (race != nullptr && race->index == static_cast<std::size_t>(-1)) {
        race->index = index; // when_any: the first to finish stops the others
        race->stop_others->request_stop();
    }
}

/// Starts every runner with `token` and suspends the parent until all have finished.
struct join_awaiter {
    std::vector<join_runner>& runners;
    join_state& state;
    std::stop_token token;
    bool await_ready() const noexcept { return runners.empty(); }
    bool await_suspend(std::coroutine_handle<> parent) noexcept {
        state.parent = parent;
        state.remaining = runners.size() + 1; // +1: no child may resume us while we start
        for (auto& r : runners) {
            r.get().promise().state = &state;
            r.get().promise().stop = token;
            r.get().resume();
        }
        return --state.remaining != 0;
    }
    void await_resume() const noexcept {}
};

} // namespace detail

/// Runs every task concurrently on the current loop and yields their results in order.
/// Each child inherits the caller's stop token. If a child throws, the first exception is
/// rethrown after all have finished (no frame is destroyed with I/O in flight).
template <class T>
task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>>
when_all(std::vector<task<T>> tasks) {
    std::vector<detail::join_slot<T>> slots(tasks.size());
    std::vector<detail::join_runner> runners;
    runners.reserve(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        runners.push_back(detail::run_child(tasks[i], slots[i], nullptr, i));
    }
    detail::join_state state;
    // Named, and no co_await inside the braces: g++ 12 destroys the members of an aggregate
    // twice when it is a co_await operand (`co_await join_awaiter{...}`) or when its
    // initialiser contains a co_await. Here that stop_token dropped a reference it did not
    // own, and the loop's stop state was freed while still in use.
    const std::stop_token token = co_await this_stop_token();
    detail::join_awaiter join{runners, state, token};
    co_await join;
    for (auto& s : slots) {
        if (s.error) {
            std::rethrow_exception(s.error);
        }
    }
    if constexpr (!std::is_void_v<T>) {
        std::vector<T> out;
        out.reserve(slots.size());
        for (auto& s : slots) {
            out.push_back(std::move(*s.value));
        }
        co_return out;
    }
}

/// The outcome of when_any: which task finished first, and its value.
template <class T> struct any_result {
    std::size_t index;
    T value;
};

/// Runs the tasks concurrently; when the first finishes, the others are asked to stop
/// (their pending I/O is cancelled) and awaited. Yields the first one's index and value.
/// Precondition: at least one task.
template <class T> task<any_result<T>> when_any(std::vector<task<T>> tasks) {
    std::stop_source children;
    const std::stop_token parent = co_await this_stop_token();
    auto forward = [&children]() noexcept { children.request_stop(); };
    std::stop_callback<decltype(forward)> link(parent, forward);
    std::vector<detail::join_slot<T>> slots(tasks.size());
    std::vector<detail::join_runner> runners;
    runners.reserve(tasks.size());
    detail::first_finisher race{&children};
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        runners.push_back(detail::run_child(tasks[i], slots[i], &race, i));
    }
    detail::join_state state;
    detail::join_awaiter join{runners, state, children.get_token()}; // named: see when_all
    co_await join;
    const std::size_t winner = race.index;
    if (slots[winner].error) {
        std::rethrow_exception(slots[winner].error);
    }
    co_return any_result<T>{winner, std::move(*slots[winner].value)};
}

/// Awaits `t`, cancelling it if it takes longer than `d`: then the result is
/// unexpected(std::errc::timed_out). For tasks whose I/O yields expected<U, error_code>.
template <class U>
task<expected<U, std::error_code>> with_timeout(std::chrono::steady_clock::duration d,
                                                task<expected<U, std::error_code>> t) {
    io::loop* l = io::loop::current();
    std::stop_source inner;
    const std::stop_token parent = co_await this_stop_token();
    auto forward = [&inner]() noexcept { inner.request_stop(); };
    std::stop_callback<decltype(forward)> link(parent, forward);
    struct expiry {
        std::stop_source* source;
        bool fired = false;
    } state{&inner};
    io::timer_entry timer;
    timer.deadline = std::chrono::steady_clock::now() + d;
    timer.context = &state;
    timer.on_expiry = [](void* c) noexcept {
        auto* s = static_cast<expiry*>(c);
        s->fired = true;
        s->source->request_stop();
    };
    if (l != nullptr) {
        l->add_timer(timer);
    }
    auto result = co_await await_with_token(std::move(t), inner.get_token());
    if (l != nullptr) {
        l->remove_timer(timer);
    }
    if (!result && state.fired && result.error() == std::errc::operation_canceled) {
        co_return unexpected(std::make_error_code(std::errc::timed_out));
    }
    co_return result;
}

} // namespace weft
