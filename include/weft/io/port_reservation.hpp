#pragma once

#include <weft/addr/socket_address.hpp>
#include <weft/expected.hpp>

#include <system_error>

namespace weft::io {

/// A socket bound (not listening) with SO_REUSEPORT that holds a port the kernel picked
/// while several workers bind their own SO_REUSEPORT sockets to it ("--listen host:0" with
/// more than one thread). A TCP socket that does not listen gets no connections, so
/// releasing it once the workers have bound loses none. Move-only; released on destruction.
class port_reservation {
  public:
    port_reservation() noexcept = default;
    port_reservation(port_reservation&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    port_reservation& operator=(port_reservation&& o) noexcept;
    port_reservation(const port_reservation&) = delete;
    port_reservation& operator=(const port_reservation&) = delete;
    ~port_reservation() { release(); }

    /// Binds a socket of `type` (SOCK_STREAM or SOCK_DGRAM) to `at`. @returns the bound
    /// address (with the picked port when `at` has port 0)
    expected<addr::socket_address, std::error_code> reserve(const addr::socket_address& at,
                                                            int type);
    /// Closes the reserving socket (idempotent).
    void release() noexcept;

  private:
    int fd_ = -1;
};

} // namespace weft::io
