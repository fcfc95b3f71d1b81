#include <weft/io/combinators.hpp>
#include <weft/io/tcp.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <csignal>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

namespace weft::io {

namespace {

task<expected<tcp_stream, std::error_code>> connect_once(addr::socket_address to) {
    loop* l = loop::current();
    sockaddr_storage ss{};
    const socklen_t len = to_kernel_sockaddr(to, ss);
    if (len == 0 || l == nullptr) {
        co_return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    auto fd = open_socket(ss.ss_family, SOCK_STREAM);
    if (!fd) {
        co_return unexpected(fd.error());
    }
    socket_handle h(*l, *fd);
    operation op = operation::make(operation::kind::connect, *fd);
    op.addr = reinterpret_cast<sockaddr*>(&ss);
    op.addr_length = len;
    auto r = co_await op_awaiter(*l, op);
    if (!r) {
        co_return unexpected(r.error());
    }
    co_return tcp_stream(std::move(h));
}

} // namespace

task<expected<tcp_stream, std::error_code>>
tcp_stream::connect(addr::socket_address to,
                    std::optional<std::chrono::steady_clock::duration> timeout) {
    if (timeout) {
        co_return co_await with_timeout(*timeout, connect_once(to));
    }
    co_return co_await connect_once(to);
}

op_awaiter tcp_stream::read_some(std::span<std::byte> buf) noexcept {
    operation op = operation::make(operation::kind::read, handle_.get());
    op.buffer = buf.data();
    op.length = buf.size();
    return op_awaiter(handle_.owner(), op);
}

timed_op_awaiter tcp_stream::read_some(std::span<std::byte> buf,
                                       steady_clock::time_point deadline) noexcept {
    operation op = operation::make(operation::kind::read, handle_.get());
    op.buffer = buf.data();
    op.length = buf.size();
    return timed_op_awaiter(handle_.owner(), op, deadline);
}

expected<std::size_t, std::error_code>
tcp_stream::try_read_some(std::span<std::byte> buf) noexcept {
    operation op = operation::make(operation::kind::read, handle_.get());
    op.buffer = buf.data();
    op.length = buf.size();
    return to_expected(handle_.owner().backend().try_now(op));
}

op_awaiter tcp_stream::wait_readable() noexcept {
    return op_awaiter(handle_.owner(), operation::make(operation::kind::poll_in, handle_.get()));
}

timed_op_awaiter tcp_stream::wait_readable(steady_clock::time_point deadline) noexcept {
    return timed_op_awaiter(handle_.owner(),
                            operation::make(operation::kind::poll_in, handle_.get()), deadline);
}

timed_op_awaiter tcp_stream::wait_writable(steady_clock::time_point deadline) noexcept {
    return timed_op_awaiter(handle_.owner(),
                            operation::make(operation::kind::poll_out, handle_.get()), deadline);
}

expected<std::size_t, std::error_code> tcp_stream::try_write(std::span<const iovec> buffers,
                                                             bool more) noexcept {
    operation op = operation::make(operation::kind::sendv, handle_.get());
    op.iov = buffers.data();
    op.iovcnt = static_cast<int>(std::min<std::size_t>(buffers.size(), IOV_MAX));
    op.msg_flags = more ? MSG_MORE : 0;
    return to_expected(handle_.owner().backend().try_now(op));
}

op_awaiter tcp_stream::write_some(std::span<const std::byte> buf) noexcept {
    operation op = operation::make(operation::kind::send, handle_.get());
    op.buffer = const_cast<std::byte*>(buf.data());
    op.length = buf.size();
    return op_awaiter(handle_.owner(), op);
}

task<expected<std::size_t, std::error_code>> tcp_stream::read(std::span<std::byte> buf) {
    std::size_t done = 0;
    while (done < buf.size()) {
        auto n = co_await read_some(buf.subspan(done));
        if (!n) {
            co_return unexpected(n.error());
        }
        if (*n == 0) {
            break;
        }
        done += *n;
    }
    co_return done;
}

task<expected<std::size_t, std::error_code>> tcp_stream::write_all(std::span<const std::byte> buf) {
    std::size_t done = 0;
    while (done < buf.size()) {
        auto n = co_await write_some(buf.subspan(done));
        if (!n) {
            co_return unexpected(n.error());
        }
        done += *n;
    }
    co_return done;
}

task<expected<std::size_t, std::error_code>> tcp_stream::write_all(std::span<const iovec> buffers) {
    // Work on a window of at most 64 entries copied to the frame, advanced past what the
    // kernel took: the caller's array is never modified.
    constexpr std::size_t window = 64;
    std::array<iovec, window> iov{};
    std::size_t next = 0;  // next caller buffer not yet in the window
    std::size_t count = 0; // entries in the window
    std::size_t first = 0; // first live entry in the window
    std::size_t total = 0;
    while (true) {
        if (first == count) {
            first = 0;
            count = 0;
            while (next < buffers.size() && count < window) {
                if (buffers[next].iov_len != 0) {
                    iov[count++] = buffers[next];
                }
                ++next;
            }
            if (count == 0) {
                co_return total;
            }
        }
        // sendmsg with the msghdr in this frame: io_uring reads it after submission.
        msghdr m{};
        m.msg_iov = iov.data() + first;
        m.msg_iovlen = count - first;
        operation op = operation::make(operation::kind::sendmsg, handle_.get());
        op.msg = &m;
        auto n = co_await op_awaiter(handle_.owner(), op);
        if (!n) {
            co_return unexpected(n.error());
        }
        total += *n;
        std::size_t left = *n;
        while (left > 0 && first < count) {
            const std::size_t take = std::min(left, iov[first].iov_len);
            iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + take;
            iov[first].iov_len -= take;
            left -= take;
            if (iov[first].iov_len == 0) {
                ++first;
            }
        }
    }
}

namespace {

// sendfile(2) has no MSG_NOSIGNAL: a peer gone mid-file would raise SIGPIPE and, with the
// default action, kill the whole process. So SIGPIPE is blocked on this thread while a run of
// sendfile calls lasts (until one would block, fails or the file is sent), and one that a
// failure raised is taken off the pending set before it is unblocked. A call that sent part of
// the file may already have raised it (the error came mid-way): the next call then reports
// the error, so the run always ends with it. The process's disposition is left alone (the
// library does not rely on SIGPIPE being ignored), and no mask outlives a run: the coroutine
// never suspends with SIGPIPE blocked.
class sigpipe_blocked {
  public:
    sigpipe_blocked() noexcept {
        sigemptyset(&pipe_only_);
        sigaddset(&pipe_only_, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_only_, &old_);
    }
    sigpipe_blocked(const sigpipe_blocked&) = delete;
    sigpipe_blocked& operator=(const sigpipe_blocked&) = delete;
    ~sigpipe_blocked() {
        const int saved = errno;
        if (failed_ && sigismember(&old_, SIGPIPE) == 0) {
            const timespec zero{};
            while (::sigtimedwait(&pipe_only_, nullptr, &zero) < 0 && errno == EINTR) {
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
        errno = saved;
    }
    void note_failure() noexcept { failed_ = true; }

  private:
    sigset_t pipe_only_;
    sigset_t old_;
    bool failed_ = false;
};

} // namespace

task<expected<std::size_t, std::error_code>> tcp_stream::send_file(int file_fd, off_t offset,
                                                                   std::size_t count) {
    std::size_t done = 0;
    while (done < count) {
        int error = 0;
        {
            sigpipe_blocked guard;
            while (done < count) {
                const ssize_t n = ::sendfile(handle_.get(), file_fd, &offset, count - done);
                if (n > 0) {
                    done += static_cast<std::size_t>(n);
                    continue;
                }
                if (n == 0) {
                    co_return done; // the file ended early (guard restores the mask first)
                }
                if (errno == EINTR) {
                    continue;
                }
                error = errno;
                if (error != EAGAIN) {
                    guard.note_failure();
                }
                break;
            }
        }
        if (error == 0) {
            break;
        }
        if (error != EAGAIN) {
            co_return unexpected(std::error_code(error, std::system_category()));
        }
        auto ready = co_await op_awaiter(handle_.owner(),
                                         operation::make(operation::kind::poll_out, handle_.get()));
        if (!ready) {
            co_return unexpected(ready.error());
        }
    }
    co_return done;
}

expected<void, std::error_code> tcp_stream::shutdown(int how) noexcept {
    if (::shutdown(handle_.get(), how) < 0) {
        return unexpected(last_error());
    }
    return {};
}

expected<void, std::error_code> tcp_stream::set_nodelay(bool on) noexcept {
    return handle_.set_option(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
}

expected<void, std::error_code> tcp_stream::set_keepalive(bool on, int idle_s, int interval_s,
                                                          int count) noexcept {
    auto r = handle_.set_option(SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0);
    if (!r || !on) {
        return r;
    }
    if (r = handle_.set_option(IPPROTO_TCP, TCP_KEEPIDLE, idle_s); !r) {
        return r;
    }
    if (r = handle_.set_option(IPPROTO_TCP, TCP_KEEPINTVL, interval_s); !r) {
        return r;
    }
    return handle_.set_option(IPPROTO_TCP, TCP_KEEPCNT, count);
}

accept_awaiter::accept_awaiter(loop& owner, int fd, addr::socket_address* peer) noexcept
    : loop_(&owner), peer_out_(peer), inner_(owner, operation::make(operation::kind::accept, fd)) {}

void accept_awaiter::prepare() noexcept {
    peer_length_ = sizeof peer_;
    inner_.op().addr = reinterpret_cast<sockaddr*>(&peer_);
    inner_.op().addr_length_out = &peer_length_;
}

expected<tcp_stream, std::error_code> accept_awaiter::await_resume() noexcept {
    auto fd = inner_.await_resume();
    if (!fd) {
        return unexpected(fd.error());
    }
    if (peer_out_ != nullptr) {
        *peer_out_ =
            addr::socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&peer_), peer_length_);
    }
    return tcp_stream(socket_handle(*loop_, static_cast<int>(*fd)));
}

expected<tcp_listener, std::error_code> tcp_listener::bind(const addr::socket_address& at,
                                                           const listen_options& options) {
    if (loop* l = loop::current()) {
        return bind(*l, at, options);
    }
    return unexpected(std::make_error_code(std::errc::invalid_argument));
}

expected<tcp_listener, std::error_code>
tcp_listener::bind(loop& owner, const addr::socket_address& at, const listen_options& options) {
    loop* l = &owner;
    sockaddr_storage ss{};
    const socklen_t len = to_kernel_sockaddr(at, ss);
    if (len == 0 || l == nullptr) {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    auto fd = open_socket(ss.ss_family, SOCK_STREAM);
    if (!fd) {
        return unexpected(fd.error());
    }
    socket_handle h(*l, *fd);
    if (options.reuse_address) {
        if (auto r = h.set_option(SOL_SOCKET, SO_REUSEADDR, 1); !r) {
            return unexpected(r.error());
        }
    }
    if (options.reuse_port) {
        if (auto r = h.set_option(SOL_SOCKET, SO_REUSEPORT, 1); !r) {
            return unexpected(r.error());
        }
    }
    if (options.defer_accept_s > 0) {
        if (auto r = h.set_option(IPPROTO_TCP, TCP_DEFER_ACCEPT, options.defer_accept_s); !r) {
            return unexpected(r.error());
        }
    }
    if (ss.ss_family == AF_INET6 && options.v6_only) {
        if (auto r = h.set_option(IPPROTO_IPV6, IPV6_V6ONLY, *options.v6_only ? 1 : 0); !r) {
            return unexpected(r.error());
        }
    }
    if (::bind(h.get(), reinterpret_cast<sockaddr*>(&ss), len) < 0 ||
        ::listen(h.get(), options.backlog) < 0) {
        return unexpected(last_error());
    }
    return tcp_listener(std::move(h));
}

} // namespace weft::io
