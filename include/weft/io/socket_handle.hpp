#pragma once

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>
#include <weft/io/loop.hpp>

#include <system_error>
#include <utility>

namespace weft::io {

/// Owns one non-blocking descriptor registered with a loop; closes it (after telling the
/// backend to forget it) when destroyed. Move-only; loop thread only.
class socket_handle {
  public:
    socket_handle() noexcept = default;
    socket_handle(loop& owner, int fd) noexcept : loop_(&owner), fd_(fd) {}
    socket_handle(socket_handle&& o) noexcept : loop_(o.loop_), fd_(std::exchange(o.fd_, -1)) {}
    socket_handle& operator=(socket_handle&& o) noexcept {
        if (this != &o) {
            close();
            loop_ = o.loop_;
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~socket_handle() { close(); }

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
    [[nodiscard]] io::loop& owner() const noexcept { return *loop_; }
    void close() noexcept;

    /// The address the socket is bound to (getsockname).
    [[nodiscard]] expected<addr::socket_address, std::error_code> local_address() const;
    /// The address of the peer (getpeername).
    [[nodiscard]] expected<addr::socket_address, std::error_code> peer_address() const;
    /// setsockopt of an int option.
    expected<void, std::error_code> set_option(int level, int name, int value) const;

  private:
    loop* loop_ = nullptr;
    int fd_ = -1;
};

/// Creates a non-blocking, close-on-exec socket of `family` and `type`.
expected<int, std::error_code> open_socket(int family, int type) noexcept;

/// The current errno as an error_code.
std::error_code last_error() noexcept;

} // namespace weft::io

namespace weft::io {
/// addr::socket_address::to_sockaddr, plus what addr may not do (I/O): an interface-name
/// zone ("fe80::1%eth0") becomes its index via if_nametoindex.
/// @returns the length, or 0 when there is no address or the interface is unknown.
socklen_t to_kernel_sockaddr(const addr::socket_address& a, sockaddr_storage& out) noexcept;
} // namespace weft::io
