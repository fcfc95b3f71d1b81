#pragma once

#include <weft/addr/ip_address.hpp>
#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/socket_handle.hpp>
#include <weft/io/task.hpp>

#include <cstddef>
#include <span>
#include <system_error>

#include <sys/socket.h>

namespace weft::io {

struct udp_options {
    bool reuse_address = false;
    bool reuse_port = false;
    std::optional<bool> v6_only;
};

/// One received datagram: its length and its sender.
struct datagram {
    std::size_t size = 0;
    addr::socket_address from;
};

/// A buffer for batch receive: the caller's storage and what arrived in it.
struct datagram_slot {
    std::span<std::byte> buffer;
    datagram received;
};

class udp_socket;

/// Awaits one datagram; yields expected<datagram, error_code>.
class recv_from_awaiter {
  public:
    recv_from_awaiter(loop& owner, int fd, std::span<std::byte> buf) noexcept;
    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) {
        prepare();
        return inner_.await_suspend(h);
    }
    expected<datagram, std::error_code> await_resume() noexcept;

  private:
    void prepare() noexcept;
    std::span<std::byte> buf_;
    iovec iov_{};
    msghdr msg_{};
    sockaddr_storage from_{};
    op_awaiter inner_;
};

/// Awaits sending one datagram to an address; yields expected<size_t, error_code>.
class send_to_awaiter {
  public:
    send_to_awaiter(loop& owner, int fd, std::span<const std::byte> buf,
                    const addr::socket_address& to) noexcept;
    bool await_ready() const noexcept { return false; }
    template <class P> bool await_suspend(std::coroutine_handle<P> h) {
        if (to_length_ == 0) {
            return false; // await_resume reports invalid_argument
        }
        prepare();
        return inner_.await_suspend(h);
    }
    expected<std::size_t, std::error_code> await_resume() noexcept;

  private:
    void prepare() noexcept;
    std::span<const std::byte> buf_;
    iovec iov_{};
    msghdr msg_{};
    sockaddr_storage to_{};
    socklen_t to_length_ = 0;
    op_awaiter inner_;
};

/// A UDP socket: datagrams to and from socket_addresses, connected mode, multicast and
/// batched receive/send (recvmmsg/sendmmsg). Move-only; one loop's thread only.
class udp_socket {
  public:
    udp_socket() noexcept = default;

    /// Binds to `at` (port 0: any free port) on the current loop, or on `owner`.
    static expected<udp_socket, std::error_code> bind(const addr::socket_address& at,
                                                      const udp_options& options = {});
    static expected<udp_socket, std::error_code> bind(loop& owner, const addr::socket_address& at,
                                                      const udp_options& options = {});

    /// Fixes the peer: send()/recv() then talk to it only, and ICMP errors surface
    /// (ECONNREFUSED on the next call).
    expected<void, std::error_code> connect(const addr::socket_address& peer) noexcept;

    [[nodiscard]] recv_from_awaiter recv_from(std::span<std::byte> buf) noexcept {
        return {handle_.owner(), handle_.get(), buf};
    }
    [[nodiscard]] send_to_awaiter send_to(std::span<const std::byte> buf,
                                          const addr::socket_address& to) noexcept {
        return {handle_.owner(), handle_.get(), buf, to};
    }
    /// Connected mode: one datagram to the peer.
    [[nodiscard]] op_awaiter send(std::span<const std::byte> buf) noexcept;
    /// Connected mode (or any sender when unconnected): one datagram, truncated to buf.
    [[nodiscard]] op_awaiter recv(std::span<std::byte> buf) noexcept;

    /// Waits for at least one datagram, then takes as many as are queued, up to
    /// slots.size(), in one recvmmsg(2). @returns how many slots were filled.
    task<expected<std::size_t, std::error_code>> recv_batch(std::span<datagram_slot> slots);
    /// Sends each buffer to `to` with sendmmsg(2), waiting for room as needed.
    /// @returns how many datagrams were sent (all, unless an error stops it).
    task<expected<std::size_t, std::error_code>>
    send_batch(std::span<const std::span<const std::byte>> buffers, addr::socket_address to);

    /// Joins multicast `group` (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP) on interface index
    /// `interface_index` (0: the system's choice). invalid_argument unless
    /// group.is_multicast().
    expected<void, std::error_code> join_multicast(const addr::ip_address& group,
                                                   unsigned interface_index = 0) noexcept;
    expected<void, std::error_code> leave_multicast(const addr::ip_address& group,
                                                    unsigned interface_index = 0) noexcept;
    /// Whether this host's own multicast sends are looped back to it.
    expected<void, std::error_code> set_multicast_loopback(bool on) noexcept;

    [[nodiscard]] expected<addr::socket_address, std::error_code> local_address() const {
        return handle_.local_address();
    }
    [[nodiscard]] int native_handle() const noexcept { return handle_.get(); }
    void close() noexcept { handle_.close(); }

  private:
    explicit udp_socket(socket_handle h, int family) noexcept
        : handle_(std::move(h)), family_(family) {}
    socket_handle handle_;
    int family_ = 0;
};

} // namespace weft::io
