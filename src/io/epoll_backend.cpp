// The epoll backend: edge-triggered readiness. An operation is tried at once; only on
// EAGAIN does it join its descriptor's wait list, and it is retried when the edge comes.
// Each descriptor is registered once (EPOLLIN|EPOLLET, plus EPOLLOUT from the first writer
// that has to wait) and removed by forget().

#include <weft/io/loop.hpp>

#include <cerrno>
#include <vector>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace weft::io {
namespace {

bool is_reader(operation::kind k) noexcept {
    switch (k) {
    case operation::kind::read:
    case operation::kind::readv:
    case operation::kind::recvmsg:
    case operation::kind::accept:
    case operation::kind::poll_in:
        return true;
    default:
        return false;
    }
}

long errno_result(long r) noexcept {
    return r < 0 ? -errno : r;
}

// Runs the syscall of `op` once on a non-blocking descriptor: the value, or -errno.
long perform(operation& op) noexcept {
    while (true) {
        long r = 0;
        switch (op.op) {
        case operation::kind::read:
            r = errno_result(::read(op.fd, op.buffer, op.length));
            break;
        case operation::kind::send:
            r = errno_result(::send(op.fd, op.buffer, op.length, op.msg_flags | MSG_NOSIGNAL));
            break;
        case operation::kind::readv:
            r = errno_result(::readv(op.fd, op.iov, op.iovcnt));
            break;
        case operation::kind::sendv: {
            msghdr m{};
            m.msg_iov = const_cast<iovec*>(op.iov);
            m.msg_iovlen = static_cast<std::size_t>(op.iovcnt);
            r = errno_result(::sendmsg(op.fd, &m, op.msg_flags | MSG_NOSIGNAL));
            break;
        }
        case operation::kind::recvmsg:
            r = errno_result(::recvmsg(op.fd, op.msg, 0));
            break;
        case operation::kind::sendmsg:
            r = errno_result(::sendmsg(op.fd, op.msg, MSG_NOSIGNAL));
            break;
        case operation::kind::accept:
            r = errno_result(
                ::accept4(op.fd, op.addr, op.addr_length_out, SOCK_NONBLOCK | SOCK_CLOEXEC));
            break;
        case operation::kind::connect:
            if (!op.started) {
                op.started = true;
                r = errno_result(::connect(op.fd, op.addr, op.addr_length));
                if (r == -EINPROGRESS) {
                    r = -EAGAIN;
                }
            } else {
                // Writable after EINPROGRESS: SO_ERROR holds the outcome.
                int err = 0;
                socklen_t len = sizeof err;
                if (::getsockopt(op.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                    err = errno;
                }
                r = -err;
            }
            break;
        case operation::kind::poll_in:
        case operation::kind::poll_out: {
            pollfd p{op.fd,
                     static_cast<short>(op.op == operation::kind::poll_in ? POLLIN : POLLOUT), 0};
            const int n = ::poll(&p, 1, 0);
            r = n < 0 ? -errno : n == 0 ? -EAGAIN : 0;
            break;
        }
        }
        if (r != -EINTR) {
            return r == -EWOULDBLOCK ? -EAGAIN : r;
        }
    }
}

class epoll_backend final : public backend {
  public:
    epoll_backend(loop& owner, int epfd, int wakefd) : loop_(owner), epfd_(epfd), wakefd_(wakefd) {}
    ~epoll_backend() override {
        ::close(wakefd_);
        ::close(epfd_);
    }

    backend_kind kind() const noexcept override { return backend_kind::epoll; }

    long try_now(operation& op) noexcept override {
        const long r = weft::detail::try_socket_now(op);
        note_read(op, r);
        return r;
    }

    bool submit(operation& op) override {
        // A stream socket whose last read came back short has nothing queued: skip the
        // read that would only say EAGAIN, and wait for the edge (tokio's readiness cache).
        // The same for a wait for readability (poll_in): it waits for the edge.
        const bool skip = (is_stream_read(op) || is_stream_poll_in(op)) &&
                          !state(op.fd).read_ready && !state(op.fd).read_closed;
        const long r = skip ? -EAGAIN : perform(op);
        note_read(op, r);
        if (r != -EAGAIN) {
            op.result = r;
            return false;
        }
        if (!watch(op.fd, !is_reader(op.op))) {
            op.result = -errno;
            return false;
        }
        auto& head = is_reader(op.op) ? state(op.fd).readers : state(op.fd).writers;
        op.next_waiting = nullptr;
        op.waiting = true;
        operation** tail = &head;
        while (*tail != nullptr) {
            tail = &(*tail)->next_waiting;
        }
        *tail = &op;
        return true;
    }

    void cancel(operation& op) override {
        if (!op.waiting) {
            return;
        }
        unlink(op);
        op.result = -ECANCELED;
        // Resumed on the next turn, never from inside the canceller's stack.
        loop_.post(op.waiter);
    }

    void wait(std::optional<std::chrono::nanoseconds> timeout) override {
        int ms = -1;
        if (timeout) {
            // Round up so a timer is never fired early and the loop never spins.
            ms = static_cast<int>((timeout->count() + 999'999) / 1'000'000);
        }
        epoll_event events[256];
        const int n = ::epoll_wait(epfd_, events, 256, ms);
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            const std::uint32_t ev = events[i].events;
            if (fd == wakefd_) {
                std::uint64_t count;
                (void)!::read(wakefd_, &count, sizeof count);
                continue;
            }
            if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
                if (static_cast<std::size_t>(fd) < fds_.size()) {
                    fds_[fd].read_ready = true;
                    // EOF or an error is final: the next read returns at once, and no
                    // further edge would come to wake a read that skipped its syscall.
                    if (ev & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
                        fds_[fd].read_closed = true;
                    }
                }
                retry(fd, true);
            }
            if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
                retry(fd, false);
            }
        }
    }

    void forget(int fd) noexcept override {
        if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size() || !fds_[fd].registered) {
            return;
        }
        ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
        // Operations still waiting on a descriptor being closed end with ECANCELED.
        for (operation* head : {fds_[fd].readers, fds_[fd].writers}) {
            for (operation* op = head; op != nullptr;) {
                operation* next = op->next_waiting;
                op->waiting = false;
                op->result = -ECANCELED;
                loop_.post(op->waiter);
                op = next;
            }
        }
        fds_[fd] = {};
    }

