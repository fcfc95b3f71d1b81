/* The floor for `weft echo tcp`: the plainest fast echo server one would write in C.
 *
 * One thread, level-triggered epoll, one read per readiness event and the bytes written
 * straight back (a short write is kept and finished on EPOLLOUT). TCP_NODELAY as weft
 * sets it. No framework, no allocation per message: whatever weft costs on top of this
 * is the price of its runtime.
 *
 * usage: floor_server [ADDRESS [PORT]]   (default 127.0.0.1 0; IPv4)
 * Prints "floor echo tcp listening on A:P" on stderr once ready; SIGTERM/SIGINT end it
 * with "floor echo: served N connections" and exit status 0.
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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum { buffer_size = 16384, max_events = 256 };

struct connection {
    int fd;
    size_t pending_at;  /* bytes of buf already written back */
    size_t pending_end; /* bytes of buf to write back */
    char buf[buffer_size];
};

static void die(const char* what) {
    fprintf(stderr, "floor echo: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void drop(int epfd, struct connection* c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

/* Writes what is pending; returns 0 when all is out, 1 when it would block, -1 on error. */
static int flush(struct connection* c) {
    while (c->pending_at < c->pending_end) {
        ssize_t n =
            send(c->fd, c->buf + c->pending_at, c->pending_end - c->pending_at, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 1 : -1;
        }
        c->pending_at += (size_t)n;
    }
    c->pending_at = c->pending_end = 0;
    return 0;
}

int main(int argc, char** argv) {
    const char* host = argc > 1 ? argv[1] : "127.0.0.1";
    const int port = argc > 2 ? atoi(argv[2]) : 0;

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    const int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
        fprintf(stderr, "floor echo: bad IPv4 address %s\n", host);
        return 2;
    }
    const int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr*)&sin, sizeof sin) < 0 || listen(lfd, 1024) < 0) {
        die("bind");
    }
    socklen_t len = sizeof sin;
    getsockname(lfd, (struct sockaddr*)&sin, &len);

    const int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    static int signal_tag;
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &signal_tag};
    epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &sev);

    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sin.sin_addr, text, sizeof text);
    fprintf(stderr, "floor echo tcp listening on %s:%d\n", text, ntohs(sin.sin_port));

    unsigned long long served = 0;
    struct epoll_event events[max_events];
    for (;;) {
        const int n = epoll_wait(epfd, events, max_events, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; ++i) {
            void* tag = events[i].data.ptr;
            if (tag == &signal_tag) {
                fprintf(stderr, "floor echo: served %llu connections\n", served);
                return 0;
            }
            if (tag == NULL) { /* the listener */
                for (;;) {
                    const int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) {
                        break;
                    }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct connection* c = malloc(sizeof *c);
                    c->fd = fd;
                    c->pending_at = c->pending_end = 0;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &cev);
                    ++served;
                }
                continue;
            }
            struct connection* c = tag;
            if (c->pending_end > 0) { /* EPOLLOUT: finish the short write, then read again */
                const int r = flush(c);
                if (r < 0) {
                    drop(epfd, c);
                } else if (r == 0) {
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &cev);
                }
                continue;
            }
            const ssize_t got = read(c->fd, c->buf, sizeof c->buf);
            if (got <= 0) {
                if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
                    continue;
                }
                drop(epfd, c);
                continue;
            }
            c->pending_end = (size_t)got;
            const int r = flush(c);
            if (r < 0) {
                drop(epfd, c);
            } else if (r == 1) {
                struct epoll_event cev = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &cev);
            }
        }
    }
}
