#pragma once

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/socket_handle.hpp>
#include <weft/io/task.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <system_error>

#include <sys/socket.h>
#include <sys/uio.h>

namespace weft::io {

class tcp_stream;

/// How a listener is set up.
struct listen_options {
    int backlog = 1024;
    bool reuse_address = true; ///< SO_REUSEADDR: rebind while old connections linger
    bool reuse_port = false;   ///< SO_REUSEPORT: one listener per worker thread
    /// IPV6_V6ONLY on an IPv6 listener; nullopt keeps the system default. false on "[::]"
    /// makes a dual-stack listener that also accepts IPv4 (as ::ffff:a.b.c.d).
    std::optional<bool> v6_only;
    /// TCP_DEFER_ACCEPT, in seconds (0: off): a connection is handed to accept only once its
    /// first data has arrived (or after about this long), so a server reading at once finds
    /// its request there and never waits for readability (h2o and nginx `deferred`).
    int defer_accept_s = 0;
};

/// A TCP connection: reads, writes (gather too), shutdown, options. Move-only; owned by
/// one loop and used on its thread only. Closing happens in the destructor.
class tcp_stream {
  public:
    tcp_stream() noexcept = default;
    explicit tcp_stream(socket_handle h) noexcept : handle_(std::move(h)) {}

    /// Connects to `to`, giving up after `timeout` (errc::timed_out) when one is given.
    static task<expected<tcp_stream, std::error_code>>
    connect(addr::socket_address to,
            std::optional<std::chrono::steady_clock::duration> timeout = std::nullopt);

    /// Reads what is available, at most buf.size() bytes. 0 means the peer closed its side.
    [[nodiscard]] op_awaiter read_some(std::span<std::byte> buf) noexcept;
    /// read_some, given up at `deadline` (errc::timed_out).
    [[nodiscard]] timed_op_awaiter read_some(std::span<std::byte> buf,
                                             steady_clock::time_point deadline) noexcept;
    /// Reads what is queued now without waiting (recv with MSG_DONTWAIT): 0 means the peer
    /// closed, errc::resource_unavailable_try_again that nothing is queued (then wait_readable).
    [[nodiscard]] expected<std::size_t, std::error_code>
    try_read_some(std::span<std::byte> buf) noexcept;
    /// Waits until a read would not block (data, the peer's FIN, or an error) while holding no
    /// buffer: how an idle keep-alive connection waits (nginx's ngx_http_set_keepalive).
    /// Yields 0 once readable.
    [[nodiscard]] op_awaiter wait_readable() noexcept;
    /// wait_readable, given up at `deadline` (errc::timed_out).
    [[nodiscard]] timed_op_awaiter wait_readable(steady_clock::time_point deadline) noexcept;
    /// Waits until a write would not block, giving up at `deadline` (errc::timed_out).
    [[nodiscard]] timed_op_awaiter wait_writable(steady_clock::time_point deadline) noexcept;
    /// Writes what the socket takes now of `buffers`, in order, with one sendmsg and no
    /// waiting (MSG_DONTWAIT; never SIGPIPE). `more` adds MSG_MORE: more data follows at
    /// once (a file after its head), so the kernel need not send a short segment.
    /// @returns the bytes written, possibly fewer than asked; resource_unavailable_try_again
    /// when the socket takes nothing (then wait_writable).
    [[nodiscard]] expected<std::size_t, std::error_code> try_write(std::span<const iovec> buffers,
                                                                   bool more = false) noexcept;
    /// Reads until `buf` is full or the peer closes. @returns the bytes read.
    task<expected<std::size_t, std::error_code>> read(std::span<std::byte> buf);
    /// Writes some of `buf` (a short write is possible). Never raises SIGPIPE.
    [[nodiscard]] op_awaiter write_some(std::span<const std::byte> buf) noexcept;
    /// Writes all of `buf`. @returns buf.size() or the error (EPIPE, ECONNRESET, ...).
    task<expected<std::size_t, std::error_code>> write_all(std::span<const std::byte> buf);
    /// Writes all of the buffers in order with sendmsg (scatter/gather, no flattening copy).
    task<expected<std::size_t, std::error_code>> write_all(std::span<const iovec> buffers);
    /// Sends `count` bytes of `file_fd` from `offset` with sendfile(2): no user-space copy.
    /// @returns the bytes sent (fewer only if the file is shorter).
    task<expected<std::size_t, std::error_code>> send_file(int file_fd, off_t offset,
                                                           std::size_t count);

    /// Half-close: SHUT_WR sends FIN, the peer reads 0; reading still works.
    expected<void, std::error_code> shutdown(int how = SHUT_WR) noexcept;
    /// TCP_NODELAY: send small writes at once (request/response protocols).
    expected<void, std::error_code> set_nodelay(bool on) noexcept;
    /// SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT (seconds, count).
    expected<void, std::error_code> set_keepalive(bool on, int idle_s = 60, int interval_s = 10,
                                                  int count = 6) noexcept;

    [[nodiscard]] expected<addr::socket_address, std::error_code> local_address() const {
        return handle_.local_address();
    }
    [[nodiscard]] expected<addr::socket_address, std::error_code> peer_address() const {
        return handle_.peer_address();
    }
    [[nodiscard]] int native_handle() const noexcept { return handle_.get(); }
    [[nodiscard]] bool is_open() const noexcept { return handle_.is_open(); }
    void close() noexcept { handle_.close(); }

  private:
    socket_handle handle_;
};

/// Awaits one accepted connection; yields expected<tcp_stream, error_code>.
class accept_awaiter {
  public:
    /// `peer`, when given, receives the connection's address (from accept4 itself: no
    /// getpeername) when the accept succeeds.
    accept_awaiter(loop& owner, int fd, addr::socket_address* peer = nullptr) noexcept;
    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) {
        prepare();
        return inner_.await_suspend(h);
    }
    expected<tcp_stream, std::error_code> await_resume() noexcept;

  private:
    void prepare() noexcept;
    loop* loop_;
    addr::socket_address* peer_out_;
    sockaddr_storage peer_{};
    socklen_t peer_length_ = sizeof(sockaddr_storage);
    op_awaiter inner_;
};

/// A listening TCP socket. Move-only; one loop's thread only.
class tcp_listener {
  public:
    tcp_listener() noexcept = default;

    /// Binds and listens on `at` (port 0 picks a free port: see local_address()).
    /// Uses the loop running on this thread; the overload names one (before run()).
    static expected<tcp_listener, std::error_code> bind(const addr::socket_address& at,
                                                        const listen_options& options = {});
    static expected<tcp_listener, std::error_code> bind(loop& owner, const addr::socket_address& at,
                                                        const listen_options& options = {});

    /// Accepts the next connection. EMFILE/ENFILE are returned as errors and the listener
    /// stays usable: back off and accept again once descriptors are freed.
    [[nodiscard]] accept_awaiter accept() noexcept {
        return accept_awaiter(handle_.owner(), handle_.get());
    }
    /// accept(), also storing the peer's address in `peer` (which must outlive the co_await).
    [[nodiscard]] accept_awaiter accept(addr::socket_address& peer) noexcept {
        return accept_awaiter(handle_.owner(), handle_.get(), &peer);
    }

    [[nodiscard]] expected<addr::socket_address, std::error_code> local_address() const {
        return handle_.local_address();
    }
    [[nodiscard]] int native_handle() const noexcept { return handle_.get(); }
    void close() noexcept { handle_.close(); }

  private:
    explicit tcp_listener(socket_handle h) noexcept : handle_(std::move(h)) {}
    socket_handle handle_;
};

} // namespace weft::io
