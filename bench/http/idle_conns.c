/* Opens N keep-alive connections to an HTTP server, makes one GET on each (so the server
 * has set the connection up as it does for a real client), then holds them all idle.
 *
 * usage: idle_conns ADDRESS PORT N PATH HOLD_SECONDS
 * Prints "opened N" on stdout once all N connections have had their response, then holds
 * them until HOLD_SECONDS pass or SIGTERM comes; then reports on stderr how many the server
 * still had open, closes all and exits.
 * A connection that fails (connect, write or response; 2 s each) is counted and reported
 * as "failed K" on stderr; exit status 1 if any failed. Opening stops after 60 s, or after
 * 100 failures, whichever comes first: "opened" then tells how many made it. Raises RLIMIT_NOFILE as far as the
 * hard limit allows. IPv4 only; meant for loopback.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) {
    (void)sig;
    stop = 1;
}

/* Reads one response: headers, then Content-Length bytes of body. 0 on success. */
static int read_response(int fd) {
    char buf[8192];
    size_t have = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + have, sizeof buf - 1 - have, 0);
        if (n <= 0) {
            return -1;
        }
        have += (size_t)n;
        buf[have] = 0;
        char* end = strstr(buf, "\r\n\r\n");
        if (!end) {
            if (have >= sizeof buf - 1) {
                return -1;
            }
            continue;
        }
        size_t header = (size_t)(end + 4 - buf);
        long length = 0;
        char* cl = strcasestr(buf, "\r\ncontent-length:");
        if (cl && cl < end) {
            length = strtol(cl + 17, NULL, 10);
        }
        long missing = length - (long)(have - header);
        while (missing > 0) {
            n = recv(fd, buf, sizeof buf < (size_t)missing ? sizeof buf : (size_t)missing, 0);
            if (n <= 0) {
                return -1;
            }
            missing -= n;
        }
        return 0;
    }
}

int main(int argc, char** argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: idle_conns ADDRESS PORT N PATH HOLD_SECONDS\n");
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "idle_conns: bad address %s\n", argv[1]);
        return 2;
    }
    int n = atoi(argv[3]);
    struct sigaction act = {.sa_handler = on_term};
    sigaction(SIGTERM, &act, NULL);
    int hold = atoi(argv[5]);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t want = (rlim_t)n + 64;
        if (rl.rlim_cur < want) {
            rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }
    char request[1024];
    int request_len = snprintf(request, sizeof request,
                               "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: idle_conns\r\n\r\n",
                               argv[4], argv[1], argv[2]);
    int* fds = calloc((size_t)n, sizeof *fds);
    struct timeval tv = {.tv_sec = 2};
    time_t give_up = time(NULL) + 60;
    int opened = 0, failed = 0;
    for (int i = 0; i < n && time(NULL) < give_up; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            failed++;
            fprintf(stderr, "idle_conns: socket: %s\n", strerror(errno));
            break;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, (struct sockaddr*)&sa, sizeof sa) < 0 ||
            send(fd, request, (size_t)request_len, MSG_NOSIGNAL) != request_len ||
            read_response(fd) < 0) {
            failed++;
            close(fd);
            if (failed > 100) {
                break;
            }
            continue;
        }
        fds[opened++] = fd;
    }
    printf("opened %d\n", opened);
    fflush(stdout);
    if (failed) {
        fprintf(stderr, "idle_conns: failed %d\n", failed);
    }
    /* Hold until SIGTERM or the hold time. */
    time_t until = time(NULL) + hold;
    while (!stop && time(NULL) < until) {
        usleep(100000);
    }
    /* Sanity: how many are still open (not closed by the server while idle)? */
    int alive = 0;
    for (int i = 0; i < opened; i++) {
        char c;
        ssize_t r = recv(fds[i], &c, 1, MSG_DONTWAIT);
        if (r < 0 && errno == EAGAIN) {
            alive++;
        }
        close(fds[i]);
    }
    fprintf(stderr, "idle_conns: %d of %d still open at the end\n", alive, opened);
    free(fds);
    return failed ? 1 : 0;
}
