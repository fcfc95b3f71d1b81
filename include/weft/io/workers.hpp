#pragma once

#include <weft/io/loop.hpp>
#include <weft/io/task.hpp>

#include <cstddef>
#include <functional>
#include <stop_token>

namespace weft::io {

/// Runs `make_task(loop)` on `threads` threads (0: one per core), each with a loop of its
/// own — thread-per-core: nothing is shared on the hot path; servers bind one listener per
/// loop with reuse_port so the kernel spreads connections. Blocks until every task ends.
///
/// When `stop` is requested (from any thread), each loop's own stop token is triggered on
/// that loop's thread, so tasks see cancellation and return. When a worker's task ends,
/// the tasks it spawned are asked to stop and awaited before its loop is destroyed.
/// @returns 0, or 1 if a loop could not be created or a task threw (logged on stderr).
int run_workers(std::size_t threads, const std::function<task<void>(loop&)>& make_task,
                std::stop_token stop = {});

} // namespace weft::io
