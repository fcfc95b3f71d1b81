#include <weft/io/signal_set.hpp>

#include <cerrno>
#include <csignal>

#include <pthread.h>
#include <sys/signalfd.h>

namespace weft::io {

expected<signal_set, std::error_code> signal_set::create(loop& owner,
                                                         std::initializer_list<int> signals) {
    sigset_t mask;
    sigemptyset(&mask);
    for (const int s : signals) {
        if (sigaddset(&mask, s) != 0) {
            return unexpected(std::make_error_code(std::errc::invalid_argument)); // 0, > SIGRTMAX
        }
    }
    if (const int r = ::pthread_sigmask(SIG_BLOCK, &mask, nullptr); r != 0) {
        return unexpected(std::error_code(r, std::system_category()));
    }
    const int fd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        return unexpected(last_error());
    }
    return signal_set(socket_handle(owner, fd));
}

task<expected<int, std::error_code>> signal_set::wait() {
    signalfd_siginfo info{};
    operation op;
    op.op = operation::kind::read;
    op.fd = handle_.get();
    op.buffer = &info;
    op.length = sizeof info;
    auto n = co_await op_awaiter(handle_.owner(), op);
    if (!n) {
        co_return unexpected(n.error());
    }
    if (*n != sizeof info) {
        co_return unexpected(std::make_error_code(std::errc::io_error));
    }
    co_return static_cast<int>(info.ssi_signo);
}

} // namespace weft::io
