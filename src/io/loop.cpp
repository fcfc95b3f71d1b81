#include <weft/io/loop.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>

#include <fmt/format.h>

namespace weft::io {

namespace {

thread_local loop* current_loop = nullptr;

} // namespace

std::string_view to_string(backend_kind k) noexcept {
    return k == backend_kind::uring ? "uring" : "epoll";
}

expected<std::unique_ptr<loop>, std::error_code> loop::create(std::optional<backend_kind> kind) {
    if (!kind) {
        if (const char* env = std::getenv("WEFT_IO")) {
            const std::string_view name(env);
            if (name == "epoll") {
                kind = backend_kind::epoll;
            } else if (name == "uring" || name == "io_uring") {
                kind = backend_kind::uring;
            } else {
                return unexpected(std::make_error_code(std::errc::invalid_argument));
            }
        }
    }
    std::unique_ptr<loop> l(new loop());
    std::error_code ec;
    if (!kind || *kind == backend_kind::uring) {
        l->backend_ = make_uring_backend(*l, ec);
        if (!l->backend_ && kind) {
            return unexpected(ec); // uring was asked for by name: say why it failed
        }
    }
    if (!l->backend_) {
        l->backend_ = make_epoll_backend(*l, ec);
        if (!l->backend_) {
            return unexpected(ec);
        }
    }
    return l;
}

loop::~loop() {
    // Frames still queued belong to tasks that never ran to completion; the tasks own
    // them (or, spawned, themselves), so only the queue is dropped here.
    ready_.clear();
}

loop* loop::current() noexcept {
    return current_loop;
}

void loop::spawn(task<void> t) {
    spawn(std::move(t), stop_source_.get_token());
}

void loop::spawn(task<void> t, std::stop_token stop) {
    // Set once, before any detached task can end (each was spawned first).
    static const bool hooked = (detail::detached_task_ended = &spawned_ended, true);
    (void)hooked;
    ++spawned_;
    post(t.detach(std::move(stop)));
}

// A spawned task has finished (on its loop's thread): log what escaped it, count it gone.
void loop::spawned_ended(std::exception_ptr failure) noexcept {
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            fmt::print(stderr, "weft: a spawned task failed: {}\n", e.what());
        } catch (...) {
            fmt::print(stderr, "weft: a spawned task failed with a non-standard exception\n");
        }
    }
    --current_loop->spawned_;
}

void loop::stop() noexcept {
    stopping_ = true;
    backend_->wake();
}

void loop::request_stop_from_any_thread() noexcept {
    remote_stop_ = true;
    backend_->wake();
}

void loop::run() {
    stopping_ = false;
    run_until([this] { return stopping_.load(); });
}

void loop::run_until_impl(bool (*done)(void*), void* ctx) {
    loop* const outer = current_loop;
    current_loop = this;
    while (true) {
        if (remote_stop_.exchange(false)) {
            stop_source_.request_stop(); // on this thread, so cancellation stays local
        }
        drain_ready();
        if (done(ctx)) {
            break;
        }
        std::optional<std::chrono::nanoseconds> timeout;
        if (!ready_.empty()) {
            timeout = std::chrono::nanoseconds(0);
        } else if (!timers_.empty()) {
            const auto left = timers_.front()->deadline - steady_clock::now();
            timeout = left.count() > 0 ? std::chrono::duration_cast<std::chrono::nanoseconds>(left)
                                       : std::chrono::nanoseconds(0);
        }
        backend_->wait(timeout);
        fire_timers();
    }
    current_loop = outer;
}

void loop::drain_ready() {
    // Only what is queued now: a task that re-posts itself waits for the next turn, so
    // I/O completions are never starved.
    for (std::size_t n = ready_.size(); n > 0 && !ready_.empty(); --n) {
        auto h = ready_.front();
        ready_.pop_front();
        h.resume();
    }
}

void loop::complete(operation& op) noexcept {
    op.waiter.resume();
}

// --- timers: a binary min-heap of pointers into sleeping frames, with back-indices so a
// cancelled timer is removed in O(log n) instead of lingering.

void loop::heap_swap(std::size_t a, std::size_t b) noexcept {
    std::swap(timers_[a], timers_[b]);
    timers_[a]->heap_index = a;
    timers_[b]->heap_index = b;
}

void loop::heap_up(std::size_t i) noexcept {
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (timers_[parent]->deadline <= timers_[i]->deadline) {
            break;
        }
        heap_swap(i, parent);
        i = parent;
    }
}

