/* The floor for `weft serve`: the least an HTTP/1.1 server can do and still answer.
 *
 * One thread, level-triggered epoll. It parses nothing: every "\r\n\r\n" seen on a
 * connection (counted across reads, so a terminator split between two reads still counts)
 * is one complete request, answered with the same fixed 13-byte "Hello, world\n" response
 * with Content-Length, keep-alive. Pipelined requests are answered in one write. The only
 * look at a request's bytes beyond that: if the first line of a connection's first read
 * ends in "HTTP/1.0" (ApacheBench without -k), the response says "Connection: close" and
 * the connection is closed once it is written, as a 1.0 client without keep-alive expects.
 * TCP_NODELAY as the real servers set it. Whatever a real server costs on top of this is
 * the price of reading requests, finding files and writing headers.
 *
 * usage: floor_server [ADDRESS [PORT]]   (default 127.0.0.1 0; IPv4)
 * Prints "floor http listening on A:P" on stderr once ready; SIGTERM/SIGINT end it with
 * exit status 0. Raises its RLIMIT_NOFILE to the hard limit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum { read_size = 16384, max_events = 256 };

static const char response[] = "HTTP/1.1 200 OK\r\n"
                               "Server: floor\r\n"
                               "Content-Type: text/plain\r\n"
                               "Content-Length: 13\r\n"
                               "\r\n"
                               "Hello, world\n";
static const char response_close[] = "HTTP/1.1 200 OK\r\n"
                                     "Server: floor\r\n"
                                     "Content-Type: text/plain\r\n"
                                     "Content-Length: 13\r\n"
                                     "Connection: close\r\n"
                                     "\r\n"
                                     "Hello, world\n";
#define RESPONSE_SIZE (sizeof response - 1)

struct connection {
    int fd;
    int matched;       /* how many bytes of "\r\n\r\n" the last read ended with */
    int first;         /* no byte read yet */
    int close_after;   /* HTTP/1.0 client: close once the response is out */
    char* out;         /* pending output (only when a write would block) */
    size_t out_at, out_end, out_cap;
};

static char scratch[read_size];
static char batch[65536];

static void die(const char* what) {
    fprintf(stderr, "floor http: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void drop(int epfd, struct connection* c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->out);
    free(c);
}

/* Counts "\r\n\r\n" in buf[0..n), carrying a partial match in *matched. */
static size_t count_requests(const char* buf, size_t n, int* matched) {
    static const char end[4] = {'\r', '\n', '\r', '\n'};
    size_t count = 0;
    int m = *matched;
    for (size_t i = 0; i < n; i++) {
        char ch = buf[i];
        if (ch == end[m]) {
            if (++m == 4) {
                count++;
                m = 0;
            }
        } else {
            m = ch == '\r' ? 1 : 0;
        }
    }
    *matched = m;
    return count;
}

/* Appends to the pending output. */
static int queue(struct connection* c, const char* data, size_t n) {
    if (c->out_end + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_end + n) {
            cap *= 2;
        }
        char* grown = realloc(c->out, cap);
        if (!grown) {
            return -1;
        }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_end, data, n);
    c->out_end += n;
    return 0;
}

/* Writes pending output; 0 when all is out, 1 when it would block, -1 on error. */
static int flush(struct connection* c) {
    while (c->out_at < c->out_end) {
        ssize_t n = send(c->fd, c->out + c->out_at, c->out_end - c->out_at, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 1 : -1;
        }
        c->out_at += (size_t)n;
    }
    c->out_at = c->out_end = 0;
    return 0;
}

/* Sends `count` responses: straight from a prepared batch unless output is already queued
 * or the socket is full, in which case the rest is queued for EPOLLOUT. */
static int respond(int epfd, struct connection* c, size_t count) {
    const char* one = c->close_after ? response_close : response;
    size_t size = c->close_after ? sizeof response_close - 1 : RESPONSE_SIZE;
    size_t per_batch = sizeof batch / RESPONSE_SIZE;
    while (count > 0) {
        size_t k = count < per_batch ? count : per_batch;
        const char* data = one;
        size_t n = size;
        if (!c->close_after) {
            data = batch;
            n = k * RESPONSE_SIZE;
        } else {
            k = count; /* a 1.0 client gets one response, then the close */
        }
        count -= k;
        if (c->out_end > c->out_at) {
            if (queue(c, data, n) < 0) {
                return -1;
            }
            continue;
        }
        size_t sent = 0;
        while (sent < n) {
            ssize_t w = send(c->fd, data + sent, n - sent, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno != EAGAIN) {
                    return -1;
                }
                break;
            }
            sent += (size_t)w;
        }
        if (sent < n && queue(c, data + sent, n - sent) < 0) {
            return -1;
        }
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (c->out_end > c->out_at) {
        ev.events = EPOLLOUT; /* stop reading until the backlog is out */
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        return 0;
    }
    return c->close_after ? -1 : 0; /* -1 closes a finished 1.0 connection */
}

int main(int argc, char** argv) {
    const char* address = argc > 1 ? argv[1] : "127.0.0.1";
    int port = argc > 2 ? atoi(argv[2]) : 0;

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    for (size_t i = 0; i + RESPONSE_SIZE <= sizeof batch; i += RESPONSE_SIZE) {
        memcpy(batch + i, response, RESPONSE_SIZE);
    }

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
        fprintf(stderr, "floor http: bad address %s\n", address);
        return 2;
    }
    if (bind(listener, (struct sockaddr*)&sa, sizeof sa) < 0) {
        die("bind");
    }
    if (listen(listener, 4096) < 0) {
        die("listen");
    }
    socklen_t len = sizeof sa;
    getsockname(listener, (struct sockaddr*)&sa, &len);

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_CLOEXEC);

    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev);
    ev.data.ptr = &sigfd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &ev);

    fprintf(stderr, "floor http listening on %s:%d\n", address, ntohs(sa.sin_port));
    fflush(stderr);

    struct epoll_event events[max_events];
    for (;;) {
        int n = epoll_wait(epfd, events, max_events, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            void* p = events[i].data.ptr;
            if (p == &sigfd) {
                return 0;
            }
            if (p == NULL) {
                for (;;) {
                    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) {
                        break;
                    }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct connection* c = calloc(1, sizeof *c);
                    if (!c) {
                        close(fd);
                        continue;
                    }
                    c->fd = fd;
                    c->first = 1;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            struct connection* c = p;
            if (events[i].events & EPOLLOUT) {
                int r = flush(c);
                if (r < 0 || (r == 0 && c->close_after)) {
                    drop(epfd, c);
                } else if (r == 0) {
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &cev);
                }
                continue;
            }
            ssize_t got = recv(c->fd, scratch, sizeof scratch, 0);
            if (got <= 0) {
                if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
                    continue;
                }
                drop(epfd, c);
                continue;
            }
            if (c->first) {
                c->first = 0;
                const char* eol = memchr(scratch, '\r', (size_t)got);
                if (eol && eol - scratch >= 8 && memcmp(eol - 8, "HTTP/1.0", 8) == 0) {
                    c->close_after = 1;
                }
            }
            size_t count = count_requests(scratch, (size_t)got, &c->matched);
            if (count > 0 && respond(epfd, c, count) < 0) {
                drop(epfd, c);
            }
        }
    }
}
