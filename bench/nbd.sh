#!/usr/bin/env bash
# NBD servers side by side in one run (issue 12; results go into docs/PERFORMANCE.md "## NBD and PostgreSQL"):
# fio 8 KiB randread and randwrite at queue depth 1, 16 and 64 (ioengine=nbd, one job, direct, time-based) against
#   sr-fsync     Strongroom's NBD frontend, durability fsync (AES-256-GCM, every write durable before its reply)
#   sr-none      Strongroom's NBD frontend, durability none
#   nbdkit-file  nbdkit's file plugin on a file in the same directory (same disk) as Strongroom's data
#   nbdkit-mem   nbdkit's memory plugin (the ceiling: no disk, no crypto)
# The machine is shared and noisy, so the runs are short and interleaved: every round runs every (job, queue depth)
# on every server, the servers in a different order each round, and the table shows the median over rounds (IOPS,
# completion latency p50 and p99, the server's CPU time per I/O) with the spread of IOPS (min-max). Every volume is filled first (nbdcopy of random
# bytes), so reads read data, not never-written zeros. Servers are pinned to core SERVER_CORE, fio to CLIENT_CORE.
#
# Usage: bench/nbd.sh [--no-strongroom]
#   --no-strongroom   only the nbdkit anchors (automatic when the gateway jar has no --nbd-port)
# Environment (defaults): ROUNDS=3 RUNTIME=5 RAMP=1 SERVER_WARMUP=10 (s of unmeasured randwrite, then randread, at
#   qd 16 given to each Strongroom server before the rounds: its JIT compiles on the server's single core) QDS="1 16 64" JOBS="randread randwrite" SIZE_MIB=256
#   SERVER_CORE=0 CLIENT_CORE=1 JAVA=<JDK 17 java> SERVER_JVM_OPTS="-Xms1g -Xmx1g" GATEWAY_FLAGS="--event-loops 1"
#   DATA_PARENT=/var/tmp (the disk under test) OUT=bench/results/nbd-<utc time>
#   LOADTEST=1: after the rounds, strongroom-loadtest's NBD engine repeats the qd-16 randread and randwrite on every
#   server (one connection, 16 requests in flight, closed model, LT_WARMUP=5 s of warm-up for its JIT) as the
#   cross-check of fio (needs the loadtest jar)
#   PROFILE=1: after the rounds, one more randwrite and randread run (PROFILE_SECONDS=20) at qd 16 on sr-fsync and
#   sr-none under JFR
#   (settings=profile), summarised by bench/jfr-top.sh into OUT/*.profile.txt (where the gateway's time goes)
# Needs: mvn -B -DskipTests install (gateway/server/target/strongroom-gateway.jar), fio (with ioengine=nbd), nbdkit,
# nbdcopy (libnbd-bin), jq, curl, taskset. Loopback only. Every process it starts is stopped by its pid on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATEWAY_JAR=$ROOT/gateway/server/target/strongroom-gateway.jar
ROUNDS=${ROUNDS:-3}
RUNTIME=${RUNTIME:-5}
RAMP=${RAMP:-1}
SERVER_WARMUP=${SERVER_WARMUP:-10}
QDS=${QDS:-"1 16 64"}
JOBS=${JOBS:-"randread randwrite"}
SIZE_MIB=${SIZE_MIB:-256}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
JAVA=${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms1g -Xmx1g"}
GATEWAY_FLAGS=${GATEWAY_FLAGS:-"--event-loops 1"}
DATA_PARENT=${DATA_PARENT:-/var/tmp}
OUT=${OUT:-$ROOT/bench/results/nbd-$(date -u +%Y%m%dT%H%M%SZ)}
PROFILE=${PROFILE:-1}
PROFILE_SECONDS=${PROFILE_SECONDS:-20}
LOADTEST=${LOADTEST:-1}
LT_WARMUP=${LT_WARMUP:-5}
LOADTEST_JAR=$ROOT/loadtest/target/strongroom-loadtest.jar
VERTX_SWITCHES="-Dvertx.disableMetrics=true -Dvertx.disableContextTimings=true -Dvertx.disableWebsockets=true"
VOLUME=bench
SIZE=$((SIZE_MIB * 1024 * 1024))
WITH_STRONGROOM=1
[[ "${1:-}" == "--no-strongroom" ]] && WITH_STRONGROOM=0

log() { printf '[nbd-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

for tool in fio nbdkit nbdcopy jq curl taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install fio nbdkit libnbd-bin jq curl util-linux)" >&2; exit 2; }
done
if ((WITH_STRONGROOM)); then
  if [[ ! -f $GATEWAY_JAR ]]; then
    echo "missing $GATEWAY_JAR: run mvn -B -DskipTests install (or use --no-strongroom)" >&2; exit 2
  fi
  if ! "$JAVA" -jar "$GATEWAY_JAR" --help 2>&1 | grep -q -- --nbd-port; then
    log "the gateway jar has no --nbd-port (NBD frontend not built): nbdkit anchors only"
    WITH_STRONGROOM=0
  fi
fi

# ---------- processes (stopped by pid, never by name) ----------
PIDS=()
stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  [[ -n ${WORK:-} && -d $WORK ]] && rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() { # wait_for DESCRIPTION COMMAND...: up to 60 s
  local what=$1; shift
  for _ in $(seq 1 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$what did not come up" >&2; return 1
}

# start_nbdkit NAME PLUGIN ARGS...: nbdkit in the foreground on a free port, pinned to the server core
declare -A URI SERVER_PID
start_nbdkit() {
  local name=$1 port; shift
  port=$(free_port)
  taskset -c "$SERVER_CORE" nbdkit -f -i 127.0.0.1 -p "$port" "$@" </dev/null >"$OUT/$name.server.log" 2>&1 &
  PIDS+=("$!")
  SERVER_PID[$name]=$!
  URI[$name]="nbd://127.0.0.1:$port/$VOLUME"
  wait_for "nbdkit $name" nbdinfo --size "${URI[$name]}"
}

# start_strongroom NAME DURABILITY: the gateway jar with its NBD frontend, a volume of SIZE bytes
declare -A GATEWAY_PID
start_strongroom() {
  local name=$1 durability=$2 port nbd_port data token status
  port=$(free_port)
  nbd_port=$(free_port)
  data=$WORK/$name-data
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CORE" "$JAVA" $SERVER_JVM_OPTS $VERTX_SWITCHES -jar "$GATEWAY_JAR" --port "$port" \
    --data-dir "$data" --durability "$durability" --nbd-port "$nbd_port" $GATEWAY_FLAGS \
    </dev/null >"$OUT/$name.server.log" 2>&1 &
  GATEWAY_PID[$name]=$!
  SERVER_PID[$name]=$!
  PIDS+=("$!")
  wait_for "gateway $name" curl -sf "http://127.0.0.1:$port/health/live"
  token=$(jq -r .admin.token "$data/credentials.json")
  status=$(curl -s -o "$OUT/$name.create-volume.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"name\":\"$VOLUME\",\"sizeBytes\":$SIZE}" "http://127.0.0.1:$port/v1/volumes")
  [[ $status == 200 || $status == 201 ]] || { echo "create volume on $name: HTTP $status" >&2; cat "$OUT/$name.create-volume.json" >&2; exit 1; }
  URI[$name]="nbd://127.0.0.1:$nbd_port/$VOLUME"
  wait_for "NBD on $name" nbdinfo --size "${URI[$name]}"
}

# cpu_ticks PID: user + system clock ticks of a process so far (all its threads)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# fio_run NAME URI JOB QD -> "iops p50_us p99_us" (the JSON is kept in OUT)
fio_run() {
  local name=$1 uri=$2 job=$3 qd=$4 json
  json=$OUT/raw/$name.json
  taskset -c "$CLIENT_CORE" fio --name="$job" --ioengine=nbd --uri="$uri" --rw="$job" --bs=8k --iodepth="$qd" \
    --numjobs=1 --direct=1 --time_based --runtime="$RUNTIME" --ramp_time="$RAMP" --size="$SIZE" \
    --output-format=json --output="$json" >/dev/null 2>"$OUT/raw/$name.err" || { log "fio failed: $name"; echo "0 0 0"; return; }
  local side=read
  [[ $job == *write* ]] && side=write
  jq -r --arg s "$side" '.jobs[0][$s] | "\(.iops | floor) \(.clat_ns.percentile["50.000000"] / 1000 | floor) \(.clat_ns.percentile["99.000000"] / 1000 | floor)"' "$json"
  local errs
  errs=$(jq '.jobs[0].error' "$json")
  ((errs == 0)) || log "WARNING $name: fio error $errs"
}

# ---------- main ----------
mkdir -p "$OUT/raw"
WORK=$(mktemp -d "$DATA_PARENT/strongroom-nbd-bench.XXXXXX")
log "work directory $WORK ($(df -h --output=source,fstype "$WORK" | tail -1 | tr -s ' '))"

TARGETS=()
if ((WITH_STRONGROOM)); then
  # a private copy: a rebuild of the shared tree's jar during the run must not change (or break) the servers
  cp "$GATEWAY_JAR" "$WORK/strongroom-gateway.jar"
  GATEWAY_JAR=$WORK/strongroom-gateway.jar
  start_strongroom sr-fsync fsync
  start_strongroom sr-none none
  TARGETS+=(sr-fsync sr-none)
fi
truncate -s "$SIZE" "$WORK/nbdkit-file.img"
start_nbdkit nbdkit-file file "file=$WORK/nbdkit-file.img"
start_nbdkit nbdkit-mem memory "$SIZE"
TARGETS+=(nbdkit-file nbdkit-mem)

log "filling every volume with $SIZE_MIB MiB of random bytes"
head -c "$SIZE" /dev/urandom >"$WORK/fill.img"
for t in "${TARGETS[@]}"; do
  taskset -c "$CLIENT_CORE" nbdcopy "$WORK/fill.img" "${URI[$t]}"
done
rm -f "$WORK/fill.img"
sync
for t in "${TARGETS[@]}"; do
  if [[ $t == sr-* ]] && ((SERVER_WARMUP > 0)); then
    log "warming up $t (${SERVER_WARMUP}s randwrite, ${SERVER_WARMUP}s randread, not measured)"
    RUNTIME=$SERVER_WARMUP fio_run "warmup-$t-randwrite" "${URI[$t]}" randwrite 16 >/dev/null
    RUNTIME=$SERVER_WARMUP fio_run "warmup-$t-randread" "${URI[$t]}" randread 16 >/dev/null
  fi
done

# one row per measurement: round target job qd iops p50_us p99_us
RESULTS=$OUT/results.tsv
: >"$RESULTS"
n=${#TARGETS[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  log "round $round of $ROUNDS"
  for qd in $QDS; do
    for job in $JOBS; do
      for ((k = 0; k < n; k++)); do
        t=${TARGETS[$(((k + round - 1) % n))]}   # a different server goes first each round
        before=$(cpu_ticks "${SERVER_PID[$t]}")
        read -r iops p50 p99 < <(fio_run "r$round-$t-$job-qd$qd" "${URI[$t]}" "$job" "$qd")
        # server CPU (user + system, all its threads) per I/O, ramp included in both
        cpu=$(awk -v t=$(($(cpu_ticks "${SERVER_PID[$t]}") - before)) -v hz="$(getconf CLK_TCK)" -v iops="$iops" \
          -v s=$((RUNTIME + RAMP)) 'BEGIN { printf "%.0f", (iops > 0 ? t / hz * 1e6 / (iops * s) : 0) }')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" "$job" "$qd" "$iops" "$p50" "$p99" "$cpu" >>"$RESULTS"
        log "  $t $job qd$qd: $iops IOPS, p50 ${p50} us, p99 ${p99} us, server CPU ${cpu} us/IO"
      done
    done
  done
done

# lt_run NAME URI READ_RATIO -> achieved requests/s and p50/p99 in us of strongroom-loadtest's NBD engine at qd 16
lt_run() {
  local name=$1 uri=$2 ratio=$3 s
  s=$OUT/raw/$name/summary.json
  # shellcheck disable=SC2086
  taskset -c "$CLIENT_CORE" "$JAVA" -Xms1g -Xmx1g -Xmn768m -jar "$LOADTEST_JAR" --target "$uri" --connections 1 \
    --streams 16 --read-ratio "$ratio" --working-set $((SIZE / 8192)) --warmup "${LT_WARMUP}s" --duration "${RUNTIME}s" \
    --out "$OUT/raw/$name" --label "$name" --quiet >"$OUT/raw/$name.log" 2>&1 || { echo "0 0 0"; return; }
  ((  $(jq .errors "$s") == 0 )) || log "WARNING $name: $(jq -c .countsByStatus "$s")"
  jq -r '"\(.achievedRate | floor) \(.latencyMillis.uncorrected.p50 * 1000 | floor) \(.latencyMillis.uncorrected.p99 * 1000 | floor)"' "$s"
}

CROSS=""
if ((LOADTEST)) && [[ -f $LOADTEST_JAR ]]; then
  for t in "${TARGETS[@]}"; do
    for job in randread randwrite; do
      ratio=1
      [[ $job == randwrite ]] && ratio=0
      read -r fio_iops fio_p50 fio_p99 < <(fio_run "cross-$t-$job-fio" "${URI[$t]}" "$job" 16)
      read -r lt_rate lt_p50 lt_p99 < <(lt_run "cross-$t-$job-loadtest" "${URI[$t]}" "$ratio")
      log "cross-check $t $job qd16: fio $fio_iops IOPS, strongroom-loadtest $lt_rate req/s"
      CROSS+="| $t | $job | $fio_iops | $fio_p50 / $fio_p99 | $lt_rate | $lt_p50 / $lt_p99 |"$'\n'
    done
  done
fi

if ((PROFILE && WITH_STRONGROOM)); then
  jhome=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
  for t in sr-fsync sr-none; do
    for job in randwrite randread; do
      log "profiling $t $job qd16 (JFR)"
      "$jhome/bin/jcmd" "${GATEWAY_PID[$t]}" JFR.start name=bench settings=profile >/dev/null
      RUNTIME=$PROFILE_SECONDS fio_run "profiled-$t-$job-qd16" "${URI[$t]}" "$job" 16 >/dev/null
      "$jhome/bin/jcmd" "${GATEWAY_PID[$t]}" JFR.stop name=bench filename="$OUT/$t-$job.jfr" >/dev/null
      "$ROOT/bench/jfr-top.sh" "$OUT/$t-$job.jfr" "$jhome" >"$OUT/$t-$job.profile.txt" 2>&1 || true
    done
  done
fi

# medians over rounds, the IOPS spread, and the Strongroom / nbdkit-file ratios at qd 16
summary() {
  awk -F'\t' -v targets="${TARGETS[*]}" -v qds="$QDS" -v jobs="$JOBS" '
    function median(list,   a, m, i, j, t) {
      m = split(list, a, " ")
      for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    function lo(list,   a, m, i, v) { m = split(list, a, " "); v = a[1]; for (i = 2; i <= m; i++) if (a[i] + 0 < v + 0) v = a[i]; return v }
    function hi(list,   a, m, i, v) { m = split(list, a, " "); v = a[1]; for (i = 2; i <= m; i++) if (a[i] + 0 > v + 0) v = a[i]; return v }
    { k = $2 SUBSEP $3 SUBSEP $4; iops[k] = iops[k] " " $5; p50[k] = p50[k] " " $6; p99[k] = p99[k] " " $7; cpu[k] = cpu[k] " " $8 }
    END {
      nt = split(targets, T, " "); nq = split(qds, Q, " "); nj = split(jobs, J, " ")
      printf "| job | qd |"; for (i = 1; i <= nt; i++) printf " %s IOPS (min-max) | p50 / p99 us | CPU us/IO |", T[i]; print ""
      printf "|---|---:|"; for (i = 1; i <= nt; i++) printf "---:|---:|---:|"; print ""
      for (j = 1; j <= nj; j++) for (q = 1; q <= nq; q++) {
        printf "| %s | %s |", J[j], Q[q]
        for (i = 1; i <= nt; i++) {
          k = T[i] SUBSEP J[j] SUBSEP Q[q]
          printf " %d (%d-%d) | %d / %d | %d |", median(iops[k]), lo(iops[k]), hi(iops[k]), median(p50[k]), median(p99[k]), median(cpu[k])
          med[k] = median(iops[k])
        }
        print ""
      }
      print ""
      print "Ratio of median IOPS at queue depth 16 to nbdkit-file (goal >= 0.8, aim 1.0):"
      print ""
      print "| job | server | ratio | goal >= 0.8 |"
      print "|---|---|---:|---|"
      for (j = 1; j <= nj; j++) for (i = 1; i <= nt; i++) {
        if (T[i] == "nbdkit-file") continue
        base = med["nbdkit-file" SUBSEP J[j] SUBSEP 16]; v = med[T[i] SUBSEP J[j] SUBSEP 16]
        if (base > 0 && T[i] ~ /^sr-/) printf "| %s | %s | %.2f | %s |\n", J[j], T[i], v / base, (v / base >= 0.8 ? "met" : "**missed**")
        else if (base > 0) printf "| %s | %s | %.2f | (anchor) |\n", J[j], T[i], v / base
      }
    }' "$RESULTS"
}

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), \
kernel $(uname -r), $(fio --version), nbdkit $(nbdkit --version | awk '{print $2}'); servers pinned to core $SERVER_CORE, \
fio to core $CLIENT_CORE; $ROUNDS interleaved rounds of ${RUNTIME}s (+${RAMP}s ramp) per job; 8 KiB blocks, \
random offsets over a $SIZE_MIB MiB volume filled with random bytes first; data under $DATA_PARENT \
($(df --output=fstype "$WORK" | tail -1)). Medians over the rounds; latency is fio's completion latency; CPU us/IO \
is the server process's user + system CPU time per I/O (ramp included)."
  echo
  summary
  if [[ -n $CROSS ]]; then
    echo
    echo "Cross-check at queue depth 16, one run each, back to back: fio against strongroom-loadtest's NBD engine"
    echo "(one connection, 16 requests in flight, closed model; its uncorrected latency is fio's completion latency):"
    echo
    echo "| server | job | fio IOPS | fio p50 / p99 us | loadtest req/s | loadtest p50 / p99 us |"
    echo "|---|---|---:|---:|---:|---:|"
    printf '%s' "$CROSS"
  fi
} | tee "$OUT/table.md"
log "table and raw outputs in $OUT"
