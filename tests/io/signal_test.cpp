// signal_set on both backends: a signal raised at this thread or at the process is read
// from the signalfd as a number, whether it was pending before wait() or arrives during it.

#include "test_util.hpp"

#include <weft/io/combinators.hpp>
#include <weft/io/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <set>
#include <system_error>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::io::signal_set;

namespace {

// Restores the thread's signal mask after the test: signal_set::create blocks its signals in
// the calling thread (they must stay blocked to queue for the signalfd). Every signal the
// test raised has been read by then, so nothing pending is delivered on unblocking.
class signals : public weft::io::testing::loopback_test {
  protected:
    void SetUp() override {
        ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, nullptr, &saved_), 0);
        loopback_test::SetUp();
    }
    void TearDown() override {
        loopback_test::TearDown();
        ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
    }
    signal_set make(std::initializer_list<int> which) {
        auto s = signal_set::create(the_loop(), which);
        EXPECT_TRUE(s) << s.error().message();
        return std::move(*s);
    }

  private:
    sigset_t saved_{};
};
WEFT_ON_EACH_BACKEND(signals);

// The set is the caller's, awaited structurally (the CP.53 exception).
task<expected<int, std::error_code>> wait_on(signal_set& s) {
    co_return co_await s.wait();
}

task<void> raise_later(int signo, weft::io::steady_clock::duration after) {
    (void)co_await weft::io::sleep_for(after);
    EXPECT_EQ(::kill(::getpid(), signo), 0);
}

TEST_P(signals, a_pending_sigusr1_is_read_by_wait) {
    signal_set set = make({SIGUSR1, SIGHUP}); // blocks them in this thread first
    ASSERT_EQ(::pthread_kill(::pthread_self(), SIGUSR1), 0);
    auto got = the_loop().block_on(weft::with_timeout(2s, wait_on(set)));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, SIGUSR1);
}

TEST_P(signals, signals_are_read_one_at_a_time) {
    signal_set set = make({SIGUSR1, SIGHUP});
    // One to this thread, one to the process (only this thread lets it queue): each
    // standard signal is pending once, and each wait() reads one of them.
    ASSERT_EQ(::pthread_kill(::pthread_self(), SIGUSR1), 0);
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    std::set<int> seen;
    for (int i = 0; i < 2; ++i) {
        auto got = the_loop().block_on(weft::with_timeout(2s, wait_on(set)));
        ASSERT_TRUE(got) << got.error().message();
        seen.insert(*got);
    }
    EXPECT_EQ(seen, (std::set<int>{SIGUSR1, SIGHUP}));
    auto none = the_loop().block_on(weft::with_timeout(10ms, wait_on(set)));
    ASSERT_FALSE(none) << "a third signal: " << *none;
    EXPECT_EQ(none.error(), std::errc::timed_out);
}

TEST_P(signals, wait_wakes_when_a_signal_arrives_later) {
    signal_set set = make({SIGUSR1, SIGHUP});
    the_loop().spawn(raise_later(SIGHUP, 20ms));
    const auto start = weft::io::steady_clock::now();
    auto got = the_loop().block_on(weft::with_timeout(2s, wait_on(set)));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, SIGHUP);
    EXPECT_GE(weft::io::steady_clock::now() - start, 20ms);
}

TEST_P(signals, wait_is_cancelled_by_with_timeout_and_works_afterwards) {
    signal_set set = make({SIGUSR1});
    auto none = the_loop().block_on(weft::with_timeout(20ms, wait_on(set)));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), std::errc::timed_out) << none.error().message();

    ASSERT_EQ(::pthread_kill(::pthread_self(), SIGUSR1), 0);
    auto got = the_loop().block_on(weft::with_timeout(2s, wait_on(set)));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, SIGUSR1);
}

TEST_P(signals, create_blocks_the_signals_in_the_calling_thread) {
    signal_set set = make({SIGUSR1, SIGHUP});
    sigset_t now;
    ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, nullptr, &now), 0);
    EXPECT_EQ(sigismember(&now, SIGUSR1), 1);
    EXPECT_EQ(sigismember(&now, SIGHUP), 1);
}

TEST_P(signals, create_rejects_numbers_that_are_not_signals) {
    for (const int bad : {0, -1, 4096}) { // 4096: past SIGRTMAX
        auto s = signal_set::create(the_loop(), {SIGUSR1, bad});
        ASSERT_FALSE(s) << bad;
        EXPECT_EQ(s.error(), std::errc::invalid_argument) << bad;
    }
    // Nothing was blocked by the failed calls.
    sigset_t now;
    ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, nullptr, &now), 0);
    EXPECT_EQ(sigismember(&now, SIGUSR1), 0);
}

} // namespace
