/* Load generator for echo servers: C connections, each playing ping-pong with a fixed-size
 * message (send it, wait for all of it to come back, check it, send the next), for a
 * warm-up and then T measured seconds. One thread, level-triggered epoll.
 *
 * usage: load -a ADDRESS -p PORT [-c CONNECTIONS=64] [-s SIZE=64] [-t SECONDS=5]
 *             [-w WARMUP_SECONDS=0.5]
 * Prints one line on stdout:
 *   msgs=N seconds=S msgs_per_sec=R p50_us=A p99_us=B errors=E
 * (latency: from the send of a message to the arrival of its last echoed byte).
 * Exits 1 if a connection fails or an echo differs from what was sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { max_size = 4096 };

struct connection {
    int fd;
    uint64_t sent_at; /* ns, when the message in flight was sent */
    size_t received;  /* bytes of it back so far */
    uint32_t sequence;
    unsigned char out[max_size];
    unsigned char in[max_size];
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_u32(const void* a, const void* b) {
    const uint32_t x = *(const uint32_t*)a;
    const uint32_t y = *(const uint32_t*)b;
    return x < y ? -1 : x > y;
}

/* Fills the next message (its index and sequence number, so a mixed-up echo shows) and
 * sends it whole: SIZE is small, so a short write means the server stopped reading. */
static int send_next(struct connection* c, size_t size, uint32_t index) {
    ++c->sequence;
    memset(c->out, (int)(c->sequence & 0xff), size);
    if (size >= 8) {
        memcpy(c->out, &index, 4);
        memcpy(c->out + 4, &c->sequence, 4);
    }
    c->received = 0;
    c->sent_at = now_ns();
    const ssize_t n = send(c->fd, c->out, size, MSG_NOSIGNAL);
    return n == (ssize_t)size ? 0 : -1;
}

int main(int argc, char** argv) {
    const char* host = "127.0.0.1";
    int port = 0;
    int connections = 64;
    size_t size = 64;
    double seconds = 5;
    double warmup = 0.5;
    int opt;
    while ((opt = getopt(argc, argv, "a:p:c:s:t:w:")) != -1) {
        switch (opt) {
        case 'a':
            host = optarg;
            break;
        case 'p':
            port = atoi(optarg);
            break;
        case 'c':
            connections = atoi(optarg);
            break;
        case 's':
            size = (size_t)atol(optarg);
            break;
        case 't':
            seconds = atof(optarg);
            break;
        case 'w':
            warmup = atof(optarg);
            break;
        default:
            fprintf(stderr, "usage: load -a ADDRESS -p PORT [-c N] [-s SIZE] [-t S] [-w S]\n");
            return 2;
        }
    }
    if (port <= 0 || connections <= 0 || size == 0 || size > max_size || seconds <= 0) {
        fprintf(stderr, "load: need -p PORT, -c > 0, 0 < -s <= %d, -t > 0\n", max_size);
        return 2;
    }
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
        fprintf(stderr, "load: bad IPv4 address %s\n", host);
        return 2;
    }

    const int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct connection* conns = calloc((size_t)connections, sizeof *conns);
    const int one = 1;
    for (int i = 0; i < connections; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr*)&sin, sizeof sin) < 0) {
            fprintf(stderr, "load: connect %s:%d: %s\n", host, port, strerror(errno));
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }

    size_t capacity = 1u << 20;
    size_t count = 0;
    uint32_t* samples = malloc(capacity * sizeof *samples);
    unsigned long long errors = 0;

    const uint64_t start = now_ns();
    const uint64_t measure_from = start + (uint64_t)(warmup * 1e9);
    const uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    for (int i = 0; i < connections; ++i) {
        if (send_next(&conns[i], size, (uint32_t)i) < 0) {
            fprintf(stderr, "load: send: %s\n", strerror(errno));
            return 1;
        }
    }

    struct epoll_event events[256];
    uint64_t t = start;
    while (t < end) {
        const int n = epoll_wait(epfd, events, 256, 100);
        if (n < 0 && errno != EINTR) {
            perror("load: epoll_wait");
            return 1;
        }
        for (int e = 0; e < n; ++e) {
            const uint32_t i = events[e].data.u32;
            struct connection* c = &conns[i];
            const ssize_t got = read(c->fd, c->in + c->received, size - c->received);
            if (got <= 0) {
                if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
                    continue;
                }
                fprintf(stderr, "load: connection %u: %s\n", i,
                        got == 0 ? "closed by the server" : strerror(errno));
                return 1;
            }
            c->received += (size_t)got;
            if (c->received < size) {
                continue;
            }
            t = now_ns();
            if (memcmp(c->in, c->out, size) != 0) {
                ++errors;
            }
            if (c->sent_at >= measure_from && t <= end) {
                if (count == capacity) {
                    capacity *= 2;
                    samples = realloc(samples, capacity * sizeof *samples);
                }
                const uint64_t d = t - c->sent_at;
                samples[count++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
            }
            if (t < end && send_next(c, size, i) < 0) {
                fprintf(stderr, "load: send: %s\n", strerror(errno));
                return 1;
            }
        }
        t = now_ns();
    }
    for (int i = 0; i < connections; ++i) {
        close(conns[i].fd);
    }

    double p50 = 0;
    double p99 = 0;
    if (count > 0) {
        qsort(samples, count, sizeof *samples, compare_u32);
        p50 = samples[(count - 1) * 50 / 100] / 1e3;
        p99 = samples[(count - 1) * 99 / 100] / 1e3;
    }
    printf("msgs=%zu seconds=%.3f msgs_per_sec=%.0f p50_us=%.1f p99_us=%.1f errors=%llu\n", count,
           seconds, (double)count / seconds, p50, p99, errors);
    free(samples);
    free(conns);
    return errors == 0 ? 0 : 1;
}
