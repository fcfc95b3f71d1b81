// The loop's timers on both backends: accuracy of single sleeps, ten thousand concurrent
// sleeps firing in deadline order, and cancelled sleeps that never fire.

#include "backends.hpp"
#include "test_util.hpp"

#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>

#include <chrono>
#include <cstddef>
#include <random>
#include <stop_token>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::steady_clock;
using weft::io::testing::ms;
namespace testing_ = weft::io::testing;

namespace {

class timer_test : public testing_::loopback_test {};
WEFT_ON_EACH_BACKEND(timer_test);

task<steady_clock::duration> measure_sleep(steady_clock::duration d) {
    const auto start = steady_clock::now();
    auto r = co_await weft::io::sleep_for(d);
    EXPECT_TRUE(r) << r.error().message();
    co_return steady_clock::now() - start;
}

TEST_P(timer_test, sleep_for_is_accurate_to_30ms) {
    // Generous for a loaded two-core machine; never early.
    for (const auto d : {10ms, 50ms, 100ms}) {
        const auto took = the_loop().block_on(measure_sleep(d));
        EXPECT_GE(took, d);
        EXPECT_LE(took, d + 30ms) << "sleep_for(" << d.count() << "ms) took " << ms(took);
    }
}

// --- ten thousand timers ----------------------------------------------------------------------

struct firing {
    steady_clock::time_point deadline; // at least this; sleep_for adds now() a moment later
    steady_clock::time_point fired;
};

task<void> sleep_and_log(steady_clock::duration d, std::vector<firing>* log) {
    const auto deadline = steady_clock::now() + d;
    auto r = co_await weft::io::sleep_for(d);
    EXPECT_TRUE(r);
    log->push_back({deadline, steady_clock::now()});
}

task<void> sleep_all(std::vector<steady_clock::duration> durations, std::vector<firing>* log) {
    std::vector<task<void>> sleeps;
    sleeps.reserve(durations.size());
    for (const auto d : durations) {
        sleeps.push_back(sleep_and_log(d, log));
    }
    co_await weft::when_all(std::move(sleeps));
}

TEST_P(timer_test, ten_thousand_timers_all_fire_in_deadline_order) {
    constexpr std::size_t count = 10'000;
    std::mt19937 random(20240611); // fixed: a failure reproduces
    std::uniform_int_distribution<int> micros(1'000, 50'000);
    std::vector<steady_clock::duration> durations;
    durations.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        durations.push_back(std::chrono::microseconds(micros(random)));
    }
    std::vector<firing> log;
    log.reserve(count);
    const auto start = steady_clock::now();
    the_loop().block_on(sleep_all(durations, &log));
    const auto took = steady_clock::now() - start;

    ASSERT_EQ(log.size(), count);
    EXPECT_LT(took, 2s) << ms(took) << " ms";
    std::size_t early = 0;
    std::size_t out_of_order = 0;
    auto latest_deadline = log.front().deadline;
    for (const auto& f : log) {
        // The true deadline is a little after the logged one (sleep_for reads the clock
        // again), so firing can only look early by that moment, never by a millisecond.
        if (f.fired + 1ms < f.deadline) {
            ++early;
        }
        // Resumed in deadline order: nobody fires before a timer due 1 ms earlier.
        if (f.deadline + 1ms < latest_deadline) {
            ++out_of_order;
        }
        latest_deadline = std::max(latest_deadline, f.deadline);
    }
    EXPECT_EQ(early, 0u);
    EXPECT_EQ(out_of_order, 0u);
}

// --- cancelled timers never fire --------------------------------------------------------------

struct sleep_report {
    int fired = 0;
    int cancelled = 0;
};

task<int> sleep_then(steady_clock::duration d, int value, sleep_report* report) {
    auto r = co_await weft::io::sleep_for(d);
    if (r) {
        ++report->fired;
    } else if (r.error() == std::errc::operation_canceled) {
        ++report->cancelled;
    }
    co_return value;
}

task<weft::any_result<int>> race_sleeps(sleep_report* report) {
    std::vector<task<int>> sleeps;
    sleeps.push_back(sleep_then(100ms, 0, report));
    sleeps.push_back(sleep_then(10ms, 1, report));
    sleeps.push_back(sleep_then(200ms, 2, report));
    co_return co_await weft::when_any(std::move(sleeps));
}

TEST_P(timer_test, when_any_cancels_the_losing_timers) {
    sleep_report report;
    const auto start = steady_clock::now();
    const auto winner = the_loop().block_on(race_sleeps(&report));
    const auto took = steady_clock::now() - start;
    EXPECT_EQ(winner.index, 1u);
    EXPECT_EQ(winner.value, 1);
    EXPECT_EQ(report.fired, 1);
    EXPECT_EQ(report.cancelled, 2);
    EXPECT_LT(took, 80ms) << ms(took) << " ms";
    // Past every original deadline: a timer left in the heap would now resume a dead frame
    // (ASan's heap-use-after-free) or count as fired.
    the_loop().block_on(measure_sleep(250ms));
    EXPECT_EQ(report.fired, 1);
}

task<expected<void, std::error_code>> sleep_reporting(steady_clock::duration d,
                                                      sleep_report* report) {
    auto r = co_await weft::io::sleep_for(d);
    if (r) {
        ++report->fired;
    } else {
        ++report->cancelled;
    }
    co_return r;
}

TEST_P(timer_test, with_timeout_cancels_the_inner_timer) {
    sleep_report report;
    const auto start = steady_clock::now();
    auto r = the_loop().block_on(weft::with_timeout(20ms, sleep_reporting(200ms, &report)));
    const auto took = steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::timed_out) << r.error().message();
    EXPECT_LT(took, 100ms) << ms(took) << " ms";
    EXPECT_EQ(report.cancelled, 1);
    the_loop().block_on(measure_sleep(250ms));
    EXPECT_EQ(report.fired, 0);
}

task<void> sleep_counting(steady_clock::duration d, sleep_report* report) {
    (void)co_await sleep_reporting(d, report);
}

TEST_P(timer_test, stopped_timers_end_at_once_and_the_rest_fire) {
    constexpr int count = 1000;
    std::vector<std::stop_source> sources(count);
    sleep_report stopped;
    sleep_report kept;
    for (int i = 0; i < count; ++i) {
        const bool stop_it = i % 2 == 1;
        the_loop().spawn(
            sleep_counting(30ms + std::chrono::microseconds(i * 10), stop_it ? &stopped : &kept),
            sources[static_cast<std::size_t>(i)].get_token());
    }
    the_loop().block_on(measure_sleep(5ms)); // every sleep has started
    for (int i = 1; i < count; i += 2) {
        sources[static_cast<std::size_t>(i)].request_stop();
    }
    the_loop().block_on(measure_sleep(1ms));
    EXPECT_EQ(stopped.cancelled, count / 2) << "stopped timers end on the next turn";
    EXPECT_EQ(kept.fired, 0);
    EXPECT_TRUE(the_loop().block_on(testing_::drain_spawned(the_loop())));
    EXPECT_EQ(kept.fired, count / 2);
    EXPECT_EQ(kept.cancelled, 0);
    EXPECT_EQ(stopped.fired, 0);
    EXPECT_EQ(stopped.cancelled, count / 2);
}

} // namespace
