#pragma once

#include <weft/expected.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/socket_handle.hpp>
#include <weft/io/task.hpp>

#include <initializer_list>
#include <system_error>

#include <signal.h>

namespace weft::io {

/// Signals as events: `co_await signals.wait()` yields the next of SIGINT, SIGTERM,
/// SIGHUP, ... that arrived (signalfd). Graceful shutdown and reload are written as
/// ordinary code instead of async-signal-safe handlers.
///
/// The signals are blocked in the calling thread so they queue for the signalfd. Create the
/// signal_set before starting other threads (they inherit the mask), or a signal may be
/// delivered to a thread that does not block it and take its default action.
class signal_set {
  public:
    static expected<signal_set, std::error_code> create(loop& owner,
                                                        std::initializer_list<int> signals);
    /// Waits for the next signal; yields its number.
    task<expected<int, std::error_code>> wait();

  private:
    explicit signal_set(socket_handle h) noexcept : handle_(std::move(h)) {}
    socket_handle handle_;
};

} // namespace weft::io
