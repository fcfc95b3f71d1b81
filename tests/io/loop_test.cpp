#include "backends.hpp"

#include <weft/io/loop.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <stop_token>
#include <string>

#include <fcntl.h>
#include <unistd.h>

using namespace std::chrono_literals;
using weft::task;
using weft::io::loop;
using weft::io::operation;
using weft::io::steady_clock;

namespace {

class loop_test : public weft::io::testing::on_each_backend {};
WEFT_ON_EACH_BACKEND(loop_test);

task<int> add(int a, int b) {
    co_return a + b;
}
task<int> nested() {
    co_return co_await add(1, 2) + co_await add(3, 4);
}

TEST(task, runs_lazily_and_nests) {
    EXPECT_EQ(weft::sync_wait(nested()), 10);
    static_assert(weft::awaitable<task<int>>);
}

task<int> thrower() {
    throw std::runtime_error("boom");
    co_return 0;
}

TEST(task, rethrows_to_the_awaiter) {
    EXPECT_THROW(weft::sync_wait(thrower()), std::runtime_error);
}

task<steady_clock::duration> sleep_and_measure(steady_clock::duration d) {
    const auto start = steady_clock::now();
    auto r = co_await weft::io::sleep_for(d);
    EXPECT_TRUE(r);
    co_return steady_clock::now() - start;
}

TEST_P(loop_test, sleep_for_waits_at_least_the_duration) {
    const auto took = the_loop().block_on(sleep_and_measure(20ms));
    EXPECT_GE(took, 20ms);
    EXPECT_LT(took, 200ms);
}

task<std::size_t> read_pipe(loop& l, int fd) {
    std::array<char, 16> buf{};
    operation op;
    op.op = operation::kind::read;
    op.fd = fd;
    op.buffer = buf.data();
    op.length = buf.size();
    auto r = co_await weft::io::op_awaiter(l, op);
    co_return r ? *r : 0;
}

task<void> write_later(int fd) {
    co_await weft::io::sleep_for(5ms);
    EXPECT_EQ(::write(fd, "hello", 5), 5);
}

TEST_P(loop_test, read_completes_when_data_arrives) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    the_loop().spawn(write_later(p[1]));
    EXPECT_EQ(the_loop().block_on(read_pipe(the_loop(), p[0])), 5u);
    the_loop().backend().forget(p[0]);
    ::close(p[0]);
    ::close(p[1]);
}

task<void> finish_later(bool& finished) {
    (void)co_await weft::io::sleep_for(1ms);
    finished = true;
}
task<void> fail_later() {
    (void)co_await weft::io::sleep_for(1ms);
    throw std::runtime_error("boom");
}

TEST_P(loop_test, spawned_tasks_free_themselves_and_log_what_escapes) {
    bool finished = false;
    the_loop().spawn(finish_later(finished));
    the_loop().spawn(fail_later());
    EXPECT_EQ(the_loop().spawned(), 2u);
    ::testing::internal::CaptureStderr();
    the_loop().finish_spawned();
    const std::string logged = ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(finished);
    EXPECT_EQ(the_loop().spawned(), 0u);
    EXPECT_NE(logged.find("weft: a spawned task failed: boom"), std::string::npos) << logged;
}

task<void> sleep_until_stopped(bool& cancelled) {
    cancelled = !co_await weft::io::sleep_for(10s);
}
task<void> stop_later(std::stop_source& stop) {
    (void)co_await weft::io::sleep_for(1ms);
    stop.request_stop();
}

TEST_P(loop_test, spawned_task_watches_the_given_stop_token) {
    std::stop_source stop;
    bool cancelled = false;
    the_loop().spawn(sleep_until_stopped(cancelled), stop.get_token());
    the_loop().spawn(stop_later(stop));
    the_loop().finish_spawned();
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(the_loop().spawned(), 0u);
}

} // namespace
