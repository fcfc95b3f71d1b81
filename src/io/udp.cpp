#include <weft/io/udp.hpp>

#include <array>
#include <cerrno>
#include <cstring>

#include <netinet/in.h>

namespace weft::io {

namespace {} // namespace

recv_from_awaiter::recv_from_awaiter(loop& owner, int fd, std::span<std::byte> buf) noexcept
    : buf_(buf), inner_(owner, operation::make(operation::kind::recvmsg, fd)) {}

void recv_from_awaiter::prepare() noexcept {
    iov_ = {buf_.data(), buf_.size()};
    msg_ = {};
    msg_.msg_name = &from_;
    msg_.msg_namelen = sizeof from_;
    msg_.msg_iov = &iov_;
    msg_.msg_iovlen = 1;
    inner_.op().msg = &msg_;
}

expected<datagram, std::error_code> recv_from_awaiter::await_resume() noexcept {
    auto n = inner_.await_resume();
    if (!n) {
        return unexpected(n.error());
    }
    return datagram{*n, addr::socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&from_),
                                                            msg_.msg_namelen)};
}

send_to_awaiter::send_to_awaiter(loop& owner, int fd, std::span<const std::byte> buf,
                                 const addr::socket_address& to) noexcept
    : buf_(buf), inner_(owner, operation::make(operation::kind::sendmsg, fd)) {
    to_length_ = to_kernel_sockaddr(to, to_);
}

void send_to_awaiter::prepare() noexcept {
    iov_ = {const_cast<std::byte*>(buf_.data()), buf_.size()};
    msg_ = {};
    msg_.msg_name = &to_;
    msg_.msg_namelen = to_length_;
    msg_.msg_iov = &iov_;
    msg_.msg_iovlen = 1;
    inner_.op().msg = &msg_;
}

