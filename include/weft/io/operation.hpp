#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>

#include <sys/socket.h>
#include <sys/uio.h>

namespace weft::io {

/// One kernel operation in flight: what to do, on which descriptor, and where the result
/// goes. It lives in the awaiting coroutine's frame (no allocation per operation) and must
/// not move or die until the backend has completed it — exactly once, even when cancelled.
struct operation {
    enum class kind : std::uint8_t {
        read,     ///< read(2): buffer, length (any descriptor)
        send,     ///< send(2) with MSG_NOSIGNAL: buffer, length (sockets: EPIPE, not SIGPIPE)
        readv,    ///< readv(2): iov, iovcnt
        sendv,    ///< sendmsg(2) of iov, iovcnt with MSG_NOSIGNAL (gather write to a socket)
        recvmsg,  ///< recvmsg(2): msg
        sendmsg,  ///< sendmsg(2): msg (MSG_NOSIGNAL)
        accept,   ///< accept4(2): addr, addrlen; SOCK_NONBLOCK | SOCK_CLOEXEC
        connect,  ///< connect(2): addr, addr_length
        poll_in,  ///< wait until readable
        poll_out, ///< wait until writable
    };

    /// An operation of kind `k` on `fd`, every other field at its default.
    static operation make(kind k, int fd) noexcept {
        operation o;
        o.op = k;
        o.fd = fd;
        return o;
    }

    kind op = kind::read;
    /// Backend bookkeeping (see next_waiting).
    bool waiting = false;
    bool started = false;
    int fd = -1;
    /// Extra flags for send and sendv (MSG_MORE); MSG_NOSIGNAL is always added.
    int msg_flags = 0;
    // The arguments of each kind overlap: only those of `op` are ever set or read.
    union {
        void* buffer = nullptr; ///< read, send
        const iovec* iov;       ///< readv, sendv
        msghdr* msg;            ///< recvmsg, sendmsg
        sockaddr* addr;         ///< accept, connect
    };
    union {
        std::size_t length = 0;     ///< read, send
        int iovcnt;                 ///< readv, sendv
        socklen_t* addr_length_out; ///< accept
        socklen_t addr_length;      ///< connect
    };

    /// The result: >= 0 on success (bytes, or the new descriptor), -errno on failure,
    /// -ECANCELED when cancelled.
    long result = 0;
    /// Resumed once when the operation completes.
    std::coroutine_handle<> waiter;

    /// Backend bookkeeping (with waiting and started): the fd's wait list and connect
    /// progress (epoll). io_uring would read a sendv's msghdr after submission, and an operation
    /// has no room for one: there a sendv waits for POLLOUT, then sends at once
    /// (tcp_stream::write_all uses sendmsg with the msghdr in its own frame instead).
    operation* next_waiting = nullptr;
};

} // namespace weft::io