void loop::heap_down(std::size_t i) noexcept {
    const std::size_t n = timers_.size();
    while (true) {
        std::size_t smallest = i;
        const std::size_t l = 2 * i + 1;
        const std::size_t r = l + 1;
        if (l < n && timers_[l]->deadline < timers_[smallest]->deadline) {
            smallest = l;
        }
        if (r < n && timers_[r]->deadline < timers_[smallest]->deadline) {
            smallest = r;
        }
        if (smallest == i) {
            break;
        }
        heap_swap(i, smallest);
        i = smallest;
    }
}

void loop::add_timer(timer_entry& t) {
    t.heap_index = timers_.size();
    timers_.push_back(&t);
    heap_up(t.heap_index);
}

void loop::remove_timer(timer_entry& t) noexcept {
    const std::size_t i = t.heap_index;
    if (i >= timers_.size() || timers_[i] != &t) {
        return;
    }
    const std::size_t last = timers_.size() - 1;
    if (i != last) {
        heap_swap(i, last);
    }
    timers_.pop_back();
    t.heap_index = static_cast<std::size_t>(-1);
    if (i < timers_.size()) {
        heap_up(i);
        heap_down(i);
    }
}

void loop::fire_timers() {
    const auto now = steady_clock::now();
    while (!timers_.empty() && timers_.front()->deadline <= now) {
        timer_entry& t = *timers_.front();
        remove_timer(t);
        if (t.on_expiry != nullptr) {
            t.on_expiry(t.context);
        } else {
            post(t.waiter);
        }
    }
}

bool op_awaiter::start(std::coroutine_handle<> h, std::stop_token token) {
    if (token.stop_requested()) {
        op_.result = -ECANCELED;
        return false;
    }
    op_.waiter = h;
    if (!loop_->backend().submit(op_)) {
        return false;
    }
    if (token.stop_possible()) {
        cancel_.emplace(std::move(token), canceller{this});
    }
    return true;
}

bool timed_op_awaiter::start(std::coroutine_handle<> h, std::stop_token token) {
    if (token.stop_requested()) {
        op_.result = -ECANCELED;
        return false;
    }
    if (timer_.deadline <= steady_clock::now()) {
        op_.result = -ETIMEDOUT;
        return false;
    }
    op_.waiter = h;
    if (!loop_->backend().submit(op_)) {
        return false;
    }
    timer_.context = this;
    timer_.on_expiry = &timed_op_awaiter::expire;
    loop_->add_timer(timer_);
    if (token.stop_possible()) {
        cancel_.emplace(std::move(token), canceller{this});
    }
    return true;
}

void timed_op_awaiter::expire(void* self) noexcept {
    auto* a = static_cast<timed_op_awaiter*>(self);
    a->timer_.cancelled = true; // marks the expiry; the operation still completes once
    a->loop_->backend().cancel(a->op_);
}

expected<std::size_t, std::error_code> timed_op_awaiter::await_resume() noexcept {
    cancel_.reset();
    if (timer_.on_expiry != nullptr && !timer_.cancelled) {
        loop_->remove_timer(timer_);
    }
    if (op_.result == -ECANCELED && timer_.cancelled) {
        return unexpected(std::make_error_code(std::errc::timed_out));
    }
    if (op_.result == -ETIMEDOUT) {
        return unexpected(std::make_error_code(std::errc::timed_out));
    }
    return to_expected(op_.result);
}

void sleep_awaiter::canceller::operator()() const noexcept {
    if (self->timer_.heap_index != static_cast<std::size_t>(-1)) {
        self->loop_->remove_timer(self->timer_);
        self->timer_.cancelled = true;
        self->loop_->post(self->timer_.waiter);
    }
}

bool sleep_awaiter::start(std::coroutine_handle<> h, std::stop_token token) {
    loop_ = loop::current();
    if (loop_ == nullptr || token.stop_requested()) {
        timer_.cancelled = true;
        return false;
    }
    timer_.waiter = h;
    loop_->add_timer(timer_);
    if (token.stop_possible()) {
        cancel_.emplace(std::move(token), canceller{this});
    }
    return true;
}

namespace {

task<void> poll_spawned(loop& l) {
    while (l.spawned() > 0) {
        (void)co_await sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace

task<void> wait_for_spawned(loop& l) {
    // Polled: a spawned task's end is rare next to the I/O it does, and polling needs no
    // bookkeeping on the spawn path. The empty token keeps the sleeps from being cancelled.
    co_await await_with_token(poll_spawned(l), std::stop_token{});
}

} // namespace weft::io
