#include <weft/http/response.hpp>
#include <weft/server/file_cache.hpp>

#include <chrono>
#include <memory>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace weft;
using server::cached_file;
using server::file_cache;
using namespace std::chrono_literals;

namespace {

file_cache::entry_ptr entry(std::uint64_t size) {
    auto e = std::make_shared<cached_file>();
    e->what = cached_file::kind::regular;
    e->size = size;
    return e;
}

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

} // namespace

TEST(file_cache, loads_once_while_valid_then_again) {
    file_cache cache(16);
    const auto t0 = file_cache::clock::time_point{} + 1h;
    int loads = 0;
    const auto load = [&](const file_cache::entry_ptr& previous) {
        ++loads;
        EXPECT_EQ(previous, nullptr);
        return entry(1);
    };
    const auto a = cache.get("a", t0, 1s, load);
    EXPECT_EQ(cache.get("a", t0 + 999ms, 1s, load), a); // trusted
    EXPECT_EQ(loads, 1);
    EXPECT_EQ(cache.stats().hits, 1u);

    // Stale: the loader sees what was held and may keep it, which restarts the validity.
    const auto keep = [&](const file_cache::entry_ptr& previous) {
        ++loads;
        EXPECT_EQ(previous, a);
        return previous;
    };
    EXPECT_EQ(cache.get("a", t0 + 1s, 1s, keep), a);
    EXPECT_EQ(loads, 2);
    EXPECT_EQ(cache.get("a", t0 + 1500ms, 1s, keep), a);
    EXPECT_EQ(loads, 2);
    // Or replace it.
    const auto b = cache.get("a", t0 + 3s, 1s, [&](const file_cache::entry_ptr&) {
        ++loads;
        return entry(2);
    });
    EXPECT_NE(b, a);
    EXPECT_EQ(cache.peek("a"), b);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(file_cache, zero_validity_always_loads) {
    file_cache cache(16);
    const auto now = file_cache::clock::now();
    int loads = 0;
    const auto load = [&](const file_cache::entry_ptr& previous) {
        ++loads;
        return previous ? previous : entry(1);
    };
    for (int i = 0; i < 3; ++i) {
        (void)cache.get("k", now, 0s, load);
    }
    EXPECT_EQ(loads, 3);
}

TEST(file_cache, bounded_with_clock_eviction) {
    file_cache cache(4);
    const auto now = file_cache::clock::now();
    const auto load = [](const file_cache::entry_ptr&) { return entry(1); };
    for (int i = 0; i < 4; ++i) {
        (void)cache.get("k" + std::to_string(i), now, 1h, load);
    }
    EXPECT_EQ(cache.size(), 4u);
    // k0 is used again: the hand spares it once and evicts k1 instead.
    (void)cache.get("k0", now, 1h, load);
    (void)cache.get("k4", now, 1h, load);
    EXPECT_EQ(cache.size(), 4u);
    EXPECT_NE(cache.peek("k0"), nullptr);
    EXPECT_EQ(cache.peek("k1"), nullptr);
    EXPECT_NE(cache.peek("k4"), nullptr);
    for (int i = 5; i < 100; ++i) {
        (void)cache.get("k" + std::to_string(i), now, 1h, load);
        EXPECT_EQ(cache.size(), 4u);
    }
    EXPECT_EQ(cache.stats().evictions, 96u);
    EXPECT_NE(cache.peek("k99"), nullptr);
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.peek("k99"), nullptr);
}

TEST(file_cache, zero_entries_keeps_nothing) {
    file_cache cache(0);
    const auto now = file_cache::clock::now();
    int loads = 0;
    const auto load = [&](const file_cache::entry_ptr&) {
        ++loads;
        return entry(1);
    };
    (void)cache.get("a", now, 1h, load);
    (void)cache.get("a", now, 1h, load);
    EXPECT_EQ(loads, 2);
    EXPECT_EQ(cache.size(), 0u);
}

// A response sending from a cached descriptor keeps it open after the entry is evicted.
TEST(file_cache, evicted_descriptor_stays_open_for_a_response) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::close(fds[1]);
    const int fd = fds[0];
    file_cache cache(1);
    const auto now = file_cache::clock::now();
    auto held = cache.get("a", now, 1h, [&](const file_cache::entry_ptr&) {
        auto e = std::make_shared<cached_file>();
        e->what = cached_file::kind::regular;
        e->fd = std::make_shared<const http::owned_fd>(fd);
        return file_cache::entry_ptr(e);
    });
    auto r = std::make_unique<http::response>();
    r->set_shared_file({fd, 0, 0}, held->fd);
    held.reset();
    (void)cache.get("b", now, 1h, [](const file_cache::entry_ptr&) { return entry(1); });
    EXPECT_EQ(cache.peek("a"), nullptr); // evicted
    EXPECT_TRUE(is_open(fd));
    r.reset();
    EXPECT_FALSE(is_open(fd));
}
