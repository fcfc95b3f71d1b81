#!/bin/sh
# Installs the Debian 12 packages the HTTP benchmark (bench/http.sh) compares weft with:
# the peer servers (nginx-light, h2o, lighttpd), the load generators (wrk, ab from
# apache2-utils) and what the script itself uses (gcc for the floor server, taskset,
# python3, curl). Benchmark-only: `make test` does not need any of it.
# Idempotent: packages that `dpkg -s` already reports as installed are skipped, so a
# second run does no network I/O and needs no root.
#
# Debian's packages start their services on install where an init system runs; the
# benchmark never relies on those (it starts its own instances on free loopback ports).
# Where systemd runs, the services this script installed are stopped and disabled;
# elsewhere nothing is touched.
set -eu

packages="
nginx-light h2o lighttpd
wrk apache2-utils
gcc libc6-dev util-linux procps python3 curl
"

. "$(dirname "$0")/install_missing.sh"
# shellcheck disable=SC2086
install_missing bench-deps.sh $packages

# Only with systemd as init: stop the system services the packages just started
# (install_missing set $sudo when it installed anything).
if [ -n "$missing" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    for unit in nginx h2o lighttpd; do
        case " $missing " in
        *" $unit"*) $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true ;;
        esac
    done
fi
