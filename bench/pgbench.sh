#!/usr/bin/env bash
# PostgreSQL on a Strongroom volume against the same chain over nbdkit and a plain directory, side by side in one
# run (issue 12; results go into docs/PERFORMANCE.md "## NBD and PostgreSQL"): pgbench TPC-B-like transactions with
# fsync on (PostgreSQL's defaults: fsync, synchronous_commit, full_page_writes) on
#   strongroom-fsync  gateway NBD -> nbdfuse -> loop (direct I/O, 4 KiB sectors) -> ext4 -> PostgreSQL 15, the
#                gateway with durability fsync (every write durable before its reply)
#   strongroom-none   the same with durability none (writes durable at FLUSH, PostgreSQL's fdatasync, as nbdkit's)
#   nbdkit-file  the same chain over nbdkit's file plugin, its file in the same directory (same disk) as Strongroom's
#   local        a plain directory on that disk
# Each cluster is created once (initdb, pgbench -i -s SCALE); then every round runs pgbench on each in turn, the
# order rotated each round, with the file system mounted afresh for each run (so no run inherits another's page
# cache of the volume). The machine is shared and noisy: the table gives the median tps over the rounds and the
# spread, and the ratios strongroom-* / nbdkit-file (goal >= 0.9). Nothing is pinned: the server, nbdfuse, PostgreSQL
# and pgbench share the cores, as they would on a database host.
#
# Usage: bench/pgbench.sh [--no-strongroom]
#   --no-strongroom   only the anchors (nbdkit-file chain, local directory), e.g. while the gateway is not built
# Environment (defaults): ROUNDS=3 SCALE=10 CLIENTS=4 THREADS=2 SECONDS_PER_RUN=30 VOLUME_MIB=2048
#   JAVA=<JDK 17 java> SERVER_JVM_OPTS="-Xms1g -Xmx1g" GATEWAY_FLAGS=""
#   DATA_PARENT=/var/tmp (the disk under test) OUT=bench/results/pgbench-<utc time>
#   DURABILITIES="fsync none": the Strongroom setups (one gateway each)
#   PROFILE=1: after the rounds, one more pgbench run on each Strongroom setup with JFR (settings=profile) on its
#   gateway, summarised by bench/jfr-top.sh into OUT/strongroom-*.profile.txt
# Needs root (loop devices, mount; PostgreSQL runs as the postgres user), PostgreSQL 15 in /usr/lib/postgresql/15,
# nbdkit, nbdfuse (libnbd-bin), fuse3, e2fsprogs, jq, curl, integration/scripts/nbd-chain.sh, and the gateway jar
# (mvn -B -DskipTests install). Every mount, loop device and process it starts is undone on exit (trap).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATEWAY_JAR=$ROOT/gateway/server/target/strongroom-gateway.jar
CHAIN=$ROOT/integration/scripts/nbd-chain.sh
PG=${PG:-/usr/lib/postgresql/15/bin}
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-10}
CLIENTS=${CLIENTS:-4}
THREADS=${THREADS:-2}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}
VOLUME_MIB=${VOLUME_MIB:-2048}
DURABILITIES=${DURABILITIES:-"fsync none"}
JAVA=${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms1g -Xmx1g"}
GATEWAY_FLAGS=${GATEWAY_FLAGS:-""}
DATA_PARENT=${DATA_PARENT:-/var/tmp}
OUT=${OUT:-$ROOT/bench/results/pgbench-$(date -u +%Y%m%dT%H%M%SZ)}
PROFILE=${PROFILE:-1}
VOLUME=pg
SIZE=$((VOLUME_MIB * 1024 * 1024))

log() { printf '[pgbench-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

[[ $(id -u) == 0 ]] || { echo "run as root (loop devices, mounts)" >&2; exit 2; }
for tool in nbdkit nbdinfo nbdfuse jq curl runuser "$PG/pg_ctl" "$PG/initdb" "$PG/pgbench"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[[ -f $CHAIN ]] || { echo "missing $CHAIN" >&2; exit 2; }
WITH_STRONGROOM=1
[[ "${1:-}" == "--no-strongroom" ]] && WITH_STRONGROOM=0
if ((WITH_STRONGROOM)); then
  [[ -f $GATEWAY_JAR ]] || { echo "missing $GATEWAY_JAR: run mvn -B -DskipTests install" >&2; exit 2; }
  "$JAVA" -jar "$GATEWAY_JAR" --help 2>&1 | grep -q -- --nbd-port \
    || { echo "the gateway jar has no --nbd-port (build the NBD frontend, or use --no-strongroom)" >&2; exit 2; }
fi
# shellcheck source=../integration/scripts/nbd-chain.sh
source "$CHAIN"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CHAIN_LOG=$OUT/chain.log
touch "$OUT/postgres.log" && chown postgres "$OUT/postgres.log"   # pg_ctl -l writes it as postgres
WORK=$(mktemp -d "$DATA_PARENT/strongroom-pgbench.XXXXXX")
chmod 755 "$WORK"   # PostgreSQL runs as postgres
SOCKETS=$WORK/sockets
mkdir -p "$SOCKETS" && chown postgres "$SOCKETS"

# ---------- clean-up: PostgreSQL, the chain, the servers, the work directory ----------
PIDS=()
PG_RUNNING=""
stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
pg_stop() {
  if [[ -n $PG_RUNNING ]]; then
    runuser -u postgres -- "$PG/pg_ctl" -D "$PG_RUNNING" -m fast -w -t 120 stop >>"$OUT/postgres.log" 2>&1 \
      || runuser -u postgres -- "$PG/pg_ctl" -D "$PG_RUNNING" -m immediate -w stop >>"$OUT/postgres.log" 2>&1 || true
    PG_RUNNING=""
  fi
}
cleanup() {
  local rc=$?
  pg_stop
  chain_down || true
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # wait_for DESCRIPTION COMMAND...: up to 60 s
  local what=$1; shift
  for _ in $(seq 1 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$what did not come up" >&2; return 1
}

# ---------- the two NBD servers ----------
declare -A URI
declare -A GATEWAY_PID
# start_strongroom DURABILITY: a gateway with its NBD frontend and a volume; target strongroom-DURABILITY
start_strongroom() {
  local name=strongroom-$1 port nbd_port data=$WORK/strongroom-$1-data token status
  port=$(free_port)
  nbd_port=$(free_port)
  # shellcheck disable=SC2086
  "$JAVA" $SERVER_JVM_OPTS -jar "$GATEWAY_JAR" --port "$port" --data-dir "$data" --durability "$1" \
    --nbd-port "$nbd_port" $GATEWAY_FLAGS </dev/null >"$OUT/$name.server.log" 2>&1 &
  GATEWAY_PID[$name]=$!
  PIDS+=("$!")
  wait_for "the gateway" curl -sf "http://127.0.0.1:$port/health/live"
  token=$(jq -r .admin.token "$data/credentials.json")
  status=$(curl -s -o "$OUT/$name.create-volume.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"name\":\"$VOLUME\",\"sizeBytes\":$SIZE}" "http://127.0.0.1:$port/v1/volumes")
  [[ $status == 200 || $status == 201 ]] || { echo "create volume: HTTP $status" >&2; cat "$OUT/$name.create-volume.json" >&2; exit 1; }
  URI[$name]="nbd://127.0.0.1:$nbd_port/$VOLUME"
  wait_for "NBD on the gateway" nbdinfo --size "${URI[$name]}"
}
start_nbdkit_file() {
  local port
  port=$(free_port)
  truncate -s "$SIZE" "$WORK/nbdkit-file.img"
  nbdkit -f -i 127.0.0.1 -p "$port" file "file=$WORK/nbdkit-file.img" </dev/null >"$OUT/nbdkit-file.server.log" 2>&1 &
  PIDS+=("$!")
  URI[nbdkit-file]="nbd://127.0.0.1:$port/$VOLUME"
  wait_for "nbdkit" nbdinfo --size "${URI[nbdkit-file]}"
}

# ---------- PostgreSQL on a target ----------
# Never called in $(...): the chain's state lives in this shell's variables (and nbdfuse is this shell's child), so
# the functions set globals instead of printing.
# mount_target T [mkfs]: the target's file system (or directory) at $WORK/mnt-T; sets DATA to the data directory
DATA=""
mount_target() {
  local t=$1 mnt=$WORK/mnt-$1
  if [[ $t == local ]]; then
    mkdir -p "$mnt"
  else
    chain_up "${URI[$t]}" "$mnt" ${2:-} >>"$CHAIN_LOG" 2>&1 || { echo "chain_up $t failed (see $CHAIN_LOG)" >&2; exit 1; }
  fi
  chown postgres "$mnt"
  DATA=$mnt/pgdata
}
unmount_target() {
  [[ $1 == local ]] || chain_down >>"$CHAIN_LOG" 2>&1
}
pg_start() {
  runuser -u postgres -- "$PG/pg_ctl" -D "$1" -l "$OUT/postgres.log" -w -t 300 \
    -o "-c listen_addresses='' -c unix_socket_directories='$SOCKETS' -c port=5432" start >/dev/null
  PG_RUNNING=$1
}
run_pgbench() { runuser -u postgres -- "$PG/pgbench" -h "$SOCKETS" -p 5432 "$@"; }

# one_run T NAME: mount, start, pgbench, stop, unmount; sets TPS
TPS=0
one_run() {
  local t=$1 name=$2
  mount_target "$t"
  pg_start "$DATA"
  run_pgbench -c "$CLIENTS" -j "$THREADS" -T "$SECONDS_PER_RUN" postgres >"$OUT/$name.pgbench.txt" 2>&1 \
    || log "pgbench failed on $t: $(tail -3 "$OUT/$name.pgbench.txt")"
  pg_stop
  unmount_target "$t"
  TPS=$(awk '/^tps = / { printf "%.0f", $3; found = 1 } END { if (!found) printf "0" }' "$OUT/$name.pgbench.txt")
}

# ---------- main ----------
log "work directory $WORK ($(df --output=fstype "$WORK" | tail -1)); outputs in $OUT"
TARGETS=()
if ((WITH_STRONGROOM)); then
  # a private copy: a rebuild of the shared tree's jar during the run must not change (or break) the servers
  cp "$GATEWAY_JAR" "$WORK/strongroom-gateway.jar"
  GATEWAY_JAR=$WORK/strongroom-gateway.jar
  for d in $DURABILITIES; do
    start_strongroom "$d"
    TARGETS+=("strongroom-$d")
  done
fi
start_nbdkit_file
TARGETS+=(nbdkit-file local)
for t in "${TARGETS[@]}"; do
  log "$t: initdb and pgbench -i -s $SCALE"
  mount_target "$t" mkfs
  runuser -u postgres -- "$PG/initdb" -D "$DATA" >"$OUT/$t.initdb.log" 2>&1
  pg_start "$DATA"
  run_pgbench -i -s "$SCALE" postgres >"$OUT/$t.pgbench-init.txt" 2>&1
  pg_stop
  unmount_target "$t"
done
sync

RESULTS=$OUT/results.tsv
: >"$RESULTS"
n=${#TARGETS[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < n; k++)); do
    t=${TARGETS[$(((k + round - 1) % n))]}
    one_run "$t" "r$round-$t"
    printf '%s\t%s\t%s\n' "$round" "$t" "$TPS" >>"$RESULTS"
    log "round $round $t: $TPS tps"
  done
done

if ((PROFILE && WITH_STRONGROOM)); then
  jhome=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
  for d in $DURABILITIES; do
    t=strongroom-$d
    log "profiling $t under one more pgbench run (JFR)"
    "$jhome/bin/jcmd" "${GATEWAY_PID[$t]}" JFR.start name=bench settings=profile >/dev/null
    one_run "$t" "profiled-$t"
    "$jhome/bin/jcmd" "${GATEWAY_PID[$t]}" JFR.stop name=bench filename="$OUT/$t.jfr" >/dev/null
    "$ROOT/bench/jfr-top.sh" "$OUT/$t.jfr" "$jhome" >"$OUT/$t.profile.txt" 2>&1 || true
  done
fi

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), \
kernel $(uname -r), PostgreSQL $("$PG/postgres" --version | awk '{print $3}'), nbdkit $(nbdkit --version | awk '{print $2}'); \
pgbench -s $SCALE -c $CLIENTS -j $THREADS -T $SECONDS_PER_RUN, fsync on; $ROUNDS interleaved rounds; data under $DATA_PARENT ($(df --output=fstype "$WORK" | tail -1)); nothing pinned."
  echo
  awk -F'\t' '
    function sort(a, m,   i, j, t) { for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t } }
    { v[$2, ++c[$2]] = $3 + 0; if (!($2 in seen)) { seen[$2] = 1; order[++nt] = $2 } }
    END {
      print "| setup | median tps | min-max | every round |"
      print "|---|---:|---:|---|"
      for (i = 1; i <= nt; i++) {
        t = order[i]; m = c[t]; list = ""
        for (j = 1; j <= m; j++) { a[j] = v[t, j]; list = list (j > 1 ? ", " : "") v[t, j] }
        sort(a, m)
        med[t] = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
        printf "| %s | %.0f | %d-%d | %s |\n", t, med[t], a[1], a[m], list
      }
      print ""
      for (i = 1; i <= nt; i++) {
        t = order[i]
        if (t !~ /^strongroom/ || med["nbdkit-file"] <= 0) continue
        r = med[t] / med["nbdkit-file"]
        printf "%s / nbdkit-file = %.2f (goal >= 0.9: %s)", t, r, (r >= 0.9 ? "met" : "**missed**")
        if (med["local"] > 0) printf "; %s / local = %.2f", t, med[t] / med["local"]
        print ""
      }
      if (med["local"] > 0 && med["nbdkit-file"] > 0) printf "nbdkit-file / local = %.2f\n", med["nbdkit-file"] / med["local"]
    }' "$RESULTS"
} | tee "$OUT/table.md"
