# Sourced by scripts/deps.sh and scripts/bench-deps.sh: installs the Debian packages of a
# list that `dpkg -s` does not already report as installed (idempotent: when all are present
# it does no network I/O and needs no root).
#
# install_missing LABEL PACKAGES...   sets $missing to what it installed ("" if nothing)
install_missing() {
    label=$1
    shift
    missing=""
    for p in "$@"; do
        if ! dpkg -s "$p" >/dev/null 2>&1; then
            missing="$missing $p"
        fi
    done
    if [ -z "$missing" ]; then
        return 0
    fi
    echo "$label: installing:$missing"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing
}
