#pragma once

#include <weft/io/operation.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

namespace weft::io {

/// Which kernel interface a loop drives.
enum class backend_kind : std::uint8_t {
    uring, ///< io_uring (liburing): completions, batched submission
    epoll, ///< epoll, edge-triggered: readiness, then the syscall
};

std::string_view to_string(backend_kind k) noexcept;

class loop;

/// The part of a loop that talks to the kernel. One per loop; loop thread only.
///
/// libuv's rule holds: an operation that fails to start completes at once with the error
/// (submit returns false); one that starts completes exactly once, through the loop.
class backend {
  public:
    virtual ~backend() = default;
    [[nodiscard]] virtual backend_kind kind() const noexcept = 0;

    /// Starts `op`. @returns false if it finished synchronously (op.result is set and the
    /// waiter must not be suspended), true if it will complete later via loop::complete.
    virtual bool submit(operation& op) = 0;
    /// Asks the kernel to give up `op`; it still completes, with -ECANCELED unless it
    /// finished first.
    virtual void cancel(operation& op) = 0;
    /// Runs the syscall of a read, send or sendv `op` on a socket once, now, without queueing
    /// it (MSG_DONTWAIT): for a caller that knows the socket is ready, or that tries a write
    /// before waiting. @returns the result as op.result would hold it (-EAGAIN: it would
    /// block). The epoll backend keeps its readiness cache right.
    virtual long try_now(operation& op) noexcept = 0;
    /// Waits for completions (at most `timeout`, forever if nullopt) and hands each one to
    /// loop::complete.
    virtual void wait(std::optional<std::chrono::nanoseconds> timeout) = 0;
    /// Called before `fd` is closed, so no readiness state outlives it.
    virtual void forget(int fd) noexcept = 0;
    /// Wakes wait() from another thread.
    virtual void wake() noexcept = 0;
};

std::unique_ptr<backend> make_uring_backend(loop& owner, std::error_code& ec);
std::unique_ptr<backend> make_epoll_backend(loop& owner, std::error_code& ec);

} // namespace weft::io

namespace weft::detail {
/// The syscall of a read, send or sendv `op` on a non-blocking socket, once, with
/// MSG_DONTWAIT (and MSG_NOSIGNAL for writes): the result, or -errno (-EAGAIN, never
/// -EWOULDBLOCK). Retries EINTR. Other kinds: -EINVAL. (backend::try_now for both backends.)
long try_socket_now(io::operation& op) noexcept;
} // namespace weft::detail
