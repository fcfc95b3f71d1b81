#include <weft/io/port_reservation.hpp>
#include <weft/io/socket_handle.hpp>

#include <sys/socket.h>
#include <unistd.h>

namespace weft::io {

port_reservation& port_reservation::operator=(port_reservation&& o) noexcept {
    if (this != &o) {
        release();
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

expected<addr::socket_address, std::error_code>
port_reservation::reserve(const addr::socket_address& at, int type) {
    release();
    sockaddr_storage ss{};
    const socklen_t len = to_kernel_sockaddr(at, ss);
    if (len == 0) {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    auto fd = open_socket(ss.ss_family, type);
    if (!fd) {
        return unexpected(fd.error());
    }
    fd_ = *fd;
    const int one = 1;
    if (::setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) < 0) {
        auto e = last_error();
        release();
        return unexpected(e);
    }
    socklen_t got = sizeof ss;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &got) < 0) {
        auto e = last_error();
        release();
        return unexpected(e);
    }
    return addr::socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), got);
}

void port_reservation::release() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

} // namespace weft::io
