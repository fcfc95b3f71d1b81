// The io_uring backend: every operation is a submission queue entry whose user_data is the
// operation itself; submissions are batched and flushed when the loop waits.

#include <weft/io/loop.hpp>

#include <cerrno>
#include <cstring>

#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace weft::io {
namespace {

// user_data of entries whose completion carries nothing to resume (cancel requests).
constexpr std::uint64_t ignored_completion = 0;

class uring_backend final : public backend {
  public:
    uring_backend(loop& owner, int wakefd) : loop_(owner), wakefd_(wakefd) {}
    ~uring_backend() override {
        ::io_uring_queue_exit(&ring_);
        ::close(wakefd_);
    }

    bool init(std::error_code& ec) {
        io_uring_params params{};
        // Fewer interrupts: completions are reaped when this (only) thread waits.
        params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
        int r = ::io_uring_queue_init_params(entries, &ring_, &params);
        if (r == -EINVAL) {
            params = {};
            r = ::io_uring_queue_init_params(entries, &ring_, &params); // kernels before 6.0
        }
        if (r < 0) {
            ec.assign(-r, std::system_category());
            return false;
        }
        arm_wake();
        return true;
    }

    backend_kind kind() const noexcept override { return backend_kind::uring; }

    long try_now(operation& op) noexcept override { return weft::detail::try_socket_now(op); }

    bool submit(operation& op) override {
        io_uring_sqe* sqe = next_sqe();
        switch (op.op) {
        case operation::kind::read:
            // Offset -1: the descriptor's own position; sockets, pipes and signalfd alike.
            ::io_uring_prep_read(sqe, op.fd, op.buffer, static_cast<unsigned>(op.length),
                                 static_cast<std::uint64_t>(-1));
            break;
        case operation::kind::send:
            ::io_uring_prep_send(sqe, op.fd, op.buffer, op.length, op.msg_flags | MSG_NOSIGNAL);
            break;
        case operation::kind::readv:
            ::io_uring_prep_readv(sqe, op.fd, op.iov, static_cast<unsigned>(op.iovcnt),
                                  static_cast<std::uint64_t>(-1));
            break;
        case operation::kind::sendv:
            // No msghdr to hand the kernel (see operation): wait for room, then send now.
            ::io_uring_prep_poll_add(sqe, op.fd, POLLOUT);
            break;
        case operation::kind::recvmsg:
            ::io_uring_prep_recvmsg(sqe, op.fd, op.msg, 0);
            break;
        case operation::kind::sendmsg:
            ::io_uring_prep_sendmsg(sqe, op.fd, op.msg, MSG_NOSIGNAL);
            break;
        case operation::kind::accept:
            ::io_uring_prep_accept(sqe, op.fd, op.addr, op.addr_length_out,
                                   SOCK_NONBLOCK | SOCK_CLOEXEC);
            break;
        case operation::kind::connect:
            ::io_uring_prep_connect(sqe, op.fd, op.addr, op.addr_length);
            break;
        case operation::kind::poll_in:
            ::io_uring_prep_poll_add(sqe, op.fd, POLLIN);
            break;
        case operation::kind::poll_out:
            ::io_uring_prep_poll_add(sqe, op.fd, POLLOUT);
            break;
        }
        ::io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uintptr_t>(&op));
        op.waiting = true;
        ++in_flight_;
        return true;
    }

    void cancel(operation& op) override {
        if (!op.waiting) {
            return;
        }
        io_uring_sqe* sqe = next_sqe();
        ::io_uring_prep_cancel64(sqe, reinterpret_cast<std::uintptr_t>(&op), 0);
        ::io_uring_sqe_set_data64(sqe, ignored_completion);
    }

    void wait(std::optional<std::chrono::nanoseconds> timeout) override {
        io_uring_cqe* cqe = nullptr;
        if (!timeout) {
            ::io_uring_submit_and_wait(&ring_, 1);
        } else if (timeout->count() == 0) {
            ::io_uring_submit(&ring_);
        } else {
            __kernel_timespec ts{};
            ts.tv_sec = timeout->count() / 1'000'000'000;
            ts.tv_nsec = timeout->count() % 1'000'000'000;
            ::io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
        }
        // Copy out, then advance, then resume: a resumed coroutine submits new entries and
        // must never see a half-consumed completion ring.
        while (true) {
            struct done {
                std::uint64_t data;
                int res;
            } batch[256];
            unsigned n = 0;
            unsigned head;
            io_uring_for_each_cqe(&ring_, head, cqe) {
                if (n == 256) {
                    break;
                }
                batch[n++] = {::io_uring_cqe_get_data64(cqe), cqe->res};
            }
            if (n == 0) {
                return;
            }
            ::io_uring_cq_advance(&ring_, n);
            for (unsigned i = 0; i < n; ++i) {
                if (batch[i].data == ignored_completion) {
                    continue;
                }
                if (batch[i].data == wake_tag()) {
                    arm_wake();
                    continue;
                }
                auto* op = reinterpret_cast<operation*>(batch[i].data);
                op->waiting = false;
                --in_flight_;
                const bool is_poll =
                    op->op == operation::kind::poll_in || op->op == operation::kind::poll_out;
                op->result = is_poll && batch[i].res > 0 ? 0 : batch[i].res;
                if (op->op == operation::kind::sendv && batch[i].res >= 0) {
                    op->result = weft::detail::try_socket_now(*op);
                    if (op->result == -EAGAIN) {
                        (void)submit(*op); // the room went to someone else: wait again
                        continue;
                    }
                }
                loop_.complete(*op);
            }
        }
    }

    void forget(int) noexcept override {}

    void wake() noexcept override {
        const std::uint64_t one = 1;
        (void)!::write(wakefd_, &one, sizeof one);
    }

  private:
    static constexpr unsigned entries = 4096;

    std::uint64_t wake_tag() const noexcept {
        return reinterpret_cast<std::uintptr_t>(&wake_count_);
    }

    io_uring_sqe* next_sqe() {
        io_uring_sqe* sqe = ::io_uring_get_sqe(&ring_);
        while (sqe == nullptr) {
            // The submission queue is full: flush it to the kernel and take a fresh slot.
            ::io_uring_submit(&ring_);
            sqe = ::io_uring_get_sqe(&ring_);
        }
        return sqe;
    }

    void arm_wake() {
        io_uring_sqe* sqe = next_sqe();
        ::io_uring_prep_read(sqe, wakefd_, &wake_count_, sizeof wake_count_, 0);
        ::io_uring_sqe_set_data64(sqe, wake_tag());
    }

    loop& loop_;
    int wakefd_;
    io_uring ring_{};
    std::uint64_t wake_count_ = 0;
    std::size_t in_flight_ = 0;
};

} // namespace

std::unique_ptr<backend> make_uring_backend(loop& owner, std::error_code& ec) {
    const int wakefd = ::eventfd(0, EFD_CLOEXEC);
    if (wakefd < 0) {
        ec.assign(errno, std::system_category());
        return nullptr;
    }
    auto b = std::make_unique<uring_backend>(owner, wakefd);
    if (!b->init(ec)) {
        return nullptr;
    }
    return b;
}

} // namespace weft::io
