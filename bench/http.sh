#!/usr/bin/env bash
# HTTP/1.1 static-file benchmark: `weft serve` against nginx (twice: default, and with
# `sendfile off`), h2o and lighttpd, and a tiny C "floor" server (bench/http/floor_server.c)
# that answers every request with a fixed response and parses nothing.
#
# Each server runs alone on loopback, one worker, access log off, pinned to one core
# (HTTP_SERVER_CPU), with the load (wrk, ab, idle_conns) pinned to the other (HTTP_LOAD_CPU).
# All serve the same docroot: hello.txt (13 bytes, "Hello, world\n") and 1m.bin (1 MiB).
# Per server it measures:
#   ka req/s, ka us/req   keep-alive: wrk -t1 -c64, GET /hello.txt; and the server's CPU time
#                         (user+system, summed over the process tree this script started, from
#                         /proc/PID/stat) per request. With one core for wrk, wrk saturates
#                         before the fastest servers do, so req/s alone cannot rank them: the
#                         CPU cost per request can.
#   pipe req/s, pipe us/req  the same, 16 requests pipelined per write (bench/http/pipeline.lua)
#   1MiB MiB/s            wrk -c16 GET /1m.bin: responses/s x 1 MiB
#   new-conn req/s        ab -n 20000 -c 64 without -k: one connection per request (HTTP/1.0)
#   p99 ms                wrk --latency p99 of the keep-alive run
#   idle KiB/conn         server RSS (process tree, VmRSS) grown per connection when 10,000
#                         keep-alive connections (one GET each, then idle) are open
#                         (bench/http/idle_conns.c)
# then weft's ratio to the best peer and to the floor for each figure (for req/s and MiB/s
# higher is better; for us/req, p99 and KiB/conn lower is better: ratios > 1 mean weft costs more).
#
# What this script expects of weft (it detects `weft serve` with `weft serve --help`; until
# that succeeds and lists --root it prints "weft: not yet built (no `weft serve`)" and runs the others):
#   BUILD_DIR/bin/weft serve --listen 127.0.0.1:PORT --root DIR --threads 1 --access-log off
# serving DIR's files in the foreground, keep-alive, until SIGTERM.
#
# usage: bench/http.sh [BUILD_DIR]          (default: build)
# needs: scripts/bench-deps.sh (nginx-light h2o lighttpd wrk apache2-utils), cc, curl, taskset
# knobs: HTTP_SECONDS=5 HTTP_CONNECTIONS=64 HTTP_DEPTH=16 HTTP_AB_REQUESTS=20000
#        HTTP_IDLE=10000 HTTP_SERVER_CPU=0 HTTP_LOAD_CPU=1
#        HTTP_SERVERS="floor weft nginx nginx-nosendfile h2o lighttpd" (a subset, any order)
# Not a test: numbers depend on the machine (a shared VM is noisy); read the ratios.
set -euo pipefail

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
weft=$build/bin/weft
seconds=${HTTP_SECONDS:-5}
connections=${HTTP_CONNECTIONS:-64}
depth=${HTTP_DEPTH:-16}
ab_requests=${HTTP_AB_REQUESTS:-20000}
idle=${HTTP_IDLE:-10000}
server_cpu=${HTTP_SERVER_CPU:-0}
load_cpu=${HTTP_LOAD_CPU:-1}
servers=${HTTP_SERVERS:-floor weft nginx nginx-nosendfile h2o lighttpd}
clk_tck=$(getconf CLK_TCK)

for tool in wrk ab curl cc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "http bench: $tool not found (run scripts/bench-deps.sh)" >&2
        exit 1
    fi
done

# Room for the idle connections on both ends (servers inherit it).
want_fds=$((idle + 1000))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$want_fds" ]; then
    ulimit -Hn "$want_fds" 2>/dev/null || true
fi
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
    echo "http bench: open-file limit $(ulimit -n) < $want_fds: fewer idle connections" >&2
    idle=$(($(ulimit -n) - 1000))
fi

tmp=$(mktemp -d /tmp/weft-http-bench.XXXXXX)
chmod 755 "$tmp" # servers that drop to nobody must read the docroot
server_pid=""
load_pid=""

# The process tree under $1: $1 and its descendants (one pid a line).
tree() {
    ps -e -o pid= -o ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            keep[root] = 1; print root
            do {
                more = 0
                for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; more = 1 } }
            } while (more)
        }'
}

# Kills process $1 and what it started: TERM, up to 5 s, then KILL (every pid is one this
# script started, or a child of one).
stop_tree() {
    local root=$1 pids pid i
    pids=$(tree "$root")
    kill -TERM "$root" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$root" 2>/dev/null || break
        sleep 0.1
    done
    for pid in $pids; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait "$root" 2>/dev/null || true
}