    void wake() noexcept override {
        const std::uint64_t one = 1;
        (void)!::write(wakefd_, &one, sizeof one);
    }

  private:
    struct fd_state {
        operation* readers = nullptr;
        operation* writers = nullptr;
        bool registered = false;
        bool out = false;         // EPOLLOUT is in the registration
        bool stream = false;      // SOCK_STREAM: a short read means the queue is empty
        bool read_ready = true;   // false after a short read or EAGAIN, until the next edge
        bool read_closed = false; // EOF or error seen: reads are never skipped again
    };

    bool is_stream_poll_in(const operation& op) {
        return op.op == operation::kind::poll_in && state(op.fd).registered && state(op.fd).stream;
    }
    bool is_stream_read(const operation& op) {
        return (op.op == operation::kind::read || op.op == operation::kind::readv) &&
               state(op.fd).registered && state(op.fd).stream;
    }
    void note_read(const operation& op, long r) {
        if (!is_stream_read(op)) {
            return;
        }
        const std::size_t asked = op.op == operation::kind::read ? op.length : iov_length(op);
        if (r == -EAGAIN || (r > 0 && static_cast<std::size_t>(r) < asked)) {
            state(op.fd).read_ready = false;
        }
    }
    static std::size_t iov_length(const operation& op) {
        std::size_t n = 0;
        for (int i = 0; i < op.iovcnt; ++i) {
            n += op.iov[i].iov_len;
        }
        return n;
    }

    fd_state& state(int fd) {
        if (static_cast<std::size_t>(fd) >= fds_.size()) {
            fds_.resize(static_cast<std::size_t>(fd) + 64);
        }
        return fds_[static_cast<std::size_t>(fd)];
    }

    // Registers `fd` edge-triggered for input, and for output only once a writer has had
    // to wait: EPOLLOUT on every socket would wake the loop on every ACK (each one frees
    // send-buffer space), a kernel cost a server pays per message for nothing.
    bool watch(int fd, bool want_out) {
        fd_state& s = state(fd);
        if (s.registered && (!want_out || s.out)) {
            return true;
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (want_out || s.out ? EPOLLOUT : 0u);
        ev.data.fd = fd;
        // MOD re-checks readiness, so a descriptor that became writable meanwhile reports it.
        if (::epoll_ctl(epfd_, s.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0) {
            return false;
        }
        if (!s.registered) {
            s.registered = true;
            int type = 0;
            socklen_t len = sizeof type;
            s.stream =
                ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
            s.read_ready = true;
        }
        s.out = s.out || want_out;
        return true;
    }

    void unlink(operation& op) noexcept {
        auto& s = fds_[static_cast<std::size_t>(op.fd)];
        operation** link = is_reader(op.op) ? &s.readers : &s.writers;
        while (*link != nullptr && *link != &op) {
            link = &(*link)->next_waiting;
        }
        if (*link == &op) {
            *link = op.next_waiting;
        }
        op.next_waiting = nullptr;
        op.waiting = false;
    }

    // Retries the waiting operations of one direction in order until one would block.
    // A resumed coroutine may submit, cancel or close: state is looked up afresh each time.
    void retry(int fd, bool readers) {
        // Only the operations waiting when the edge came: one queued by a coroutine resumed
        // here has just tried its syscall and seen EAGAIN; a new edge will bring it back.
        std::size_t waiting = 0;
        for (operation* op = readers ? fds_[fd].readers : fds_[fd].writers; op != nullptr;
             op = op->next_waiting) {
            ++waiting;
        }
        for (; waiting > 0 && static_cast<std::size_t>(fd) < fds_.size(); --waiting) {
            operation* op = readers ? fds_[fd].readers : fds_[fd].writers;
            if (op == nullptr) {
                return;
            }
            // An edge just said readable: a wait for it is over without a poll() to ask again.
            const long r = readers && op->op == operation::kind::poll_in ? 0 : perform(*op);
            note_read(*op, r);
            if (r == -EAGAIN) {
                return;
            }
            unlink(*op);
            op->result = r;
            loop_.complete(*op);
        }
    }

    loop& loop_;
    int epfd_;
    int wakefd_;
    std::vector<fd_state> fds_;
};

} // namespace

std::unique_ptr<backend> make_epoll_backend(loop& owner, std::error_code& ec) {
    const int epfd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        ec.assign(errno, std::system_category());
        return nullptr;
    }
    const int wakefd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakefd < 0) {
        ec.assign(errno, std::system_category());
        ::close(epfd);
        return nullptr;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wakefd;
    ::epoll_ctl(epfd, EPOLL_CTL_ADD, wakefd, &ev);
    return std::make_unique<epoll_backend>(owner, epfd, wakefd);
}

} // namespace weft::io