expected<std::size_t, std::error_code> send_to_awaiter::await_resume() noexcept {
    if (to_length_ == 0) {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    return inner_.await_resume();
}

expected<udp_socket, std::error_code> udp_socket::bind(const addr::socket_address& at,
                                                       const udp_options& options) {
    if (loop* l = loop::current()) {
        return bind(*l, at, options);
    }
    return unexpected(std::make_error_code(std::errc::invalid_argument));
}

expected<udp_socket, std::error_code> udp_socket::bind(loop& owner, const addr::socket_address& at,
                                                       const udp_options& options) {
    sockaddr_storage ss{};
    const socklen_t len = to_kernel_sockaddr(at, ss);
    if (len == 0) {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    auto fd = open_socket(ss.ss_family, SOCK_DGRAM);
    if (!fd) {
        return unexpected(fd.error());
    }
    socket_handle h(owner, *fd);
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
    if (ss.ss_family == AF_INET6 && options.v6_only) {
        if (auto r = h.set_option(IPPROTO_IPV6, IPV6_V6ONLY, *options.v6_only ? 1 : 0); !r) {
            return unexpected(r.error());
        }
    }
    if (::bind(h.get(), reinterpret_cast<sockaddr*>(&ss), len) < 0) {
        return unexpected(last_error());
    }
    return udp_socket(std::move(h), ss.ss_family);
}

expected<void, std::error_code> udp_socket::connect(const addr::socket_address& peer) noexcept {
    sockaddr_storage ss{};
    const socklen_t len = to_kernel_sockaddr(peer, ss);
    if (len == 0) {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    // A UDP connect only records the peer; it never blocks.
    if (::connect(handle_.get(), reinterpret_cast<sockaddr*>(&ss), len) < 0) {
        return unexpected(last_error());
    }
    return {};
}

op_awaiter udp_socket::send(std::span<const std::byte> buf) noexcept {
    operation op = operation::make(operation::kind::send, handle_.get());
    op.buffer = const_cast<std::byte*>(buf.data());
    op.length = buf.size();
    return op_awaiter(handle_.owner(), op);
}

op_awaiter udp_socket::recv(std::span<std::byte> buf) noexcept {
    operation op = operation::make(operation::kind::read, handle_.get());
    op.buffer = buf.data();
    op.length = buf.size();
    return op_awaiter(handle_.owner(), op);
}

task<expected<std::size_t, std::error_code>>
udp_socket::recv_batch(std::span<datagram_slot> slots) {
    constexpr std::size_t max_batch = 64;
    if (slots.empty()) {
        co_return 0;
    }
    while (true) {
        // Readiness first (works the same on io_uring and epoll), then one recvmmsg that
        // takes everything queued: one syscall for many datagrams.
        const std::size_t n = std::min(slots.size(), max_batch);
        std::array<mmsghdr, max_batch> msgs{};
        std::array<iovec, max_batch> iov{};
        std::array<sockaddr_storage, max_batch> from{};
        for (std::size_t i = 0; i < n; ++i) {
            iov[i] = {slots[i].buffer.data(), slots[i].buffer.size()};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        const int got =
            ::recvmmsg(handle_.get(), msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
        if (got > 0) {
            for (int i = 0; i < got; ++i) {
                auto& m = msgs[static_cast<std::size_t>(i)];
                slots[static_cast<std::size_t>(i)].received = {
                    m.msg_len,
                    addr::socket_address::from_sockaddr(
                        reinterpret_cast<sockaddr*>(m.msg_hdr.msg_name), m.msg_hdr.msg_namelen)};
            }
            co_return static_cast<std::size_t>(got);
        }
        if (errno != EAGAIN && errno != EINTR) {
            co_return unexpected(last_error());
        }
        auto ready = co_await op_awaiter(handle_.owner(),
                                         operation::make(operation::kind::poll_in, handle_.get()));
        if (!ready) {
            co_return unexpected(ready.error());
        }
    }
}

task<expected<std::size_t, std::error_code>>
udp_socket::send_batch(std::span<const std::span<const std::byte>> buffers,
                       addr::socket_address to) {
    constexpr std::size_t max_batch = 64;
    sockaddr_storage ss{};
    const socklen_t len = to_kernel_sockaddr(to, ss);
    if (len == 0) {
        co_return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    std::size_t sent = 0;
    while (sent < buffers.size()) {
        const std::size_t n = std::min(buffers.size() - sent, max_batch);
        std::array<mmsghdr, max_batch> msgs{};
        std::array<iovec, max_batch> iov{};
        for (std::size_t i = 0; i < n; ++i) {
            const auto& b = buffers[sent + i];
            iov[i] = {const_cast<std::byte*>(b.data()), b.size()};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &ss;
            msgs[i].msg_hdr.msg_namelen = len;
        }
        const int done = ::sendmmsg(handle_.get(), msgs.data(), static_cast<unsigned>(n),
                                    MSG_DONTWAIT | MSG_NOSIGNAL);
        if (done > 0) {
            sent += static_cast<std::size_t>(done);
            continue;
        }
        if (errno != EAGAIN && errno != EINTR) {
            co_return unexpected(last_error());
        }
        auto ready = co_await op_awaiter(handle_.owner(),
                                         operation::make(operation::kind::poll_out, handle_.get()));
        if (!ready) {
            co_return unexpected(ready.error());
        }
    }
    co_return sent;
}

namespace {

expected<void, std::error_code> membership(int fd, int family, const addr::ip_address& group,
                                           unsigned interface_index, bool join) noexcept {
    if (!group.is_multicast()) {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    }
    int r = 0;
    if (group.is_v4()) {
        if (family != AF_INET) {
            return unexpected(std::make_error_code(std::errc::address_family_not_supported));
        }
        ip_mreqn m{};
        m.imr_multiaddr.s_addr = htonl(group.v4().to_uint());
        m.imr_ifindex = static_cast<int>(interface_index);
        r = ::setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m,
                         sizeof m);
    } else {
        if (family != AF_INET6) {
            return unexpected(std::make_error_code(std::errc::address_family_not_supported));
        }
        ipv6_mreq m{};
        const auto bytes = group.v6().to_bytes();
        std::memcpy(&m.ipv6mr_multiaddr, bytes.data(), 16);
        m.ipv6mr_interface = interface_index;
        r = ::setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m, sizeof m);
    }
    if (r < 0) {
        return unexpected(last_error());
    }
    return {};
}

} // namespace

expected<void, std::error_code> udp_socket::join_multicast(const addr::ip_address& group,
                                                           unsigned interface_index) noexcept {
    return membership(handle_.get(), family_, group, interface_index, true);
}

expected<void, std::error_code> udp_socket::leave_multicast(const addr::ip_address& group,
                                                            unsigned interface_index) noexcept {
    return membership(handle_.get(), family_, group, interface_index, false);
}

expected<void, std::error_code> udp_socket::set_multicast_loopback(bool on) noexcept {
    if (family_ == AF_INET6) {
        return handle_.set_option(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on ? 1 : 0);
    }
    return handle_.set_option(IPPROTO_IP, IP_MULTICAST_LOOP, on ? 1 : 0);
}

} // namespace weft::io
