// when_all, when_any and with_timeout on both backends: order of results, exceptions after
// every child has finished, the first finisher wins and the others are cancelled, and a fast
// task passes through with_timeout untouched.

#include "backends.hpp"
#include "test_util.hpp"

#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>

#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::unexpected;
using weft::io::steady_clock;
using weft::io::testing::ms;
namespace testing_ = weft::io::testing;

namespace {

class combinators_test : public testing_::loopback_test {};
WEFT_ON_EACH_BACKEND(combinators_test);

struct finish_log {
    std::vector<int> order;          // values in the order their tasks finished
    std::vector<std::error_code> ec; // what each task's sleep yielded, in finishing order
};

task<int> value_after(steady_clock::duration d, int value, finish_log* log) {
    auto r = co_await weft::io::sleep_for(d);
    log->order.push_back(value);
    log->ec.push_back(r ? std::error_code{} : r.error());
    co_return value;
}

task<std::vector<int>> all_of_three(finish_log* log) {
    std::vector<task<int>> tasks;
    tasks.push_back(value_after(30ms, 10, log)); // finishes last
    tasks.push_back(value_after(1ms, 20, log));  // finishes first
    tasks.push_back(value_after(15ms, 30, log));
    co_return co_await weft::when_all(std::move(tasks));
}

TEST_P(combinators_test, when_all_yields_results_in_task_order) {
    finish_log log;
    const auto start = steady_clock::now();
    const auto values = the_loop().block_on(all_of_three(&log));
    const auto took = steady_clock::now() - start;
    EXPECT_EQ(values, (std::vector<int>{10, 20, 30}));
    EXPECT_EQ(log.order, (std::vector<int>{20, 30, 10})) << "they ran concurrently";
    EXPECT_GE(took, 30ms);
    EXPECT_LT(took, 60ms + 30ms) << "concurrent, not one after another: " << ms(took) << " ms";
}

task<void> throw_now() {
    throw std::runtime_error("child failed");
    co_return;
}

task<void> note_after(steady_clock::duration d, finish_log* log) {
    (void)co_await value_after(d, 1, log);
}

task<void> all_with_a_thrower(finish_log* log) {
    std::vector<task<void>> tasks;
    tasks.push_back(note_after(20ms, log));
    tasks.push_back(throw_now());
    tasks.push_back(note_after(40ms, log));
    co_await weft::when_all(std::move(tasks));
}

TEST_P(combinators_test, when_all_rethrows_only_after_every_child_has_finished) {
    finish_log log;
    const auto start = steady_clock::now();
    EXPECT_THROW(the_loop().block_on(all_with_a_thrower(&log)), std::runtime_error);
    const auto took = steady_clock::now() - start;
    EXPECT_EQ(log.order.size(), 2u) << "the other children ran to their end";
    EXPECT_GE(took, 40ms);
    for (const auto& ec : log.ec) {
        EXPECT_FALSE(ec) << "when_all does not cancel siblings: " << ec.message();
    }
}

task<void> empty_all() {
    co_await weft::when_all(std::vector<task<void>>{});
}

TEST_P(combinators_test, when_all_of_nothing_finishes_at_once) {
    the_loop().block_on(empty_all());
    SUCCEED();
}

task<weft::any_result<int>> race(finish_log* log) {
    std::vector<task<int>> tasks;
    tasks.push_back(value_after(200ms, 0, log));
    tasks.push_back(value_after(300ms, 1, log));
    tasks.push_back(value_after(5ms, 2, log)); // the winner
    tasks.push_back(value_after(250ms, 3, log));
    co_return co_await weft::when_any(std::move(tasks));
}

TEST_P(combinators_test, when_any_returns_the_first_and_cancels_the_others) {
    finish_log log;
    const auto start = steady_clock::now();
    const auto first = the_loop().block_on(race(&log));
    const auto took = steady_clock::now() - start;
    EXPECT_EQ(first.index, 2u);
    EXPECT_EQ(first.value, 2);
    EXPECT_LT(took, 100ms) << "the losers were cancelled, not awaited: " << ms(took) << " ms";
    ASSERT_EQ(log.order.size(), 4u) << "every loser was resumed (cancelled) before when_any ended";
    EXPECT_EQ(log.order.front(), 2);
    EXPECT_FALSE(log.ec.front());
    for (std::size_t i = 1; i < log.ec.size(); ++i) {
        EXPECT_EQ(log.ec[i], std::errc::operation_canceled) << "task " << log.order[i];
    }
}

task<int> value_now(int v) {
    co_return v;
}

task<weft::any_result<int>> race_with_a_ready_one(finish_log* log) {
    std::vector<task<int>> tasks;
    tasks.push_back(value_after(200ms, 0, log));
    tasks.push_back(value_now(7));
    co_return co_await weft::when_any(std::move(tasks));
}

TEST_P(combinators_test, when_any_with_a_task_that_needs_no_wait) {
    finish_log log;
    const auto first = the_loop().block_on(race_with_a_ready_one(&log));
    EXPECT_EQ(first.index, 1u);
    EXPECT_EQ(first.value, 7);
    ASSERT_EQ(log.ec.size(), 1u);
    EXPECT_EQ(log.ec[0], std::errc::operation_canceled);
}

task<void> stop_after(steady_clock::duration d, std::stop_source* source) {
    co_await weft::io::sleep_for(d);
    source->request_stop();
}

task<weft::any_result<int>> slow_race(finish_log* log) {
    std::vector<task<int>> tasks;
    tasks.push_back(value_after(200ms, 0, log));
    tasks.push_back(value_after(300ms, 1, log));
    tasks.push_back(value_after(250ms, 2, log));
    co_return co_await weft::when_any(std::move(tasks));
}

TEST_P(combinators_test, stopping_the_caller_cancels_every_when_any_child) {
    finish_log log;
    std::stop_source source;
    the_loop().spawn(stop_after(10ms, &source));
    const auto start = steady_clock::now();
    const auto first = the_loop().block_on(slow_race(&log), source.get_token());
    const auto took = steady_clock::now() - start;
    EXPECT_LT(took, 100ms) << ms(took) << " ms";
    EXPECT_LT(first.index, 3u);
    ASSERT_EQ(log.ec.size(), 3u);
    for (const auto& ec : log.ec) {
        EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    }
}

task<expected<std::string, std::error_code>> answer_after(steady_clock::duration d) {
    auto r = co_await weft::io::sleep_for(d);
    if (!r) {
        co_return unexpected(r.error());
    }
    co_return std::string("answer");
}

task<expected<int, std::error_code>> refuse_now() {
    co_return unexpected(std::make_error_code(std::errc::connection_refused));
}

TEST_P(combinators_test, with_timeout_passes_a_fast_result_through) {
    const auto start = steady_clock::now();
    auto r = the_loop().block_on(weft::with_timeout(1s, answer_after(5ms)));
    const auto took = steady_clock::now() - start;
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, "answer");
    EXPECT_LT(took, 100ms) << ms(took) << " ms";
    // Its timer is gone: nothing fires after the task ended (ASan would see a dead frame).
    the_loop().block_on(weft::with_timeout(1s, answer_after(20ms)));
}

