#!/bin/sh
# Echo benchmark: `weft echo tcp` on io_uring and on epoll against a plain C epoll server
# (floor_server.c, the floor), all in the same run. A C load generator (load.c) plays
# ping-pong with 64-byte messages on 64 connections. Servers are pinned to one core and the
# load to another; rounds are interleaved (floor, uring, epoll, floor, ...) so drift on a
# shared machine hits every server alike, and the median round of each is reported.
#
# usage: bench/echo/run.sh [BUILD_DIR]      (needs BUILD_DIR/bin/weft)
# knobs: ECHO_SECONDS=5 ECHO_ROUNDS=3 ECHO_CONNECTIONS=64 ECHO_SIZE=64 ECHO_WARMUP=0.5
#        ECHO_SERVER_CPU=0 ECHO_LOAD_CPU=1
# Not a test: numbers depend on the machine; read the ratios, not the absolute values.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
weft=$build/bin/weft
seconds=${ECHO_SECONDS:-5}
rounds=${ECHO_ROUNDS:-3}
connections=${ECHO_CONNECTIONS:-64}
size=${ECHO_SIZE:-64}
warmup=${ECHO_WARMUP:-0.5}
server_cpu=${ECHO_SERVER_CPU:-0}
load_cpu=${ECHO_LOAD_CPU:-1}

if [ ! -x "$weft" ]; then
    echo "echo bench: $weft not found (build the weft_cli target)" >&2
    exit 1
fi
out=$build/bench/echo
if ! mkdir -p "$out" 2>/dev/null || [ ! -w "$out" ]; then
    out=$(mktemp -d /tmp/weft-echo-bench.XXXXXX)
fi
cc -O2 -Wall -Wextra -o "$out/floor_server" "$here/floor_server.c"
cc -O2 -Wall -Wextra -o "$out/load" "$here/load.c"

pin_server=""
pin_load=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    pin_server="taskset -c $server_cpu"
    pin_load="taskset -c $load_cpu"
else
    echo "echo bench: fewer than 2 cores or no taskset: nothing is pinned" >&2
fi

results=$out/results.txt
: >"$results"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM

# Starts server $1 (floor, uring or epoll) in the background; sets server_pid and port.
start_server() {
    log=$out/$1.stderr
    : >"$log"
    case $1 in
    floor) $pin_server "$out/floor_server" 127.0.0.1 0 2>"$log" & ;;
    uring) WEFT_IO=uring $pin_server "$weft" echo tcp --listen 127.0.0.1:0 2>"$log" & ;;
    epoll) WEFT_IO=epoll $pin_server "$weft" echo tcp --listen 127.0.0.1:0 2>"$log" & ;;
    esac
    server_pid=$!
    port=""
    tries=0
    while [ -z "$port" ] && [ $tries -lt 50 ]; do # at most 5 s
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
        if [ -z "$port" ]; then
            if ! kill -0 "$server_pid" 2>/dev/null; then
                break
            fi
            sleep 0.1
            tries=$((tries + 1))
        fi
    done
    if [ -z "$port" ]; then
        echo "echo bench: $1 did not start: $(cat "$log")" >&2
        cleanup
        server_pid=""
        return 1
    fi
}

stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" || echo "echo bench: $1 exited with status $?" >&2
    server_pid=""
}

echo "echo bench: $connections connections, ${size}-byte ping-pong, ${seconds} s x $rounds rounds," \
    "server on cpu $server_cpu, load on cpu $load_cpu"
round=1
while [ $round -le "$rounds" ]; do
    # Each round starts with a different server, so none always runs first or last.
    case $((round % 3)) in
    1) order="floor uring epoll" ;;
    2) order="uring epoll floor" ;;
    0) order="epoll floor uring" ;;
    esac
    for server in $order; do
        if ! start_server "$server"; then
            continue
        fi
        line=$($pin_load "$out/load" -a 127.0.0.1 -p "$port" -c "$connections" -s "$size" \
            -t "$seconds" -w "$warmup") || line=""
        stop_server "$server"
        if [ -n "$line" ]; then
            echo "$round $server $line" >>"$results"
            echo "  round $round $server: $line"
        else
            echo "echo bench: round $round $server: the load generator failed" >&2
        fi
    done
    round=$((round + 1))
done

# Per server: the median of its rounds' msgs/s, p50 and p99, and the median of its per-round
# ratios to the floor of the same round (robust to the machine slowing down between rounds;
# the spread shows how noisy the run was).
awk '
function field(name,   i, kv) {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] + 0 }
    return 0
}
function sorted(list, a,   n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n
}
function median(list,   a, n) {
    n = sorted(list, a)
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function spread(list,   a, n) {
    n = sorted(list, a)
    return n > 1 ? sprintf("%.2f-%.2f", a[1], a[n]) : "-"
}
{
    r = $1; s = $2; v = field("msgs_per_sec")
    rate[s] = rate[s] " " v; at[r, s] = v; rounds[r] = 1
    p50[s] = p50[s] " " field("p50_us"); p99[s] = p99[s] " " field("p99_us"); runs[s]++
}
END {
    for (r in rounds)
        for (k = 1; k <= 3; k++) {
            s = substr("flooruringepoll", 5 * k - 4, 5)
            if (((r, "floor") in at) && ((r, s) in at) && at[r, "floor"] > 0)
                ratio[s] = ratio[s] " " at[r, s] / at[r, "floor"]
        }
    printf "%-20s %10s %9s %9s %15s %12s\n", "server", "msgs/s", "p50 us", "p99 us", "ratio to floor", "(per round)"
    name["floor"] = "floor (C epoll)"; name["uring"] = "weft WEFT_IO=uring"; name["epoll"] = "weft WEFT_IO=epoll"
    for (k = 1; k <= 3; k++) {
        s = substr("flooruringepoll", 5 * k - 4, 5)
        if (!(s in runs)) { printf "%-20s %10s\n", name[s], "unavailable"; continue }
        m[s] = median(rate[s])
        printf "%-20s %10.0f %9.1f %9.1f %15s %12s\n", name[s], m[s], median(p50[s]), median(p99[s]), \
            (s in ratio ? sprintf("%.2fx", median(ratio[s])) : "-"), (s in ratio ? spread(ratio[s]) : "-")
    }
    if (("uring" in runs) && ("epoll" in runs) && m["epoll"] > 0)
        printf "io_uring vs epoll: %.2fx (median msgs/s); goal: weft >= 0.90x the floor on both\n", m["uring"] / m["epoll"]
}' "$results"
