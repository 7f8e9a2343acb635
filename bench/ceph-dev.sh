#!/usr/bin/env bash
# A throwaway single-node Ceph cluster for tests and benchmarks: one monitor, one manager and CEPH_OSDS (default 1)
# bluestore OSDs on sparse files, everything (configuration, data, logs, sockets, pid files) under one directory,
# listening on 127.0.0.1 only, without authentication (auth none), with one replicated pool of size 1 for Strongroom.
#
# Usage: bench/ceph-dev.sh start  <dir>   creates <dir> (must not exist), starts the daemons, waits until every
#                                         placement group is active+clean, prints the path of <dir>/ceph.conf
#        bench/ceph-dev.sh status <dir>   `ceph -s` of the cluster; exit status 1 when it does not answer
#        bench/ceph-dev.sh stop   <dir>   stops the daemons it started (by the pids in <dir>/run) and removes <dir>
# Env:   CEPH_POOL  the pool's name (default strongroom)        CEPH_OSDS      OSDs to start (default 1)
#        CEPH_PGS   the pool's placement groups (default 32)    CEPH_OSD_SIZE  each OSD's block file (default 8G, sparse)
# Needs: ceph-mon, ceph-mgr, ceph-osd and ceph-common (`bash .ci/run` installs them); runs as root.
set -euo pipefail

usage() {
    sed -n '5,10p' "$0" >&2
    exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$2
pool=${CEPH_POOL:-strongroom}
osds=${CEPH_OSDS:-1}
pgs=${CEPH_PGS:-32}
osd_size=${CEPH_OSD_SIZE:-8G}

ceph_cmd() {
    ceph -c "$dir/ceph.conf" --connect-timeout 20 "$@"
}

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

# Waits (up to $1 seconds) until the command in the other arguments succeeds.
wait_for() {
    local limit=$1
    shift
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "ceph-dev: gave up after ${limit}s waiting for: $*" >&2
            return 1
        fi
        sleep 0.5
    done
}

all_pgs_active_clean() {
    local stat
    stat=$(ceph_cmd pg stat 2>/dev/null) || return 1
    # e.g. "32 pgs: 32 active+clean; 0 B data, ..."
    [[ $stat =~ ^([0-9]+)\ pgs:\ ([0-9]+)\ active\+clean\; ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] \
        && [ "${BASH_REMATCH[1]}" -gt 0 ]
}

osds_up() {
    [ "$(ceph_cmd osd stat -f json | sed -n 's/.*"num_up_osds":\([0-9]*\).*/\1/p')" = "$osds" ]
}

stop_daemons() {
    local pidfile pid
    for pidfile in "$dir"/run/*.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    for pidfile in "$dir"/run/*.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        local deadline=$((SECONDS + 30))
        while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
            if [ $SECONDS -ge $deadline ]; then
                kill -KILL "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.2
        done
    done
}

start() {
    local tool
    for tool in ceph ceph-mon ceph-mgr ceph-osd monmaptool ceph-authtool; do
        command -v "$tool" >/dev/null || { echo "ceph-dev: $tool not found: install ceph-mon ceph-mgr ceph-osd ceph-common" >&2; exit 1; }
    done
    if [ -e "$dir" ]; then
        echo "ceph-dev: $dir exists; give a new directory (or stop the cluster in it first)" >&2
        exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    mkdir -p "$dir/run" "$dir/log" "$dir/mon/ceph-a" "$dir/mgr/ceph-x"
    local fsid port
    fsid=$(cat /proc/sys/kernel/random/uuid)
    port=$(free_port)
    cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$port
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv4 = true
ms_bind_ipv6 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
run_dir = $dir/run
admin_socket = $dir/run/\$name.asok
pid_file = $dir/run/\$name.pid
log_file = $dir/log/\$name.log
mon_cluster_log_file = $dir/log/cluster.log
crash_dir = $dir/crash
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false

[mon]
mon_data = $dir/mon/\$cluster-\$id
mon_data_avail_warn = 2
mon_data_avail_crit = 1

[mgr]
mgr_data = $dir/mgr/\$cluster-\$id

[osd]
osd_data = $dir/osd/\$id
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = $(numfmt --from=iec "$osd_size")
osd_memory_target = 1073741824
EOF
    monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$port]" "$dir/monmap" >/dev/null
    ceph-authtool --create-keyring "$dir/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    ceph-mon -c "$dir/ceph.conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$dir/mon.keyring"
    ceph-mon -c "$dir/ceph.conf" -i a
    wait_for 60 ceph_cmd mon stat
    ceph-mgr -c "$dir/ceph.conf" -i x
    local i uuid id
    for ((i = 0; i < osds; i++)); do
        uuid=$(cat /proc/sys/kernel/random/uuid)
        id=$(ceph_cmd osd new "$uuid")
        mkdir -p "$dir/osd/$id"
        ceph-osd -c "$dir/ceph.conf" -i "$id" --mkfs --osd-uuid "$uuid" >"$dir/log/osd.$id.mkfs.log" 2>&1
        ceph-osd -c "$dir/ceph.conf" -i "$id" 2>>"$dir/log/osd.$id.stderr.log"
    done
    wait_for 120 osds_up
    ceph_cmd osd pool create "$pool" "$pgs" "$pgs" replicated >/dev/null 2>&1
    ceph_cmd osd pool set "$pool" size 1 --yes-i-really-mean-it >/dev/null 2>&1
    ceph_cmd osd pool set "$pool" pg_autoscale_mode off >/dev/null 2>&1
    ceph_cmd osd pool application enable "$pool" strongroom >/dev/null 2>&1
    wait_for 180 all_pgs_active_clean
    echo "$dir/ceph.conf"
}

case $action in
    start)
        trap 'echo "ceph-dev: start failed; logs in $dir/log (stop it with: $0 stop $dir)" >&2' ERR
        start
        ;;
    status)
        [ -f "$dir/ceph.conf" ] || { echo "ceph-dev: no cluster in $dir" >&2; exit 1; }
        ceph_cmd -s
        ;;
    stop)
        [ -d "$dir" ] || exit 0
        stop_daemons
        rm -rf "$dir"
        ;;
    *)
        usage
        ;;
esac
