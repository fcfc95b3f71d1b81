#include <weft/io/backend.hpp>
#include <weft/io/socket_handle.hpp>

#include <cerrno>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::detail {

long try_socket_now(io::operation& op) noexcept {
    while (true) {
        ssize_t r = -1;
        switch (op.op) {
        case io::operation::kind::read:
            r = ::recv(op.fd, op.buffer, op.length, MSG_DONTWAIT);
            break;
        case io::operation::kind::send:
            r = ::send(op.fd, op.buffer, op.length, op.msg_flags | MSG_DONTWAIT | MSG_NOSIGNAL);
            break;
        case io::operation::kind::sendv: {
            msghdr m{};
            m.msg_iov = const_cast<iovec*>(op.iov);
            m.msg_iovlen = static_cast<std::size_t>(op.iovcnt);
            r = ::sendmsg(op.fd, &m, op.msg_flags | MSG_DONTWAIT | MSG_NOSIGNAL);
            break;
        }
        default:
            return -EINVAL;
        }
        if (r >= 0) {
            return static_cast<long>(r);
        }
        if (errno != EINTR) {
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        }
    }
}

} // namespace weft::detail

namespace weft::io {

std::error_code last_error() noexcept {
    return {errno, std::system_category()};
}

expected<int, std::error_code> open_socket(int family, int type) noexcept {
    const int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return unexpected(last_error());
    }
    return fd;
}

void socket_handle::close() noexcept {
    if (fd_ >= 0) {
        if (loop_ != nullptr) {
            loop_->backend().forget(fd_);
        }
        ::close(fd_);
        fd_ = -1;
    }
}

expected<addr::socket_address, std::error_code> socket_handle::local_address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) < 0) {
        return unexpected(last_error());
    }
    return addr::socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

expected<addr::socket_address, std::error_code> socket_handle::peer_address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) < 0) {
        return unexpected(last_error());
    }
    return addr::socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

expected<void, std::error_code> socket_handle::set_option(int level, int name, int value) const {
    if (::setsockopt(fd_, level, name, &value, sizeof value) < 0) {
        return unexpected(last_error());
    }
    return {};
}

} // namespace weft::io

#include <cstring>
#include <string>

#include <net/if.h>

namespace weft::io {

socklen_t to_kernel_sockaddr(const addr::socket_address& a, sockaddr_storage& out) noexcept {
    const socklen_t len = a.to_sockaddr(out);
    if (len == 0 || !a.address().is_v6() || !a.address().v6().has_zone()) {
        return len;
    }
    sockaddr_in6 in6{};
    std::memcpy(&in6, &out, sizeof in6);
    if (in6.sin6_scope_id == 0) {
        char name[IF_NAMESIZE + 1] = {};
        const auto zone = a.address().v6().zone();
        std::memcpy(name, zone.data(), std::min<std::size_t>(zone.size(), IF_NAMESIZE));
        in6.sin6_scope_id = ::if_nametoindex(name);
        if (in6.sin6_scope_id == 0) {
            return 0;
        }
        std::memcpy(&out, &in6, sizeof in6);
    }
    return len;
}

} // namespace weft::io
