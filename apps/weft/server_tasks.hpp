#pragma once

// Small tasks the server commands (`weft echo`, `weft serve`) share.

#include <weft/io/signal_set.hpp>
#include <weft/io/task.hpp>

namespace weft::cli {

/// A task that ends at once: what a worker runs when its socket could not be bound.
inline task<void> nothing() {
    co_return;
}

/// Waits for SIGINT or SIGTERM on `signals`. @returns false if cancelled first (the
/// workers ended on their own).
inline task<bool> until_signal(io::signal_set& signals) {
    auto s = co_await signals.wait();
    co_return s.has_value();
}

} // namespace weft::cli