cleanup() {
    if [ -n "$load_pid" ]; then
        kill -KILL "$load_pid" 2>/dev/null || true
    fi
    if [ -n "$server_pid" ]; then
        stop_tree "$server_pid"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools and docroot -------------------------------------------------------------------
cc -O2 -Wall -Wextra -o "$tmp/floor_server" "$here/http/floor_server.c"
cc -O2 -Wall -Wextra -o "$tmp/idle_conns" "$here/http/idle_conns.c"
docroot=$tmp/www
mkdir -p "$docroot"
printf 'Hello, world\n' >"$docroot/hello.txt"
head -c 1048576 /dev/urandom >"$docroot/1m.bin"
chmod 755 "$docroot"
chmod 644 "$docroot"/*

pin_server=()
pin_load=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c "$server_cpu")
    pin_load=(taskset -c "$load_cpu")
else
    echo "http bench: fewer than 2 cores or no taskset: nothing is pinned" >&2
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- configs -----------------------------------------------------------------------------
# $1 = on|off (sendfile), $2 = port, $3 = dir of its own
nginx_conf() {
    cat <<EOF
daemon off;
master_process on;
worker_processes 1;
user $(id -un);
worker_rlimit_nofile $want_fds;
pid $3/nginx.pid;
error_log $3/error.log warn;
events {
    worker_connections $want_fds;
    use epoll;
}
http {
    access_log off;
    sendfile $1;
    tcp_nopush on;
    keepalive_timeout 300s;
    keepalive_requests 100000000;
    types { text/plain txt; application/octet-stream bin; }
    default_type application/octet-stream;
    client_body_temp_path $3/body;
    proxy_temp_path $3/proxy;
    server {
        listen 127.0.0.1:$2 backlog=4096;
        root $docroot;
    }
}
EOF
}

h2o_conf() {
    cat <<EOF
num-threads: 1
max-connections: $want_fds
http1-request-timeout: 300
user: $(id -un)
pid-file: $2/h2o.pid
error-log: $2/error.log
listen:
  host: 127.0.0.1
  port: $1
hosts:
  "default":
    paths:
      /:
        file.dir: $docroot
EOF
}

lighttpd_conf() {
    cat <<EOF
server.document-root = "$docroot"
server.bind = "127.0.0.1"
server.port = $1
server.errorlog = "$2/error.log"
server.max-worker = 0
server.max-fds = $((want_fds * 2))
server.max-connections = $want_fds
server.max-keep-alive-requests = 100000000
server.max-keep-alive-idle = 300
server.listen-backlog = 4096
server.event-handler = "linux-sysepoll"
mimetype.assign = ( ".txt" => "text/plain", ".bin" => "application/octet-stream" )
EOF
}

# ---- start / measure ---------------------------------------------------------------------
# Starts server $1 on a free port; sets server_pid and port. Returns 1 if it is unavailable.
start_server() {
    local name=$1 dir=$tmp/$1
    mkdir -p "$dir"
    chmod 755 "$dir"
    port=$(free_port)
    local log=$dir/stderr
    case $name in
    floor) "${pin_server[@]}" "$tmp/floor_server" 127.0.0.1 "$port" 2>"$log" & ;;
    weft)
        "${pin_server[@]}" "$weft" serve --listen "127.0.0.1:$port" --root "$docroot" \
            --threads 1 --access-log off >"$dir/stdout" 2>"$log" &
        ;;
    nginx | nginx-nosendfile)
        command -v nginx >/dev/null 2>&1 || { echo "$name: nginx not installed" >&2; return 1; }
        local sendfile=on
        [ "$name" = nginx ] || sendfile=off
        nginx_conf "$sendfile" "$port" "$dir" >"$dir/nginx.conf"
        "${pin_server[@]}" nginx -p "$dir" -c "$dir/nginx.conf" 2>"$log" &
        ;;
    h2o)
        command -v h2o >/dev/null 2>&1 || { echo "h2o: not installed" >&2; return 1; }
        h2o_conf "$port" "$dir" >"$dir/h2o.conf"
        "${pin_server[@]}" h2o -c "$dir/h2o.conf" >"$dir/stdout" 2>"$log" &
        ;;
    lighttpd)
        command -v lighttpd >/dev/null 2>&1 || { echo "lighttpd: not installed" >&2; return 1; }
        lighttpd_conf "$port" "$dir" >"$dir/lighttpd.conf"
        "${pin_server[@]}" lighttpd -D -f "$dir/lighttpd.conf" >"$dir/stdout" 2>"$log" &
        ;;
    esac
    server_pid=$!
    local i body
    for ((i = 0; i < 100; i++)); do # at most ~10 s
        body=$(curl -s --max-time 1 "http://127.0.0.1:$port/hello.txt" 2>/dev/null) || body=""
        if [ "$body" = "Hello, world" ]; then
            return 0
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "$name: did not start: $(tail -n 5 "$log" "$dir/error.log" 2>/dev/null)" >&2
    stop_tree "$server_pid"
    server_pid=""
    return 1
}

# CPU ticks (utime+stime+cutime+cstime) summed over the server's process tree.
cpu_ticks() {
    local pid total=0 stat rest
    for pid in $(tree "$server_pid"); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        rest=${stat##*) } # fields from 3 on (comm may hold spaces)
        # shellcheck disable=SC2086
        set -- $rest
        total=$((total + ${12} + ${13} + ${14} + ${15}))
    done
    echo "$total"
}

# VmRSS in KiB summed over the server's process tree.
rss_kib() {
    local pid total=0 kib
    for pid in $(tree "$server_pid"); do
        kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || kib=0
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

# wrk [args...] URL: runs pinned and bounded; output in $tmp/wrk.out.
run_wrk() {
    timeout $((seconds + 20)) "${pin_load[@]}" wrk "$@" >"$tmp/wrk.out" 2>&1 || true
}
wrk_rate() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$tmp/wrk.out"; }
wrk_count() { awk '/requests in/ { print $1 }' "$tmp/wrk.out"; }
wrk_check() { # warns about errors and non-2xx answers
    if grep -qE 'Socket errors|Non-2xx' "$tmp/wrk.out"; then
        echo "  $1: $(grep -E 'Socket errors|Non-2xx' "$tmp/wrk.out" | tr -s ' ' | tr '\n' ';')" >&2
    fi
}
# p99 from wrk --latency, in ms.
wrk_p99_ms() {
    awk '$1 == "99%" {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
        printf "%.2f", v }' "$tmp/wrk.out"
}
us_per_request() { # ticks requests
    if [ "${2:-0}" -gt 0 ]; then
        awk -v t="$1" -v n="$2" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }'
    else
        echo "-"
    fi
}

results=$tmp/results.txt
: >"$results"

measure() {
    local name=$1 url=http://127.0.0.1:$port
    local ka ka_us pipe pipe_us big newconn p99 kib t0 t1 n before after line opened

    # warm-up
    run_wrk -t1 -c"$connections" -d1s "$url/hello.txt"

    t0=$(cpu_ticks)
    run_wrk -t1 -c"$connections" -d"${seconds}s" --latency "$url/hello.txt"
    t1=$(cpu_ticks)
    wrk_check "$name keep-alive"
    ka=$(wrk_rate)
    n=$(wrk_count)
    ka_us=$(us_per_request $((t1 - t0)) "${n:-0}")
    p99=$(wrk_p99_ms)

    t0=$(cpu_ticks)
    run_wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/http/pipeline.lua" "$url/hello.txt" -- "$depth"
    t1=$(cpu_ticks)
    wrk_check "$name pipelined"
    pipe=$(wrk_rate)
    n=$(wrk_count)
    pipe_us=$(us_per_request $((t1 - t0)) "${n:-0}")

    if [ "$name" = floor ]; then
        big="-" # the floor serves no files
    else
        run_wrk -t1 -c16 -d"${seconds}s" "$url/1m.bin"
        wrk_check "$name 1MiB"
        big=$(wrk_rate)
    fi

    newconn=$(timeout 120 "${pin_load[@]}" ab -q -n "$ab_requests" -c "$connections" "$url/hello.txt" 2>&1 |
        awk '/^Failed requests:/ && $3 > 0 { print "  ab: " $0 > "/dev/stderr" }
             /^Requests per second:/ { printf "%.0f", $4 }') || true

    before=$(rss_kib)
    : >"$tmp/idle.out"
    : >"$tmp/idle.err"
    timeout 120 "${pin_load[@]}" "$tmp/idle_conns" 127.0.0.1 "$port" "$idle" /hello.txt 60 \
        >"$tmp/idle.out" 2>"$tmp/idle.err" &
    load_pid=$!
    opened=""
    for ((i = 0; i < 900; i++)); do # at most ~90 s
        opened=$(awk '/^opened/ { print $2 }' "$tmp/idle.out") || opened=""
        [ -n "$opened" ] && break
        kill -0 "$load_pid" 2>/dev/null || break
        sleep 0.1
    done
    kib="-"
    if [ -n "$opened" ] && [ "$opened" -gt 0 ]; then
        sleep 1 # let the server settle
        after=$(rss_kib)
        kib=$(awk -v a="$after" -v b="$before" -v n="$opened" 'BEGIN { printf "%.2f", (a - b) / n }')
    fi
    kill -TERM "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=""
    if [ "${opened:-0}" != "$idle" ]; then
        echo "  $name: idle connections: opened ${opened:-0} of $idle" >&2
    fi
    grep -v '^idle_conns: [0-9]* of [0-9]* still open' "$tmp/idle.err" >&2 || true
    if line=$(grep 'still open' "$tmp/idle.err"); then
        echo "  $name: $line" | grep -v " $idle of $idle " >&2 || true
    fi

    echo "$name ${ka:--} ${ka_us:--} ${pipe:--} ${pipe_us:--} ${big:--} ${newconn:--} ${p99:--} $kib" >>"$results"
    echo "  $name: done" >&2
}

# ---- run ---------------------------------------------------------------------------------
weft_ok=0
# (`weft serve --help` must succeed and describe serve's own --root: CLI11 answers any
# unknown `weft X --help` with the top-level help and status 0.)
if [ -x "$weft" ] && "$weft" serve --help 2>&1 | grep -q -- '--root'; then
    weft_ok=1
fi
echo "http bench: server on cpu $server_cpu, load on cpu $load_cpu; wrk -t1 -c$connections" \
    "${seconds}s runs, pipelined $depth deep, ab -n $ab_requests -c $connections, $idle idle connections"
echo "http bench: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (others' load skews every figure)"
for name in $servers; do
    if [ "$name" = weft ] && [ "$weft_ok" = 0 ]; then
        echo "weft: not yet built (no \`weft serve\`)"
        continue
    fi
    if start_server "$name"; then
        measure "$name"
        stop_tree "$server_pid"
        server_pid=""
    fi
done

echo
awk -v weft_ok="$weft_ok" '
BEGIN {
    label[2] = "ka req/s"; label[3] = "ka us/req"; label[4] = "pipe req/s"; label[5] = "pipe us/req"
    label[6] = "1MiB MiB/s"; label[7] = "newconn r/s"; label[8] = "p99 ms"; label[9] = "idle KiB/c"
    higher[2] = higher[4] = higher[6] = higher[7] = 1
}
{ rows[NR] = $0; for (f = 1; f <= 9; f++) v[$1, f] = $f; names[NR] = $1 }
END {
    printf "%-17s", "server"; for (f = 2; f <= 9; f++) printf " %11s", label[f]; printf "\n"
    for (r = 1; r <= NR; r++) {
        s = names[r]; printf "%-17s", s; for (f = 2; f <= 9; f++) printf " %11s", v[s, f]; printf "\n"
    }
    # best peer per figure (not weft, not the floor)
    for (f = 2; f <= 9; f++) {
        best[f] = ""; who[f] = ""
        for (r = 1; r <= NR; r++) {
            s = names[r]; x = v[s, f]
            if (s == "weft" || s == "floor" || x == "-") continue
            if (best[f] == "" || (higher[f] ? x + 0 > best[f] + 0 : x + 0 < best[f] + 0)) { best[f] = x; who[f] = s }
        }
    }
    printf "\n%-17s", "best peer"; for (f = 2; f <= 9; f++) printf " %11s", best[f] == "" ? "-" : best[f]; printf "\n"
    printf "%-17s", "(which)"; for (f = 2; f <= 9; f++) printf " %11s", who[f] == "" ? "-" : substr(who[f], 1, 11); printf "\n"
    printf "%-17s", "best peer/floor"
    for (f = 2; f <= 9; f++) printf " %11s", (best[f] != "" && v["floor", f] != "" && v["floor", f] != "-" && v["floor", f] + 0 > 0) ? sprintf("%.2fx", best[f] / v["floor", f]) : "-"
    printf "\n"
    if (!weft_ok || !(("weft", 2) in v)) {
        print "weft: not yet built (no `weft serve`): no weft ratios"
        exit
    }
    printf "%-17s", "weft/best peer"
    for (f = 2; f <= 9; f++) printf " %11s", (best[f] != "" && v["weft", f] != "-" && best[f] + 0 > 0) ? sprintf("%.2fx", v["weft", f] / best[f]) : "-"
    printf "\n%-17s", "weft/floor"
    for (f = 2; f <= 9; f++) printf " %11s", (v["floor", f] != "" && v["floor", f] != "-" && v["weft", f] != "-" && v["floor", f] + 0 > 0) ? sprintf("%.2fx", v["weft", f] / v["floor", f]) : "-"
    printf "\n"
}' "$results"
echo "(req/s, MiB/s: higher is better; us/req = server CPU per request, p99, KiB/conn: lower is better)"