TEST_P(combinators_test, with_timeout_passes_a_fast_error_through_unchanged) {
    auto r = the_loop().block_on(weft::with_timeout(1s, refuse_now()));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::connection_refused) << r.error().message();
}

TEST_P(combinators_test, with_timeout_yields_timed_out_for_a_slow_task) {
    const auto start = steady_clock::now();
    auto r = the_loop().block_on(weft::with_timeout(20ms, answer_after(1s)));
    const auto took = steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::timed_out) << r.error().message();
    EXPECT_GE(took, 20ms);
    EXPECT_LT(took, 100ms) << ms(took) << " ms";
}

TEST_P(combinators_test, with_timeout_reports_a_stopped_caller_as_cancelled_not_timed_out) {
    std::stop_source source;
    the_loop().spawn(stop_after(10ms, &source));
    auto r = the_loop().block_on(weft::with_timeout(1s, answer_after(1s)), source.get_token());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::operation_canceled) << r.error().message();
}

} // namespace

namespace {

task<void> join_and_race_many(int rounds, finish_log* log) {
    for (int i = 0; i < rounds; ++i) {
        std::vector<task<int>> all;
        all.push_back(value_now(i));
        (void)co_await weft::when_all(std::move(all));
        std::vector<task<int>> any;
        any.push_back(value_after(0ms, i, log));
        (void)co_await weft::when_any(std::move(any));
    }
}

// Regression: g++ 12 destroyed the stop_token inside `co_await join_awaiter{..., token}`
// twice, so each when_all/when_any dropped a reference to the caller's stop state; the
// loop's stop_source then used freed memory (heap-use-after-free under ASan, "malloc():
// unaligned tcache chunk" without it).
TEST_P(combinators_test, when_all_and_when_any_leave_the_callers_stop_state_intact) {
    finish_log log;
    the_loop().block_on(join_and_race_many(100, &log));
    EXPECT_EQ(log.order.size(), 100u);
    const std::stop_token token = the_loop().stop_token();
    EXPECT_TRUE(token.stop_possible());
    the_loop().request_stop();
    EXPECT_TRUE(token.stop_requested());
}

} // namespace
