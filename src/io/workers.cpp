#include <weft/io/workers.hpp>

#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace weft::io {

int run_workers(std::size_t threads, const std::function<task<void>(loop&)>& make_task,
                std::stop_token stop) {
    if (threads == 0) {
        threads = std::max(1u, std::thread::hardware_concurrency());
    }
    std::atomic<int> status{0};
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            auto l = loop::create();
            if (!l) {
                fmt::print(stderr, "weft: worker {}: cannot create an event loop: {}\n", i,
                           l.error().message());
                status = 1;
                return;
            }
            loop& self = **l;
            auto forward = [&self]() noexcept { self.request_stop_from_any_thread(); };
            std::stop_callback<decltype(forward)> link(stop, forward);
            try {
                self.block_on(make_task(self));
            } catch (const std::exception& e) {
                fmt::print(stderr, "weft: worker {}: {}\n", i, e.what());
                status = 1;
            }
            // No frame may outlive its loop: stop and finish what the task spawned.
            self.request_stop();
            self.finish_spawned();
        });
    }
    pool.clear(); // joins
    return status.load();
}

} // namespace weft::io
