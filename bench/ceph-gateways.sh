#!/usr/bin/env bash
# Strongroom gateways on Ceph against raw RADOS, side by side in one run (issue 13; docs/SCALE-OUT.md "Benchmark").
# One throwaway cluster (bench/ceph-dev.sh), three gateway processes (the server jar, storage backend ceph, each in
# its own RADOS namespace of the pool with its own volume, embedded vault, slot cache off so that every read goes to
# the OSDs as rados bench's do), then ROUNDS rounds over ten contenders, the order rotated by one every round:
#   rados-write, rados-read     rados bench, 8 KiB objects, DEPTH in flight (write, then random read)
#   rbd-write                   rbd bench, 8 KiB random writes, DEPTH in flight, into an image of the volumes' size
#                               written whole first: overwrites inside 4 MiB objects, as the gateways' writes are
#   rbd8240-write               the same with 8,240-byte writes at multiples of 8,240 bytes: not 4 KiB-aligned, as
#                               sealed slots are in volumes of the packed layout (new volumes pad them to 12 KiB)
#   gw1-write, gw1-read         strongroom-loadtest, 8 KiB random PUT or GET, DEPTH connections to one gateway
#   gw2-*, gw3-*                the same through 2 and 3 gateways at once: one load tool per gateway, DEPTH in
#                               flight in total (split evenly), each on its own gateway's volume
# Every round records the throughput (the gateways' sum), the latency, the load average when it began and the CPU
# (in cores) of the client (rados bench or the load tools), the gateways, the Ceph daemons and everything else,
# sampled from the window's 1st second to its last but one. bench/ceph-gateways-table.py turns OUT/rounds.tsv into
# OUT/table.md.
#
# Usage: bench/ceph-gateways.sh
# Environment (defaults): ROUNDS=5 DURATION=10 (≥ 3) WARMUP=3 (the load tool's) SERVER_WARMUP=30 (s of mixed load on
#   all gateways at once before the rounds) DEPTH=32 WORKING_SET=16384 (blocks per volume)
#   JAVA_HOME (default: java on PATH) OUT=bench/results/ceph-<utc time>
#   PROFILE=1: then one more gw1-write and gw1-read round each under JFR (settings=profile) on gateway 1, summarised
#   by bench/jfr-top.sh into OUT/gw1-*.profile.txt (where the gateway's time goes)
# Needs Ceph (bash .ci/run), jq, curl, python3 and the jars (mvn -B -o -DskipTests package; LOADTEST_JAR and
# GATEWAY_JAR override their paths). Loopback only. Every process it starts is stopped by its pid on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOADTEST_JAR=${LOADTEST_JAR:-$ROOT/loadtest/target/strongroom-loadtest.jar}
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway/server/target/strongroom-gateway.jar}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
SERVER_WARMUP=${SERVER_WARMUP:-30}
DEPTH=${DEPTH:-32}
WORKING_SET=${WORKING_SET:-16384}
OUT=${OUT:-$ROOT/bench/results/ceph-$(date -u +%Y%m%dT%H%M%SZ)}
PROFILE=${PROFILE:-0}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
GATEWAYS=3
BLOCK=8192
# the volumes are filled before the rounds (a block never written reads as zeros without decryption) by sequential
# writes of this many blocks (limits.maxBlocksPerRequest, under half a 2 MiB data object), a few in flight, so that they do not queue on one object
FILL_BLOCKS=64
HZ=$(getconf CLK_TCK)
((DURATION >= 3)) || { echo "DURATION must be at least 3" >&2; exit 2; }
for jar in "$LOADTEST_JAR" "$GATEWAY_JAR"; do
  [[ -f $jar ]] || { echo "missing $jar: run mvn -B -o -DskipTests package" >&2; exit 2; }
done

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

log() { printf '[ceph-gateways %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  [[ -n ${WORK:-} && -d $WORK ]] && { "$ROOT/bench/ceph-dev.sh" stop "$WORK/cluster" || true; rm -rf "$WORK"; }
}
trap cleanup EXIT

# ---------- cluster and gateways ----------
WORK=$(mktemp -d /tmp/ceph-gateways.XXXXXX)
mkdir -p "$OUT/raw"
log "starting the cluster"
CONF=$("$ROOT/bench/ceph-dev.sh" start "$WORK/cluster")
CEPH_PIDS=$(cat "$WORK"/cluster/run/*.pid | tr '\n' ' ')
declare -a URL TOKEN GW_PIDS
for ((g = 1; g <= GATEWAYS; g++)); do
  port=$(free_port)
  "$JAVA" -Xms512m -Xmx512m -jar "$GATEWAY_JAR" --host 127.0.0.1 --port "$port" --data-dir "$WORK/gw$g" \
    --storage-backend ceph --storage-ceph-conf "$CONF" --storage-ceph-namespace "gw$g" --cache-bytes 0 \
    >"$OUT/gw$g.log" 2>&1 &
  GW_PIDS[g]=$! URL[g]=http://127.0.0.1:$port
  PIDS+=("$!")
done
for ((g = 1; g <= GATEWAYS; g++)); do
  for _ in $(seq 1 600); do curl -s -o /dev/null "${URL[g]}/health/live" && break; sleep 0.1; done
  TOKEN[g]=$(jq -r '.admin.token' "$WORK/gw$g/credentials.json")
  status=$(curl -s -o "$OUT/raw/create-gw$g.json" -w '%{http_code}' -X POST "${URL[g]}/v1/volumes" \
    -H "Authorization: Bearer ${TOKEN[g]}" -H 'Content-Type: application/json' \
    -d "{\"name\":\"gw$g\",\"sizeBytes\":$((WORKING_SET * BLOCK)),\"blockSize\":$BLOCK}")
  [[ $status == 201 ]] || { echo "create volume gw$g: HTTP $status" >&2; cat "$OUT/raw/create-gw$g.json" >&2; exit 1; }
done

# ---------- contenders ----------
# lt_start G NAME CONNECTIONS EXTRA...: one load tool against gateway G's volume; its pid in LT_PID
lt_start() {
  local g=$1 name=$2 connections=$3; shift 3
  "$JAVA" -Xms1g -Xmx1g -Xmn768m -jar "$LOADTEST_JAR" --target "${URL[g]}" --token "${TOKEN[g]}" --volumes "gw$g" \
    --working-set "$WORKING_SET" --connections "$connections" --out "$OUT/raw/$name" --label "$name" "$@" \
    >"$OUT/raw/$name.log" 2>&1 &
  LT_PID=$!
}

# sample -> "seconds client gateways ceph busy" ticks now, for the client pids in CLIENT_PIDS
sample() {
  echo "$(date +%s.%N) $(ticks "${CLIENT_PIDS[@]}") $(ticks "${GW_PIDS[@]}") $(ticks $CEPH_PIDS) $(busy_ticks)"
}

# round R CONTENDER: one measured round, a row appended to OUT/rounds.tsv
round() {
  local r=$1 contender=$2 name="$2-$1" load start end rate=0 errors=0 p50=0 p99=0
  load=$(cut -d' ' -f1 /proc/loadavg)
  CLIENT_PIDS=()
  case $contender in
    rados-*)
      local mode=write
      [[ $contender == rados-read ]] && mode=rand
      local args=(bench "$DURATION" "$mode" -t "$DEPTH")
      [[ $mode == write ]] && args+=(-b "$BLOCK" --no-cleanup)
      rados -c "$CONF" -p strongroom "${args[@]}" >"$OUT/raw/$name.log" 2>&1 &
      CLIENT_PIDS=("$!")
      sleep 1
      start=$(sample)
      sleep $((DURATION - 2))
      end=$(sample)
      wait "${CLIENT_PIDS[0]}"
      rate=$(awk '/^Average IOPS/ { print $3 }' "$OUT/raw/$name.log")
      p50=$(awk '/^Average Latency/ { printf "%.2f", $3 * 1000 }' "$OUT/raw/$name.log")
      p99=$(awk '/^Max latency/ { printf "%.2f", $3 * 1000 }' "$OUT/raw/$name.log")
      ;;
    rbd*-write)
      # rbd bench has no duration: a fixed number of writes, about DURATION s at 3,000 writes/s; the CPU is sampled
      # every 0.2 s while it runs
      local size=$BLOCK
      [[ $contender == rbd8240-write ]] && size=8240
      rbd -c "$CONF" bench --io-type write --io-size "$size" --io-threads "$DEPTH" --io-pattern rand \
        --io-total $((DURATION * 3000 * size)) strongroom/bench >"$OUT/raw/$name.log" 2>&1 &
      CLIENT_PIDS=("$!")
      sleep 1
      start=$(sample)
      while kill -0 "${CLIENT_PIDS[0]}" 2>/dev/null; do
        end=$(sample)
        sleep 0.2
      done
      wait "${CLIENT_PIDS[0]}"
      rate=$(awk '/^elapsed:/ { print $6 }' "$OUT/raw/$name.log")
      ;;
    gw*)
      local n=${contender:2:1} ratio=0 g
      [[ $contender == *-read ]] && ratio=1
      for ((g = 1; g <= n; g++)); do
        lt_start "$g" "$name-g$g" $(((DEPTH + n - g) / n)) --read-ratio "$ratio" --warmup "${WARMUP}s" \
          --duration "${DURATION}s"
        CLIENT_PIDS+=("$LT_PID")
      done
      # the interval in which every load tool is inside its window: from the last one's 1st second to the first
      # one's last but one (the tools start a few hundred ms apart)
      for ((g = 1; g <= n; g++)); do wait_line "${CLIENT_PIDS[g - 1]}" "$OUT/raw/$name-g$g.log" 1; done
      start=$(sample)
      until grep -qsE "^\[ *$((DURATION - 1))s\]" "$OUT/raw/$name"-g*.log; do
        kill -0 "${CLIENT_PIDS[0]}" 2>/dev/null || break
        sleep 0.1
      done
      end=$(sample)
      for pid in "${CLIENT_PIDS[@]}"; do wait "$pid"; done
      for ((g = 1; g <= n; g++)); do
        local s=$OUT/raw/$name-g$g/summary.json
        rate=$(jq --argjson sum "$rate" '$sum + .achievedRate' "$s")
        errors=$(jq --argjson sum "$errors" '$sum + .errors' "$s")
        p50=$(jq --argjson m "$p50" '[$m, .latencyMillis.corrected.p50] | max' "$s")
        p99=$(jq --argjson m "$p99" '[$m, .latencyMillis.corrected.p99] | max' "$s")
      done
      ((errors == 0)) || log "WARNING $name: $errors errors"
      ;;
  esac
  # CPU in cores over the sampled interval: client, gateways, Ceph daemons, and the rest of the machine
  awk -v s="$start" -v e="$end" -v hz="$HZ" -v r="$r" -v c="$contender" -v rate="$rate" -v err="$errors" \
    -v p50="$p50" -v p99="$p99" -v load="$load" 'BEGIN {
      split(s, a, " "); split(e, b, " "); w = b[1] - a[1]
      cl = (b[2] - a[2]) / hz / w; gw = (b[3] - a[3]) / hz / w; ce = (b[4] - a[4]) / hz / w
      other = (b[5] - a[5]) / hz / w - cl - gw - ce
      printf "%s\t%s\t%.0f\t%d\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\n", r, c, rate, err, p50, p99, load, cl, gw, ce, \
        (other > 0 ? other : 0) }' >>"$OUT/rounds.tsv"
  log "$(tail -1 "$OUT/rounds.tsv")"
}

# ---------- warm-up (not measured) and rounds ----------
log "filling the volumes and warming the gateways up"
declare -a FILL_PIDS  # also the warm-up's
rados -c "$CONF" -p strongroom bench 3 write -b "$BLOCK" -t "$DEPTH" --no-cleanup >"$OUT/raw/rados-fill.log" 2>&1
rbd -c "$CONF" create --size $((WORKING_SET * BLOCK / 1048576))M strongroom/bench 2>"$OUT/raw/rbd-create.log"
rbd -c "$CONF" bench --io-type write --io-size 4M --io-pattern seq --io-total $((WORKING_SET * BLOCK)) strongroom/bench \
  >"$OUT/raw/rbd-fill.log" 2>&1
for ((g = 1; g <= GATEWAYS; g++)); do
  lt_start "$g" "fill-g$g" 4 --read-ratio 0 --sequential --blocks-per-request "$FILL_BLOCKS" --warmup 0s \
    --duration "$((WORKING_SET / 400 + 3))s" --quiet
  FILL_PIDS[g]=$LT_PID
done
for ((g = 1; g <= GATEWAYS; g++)); do
  wait "${FILL_PIDS[g]}"
  filled=$(($(jq '.countsByStatus."204" // 0' "$OUT/raw/fill-g$g/summary.json") * FILL_BLOCKS))
  ((filled >= WORKING_SET)) || log "WARNING gw$g: only $filled of $WORKING_SET blocks written before the rounds"
done
# the JIT: in a gateway's first 10 s under load its compiler threads took more CPU than the requests did
for ((g = 1; g <= GATEWAYS; g++)); do
  lt_start "$g" "warm-g$g" "$DEPTH" --read-ratio 0.5 --warmup 0s --duration "${SERVER_WARMUP}s" --quiet
  FILL_PIDS[g]=$LT_PID
done
for ((g = 1; g <= GATEWAYS; g++)); do wait "${FILL_PIDS[g]}"; done

printf 'round\tcontender\tops\terrors\tp50_ms\tp99_ms\tload1\tclient_cores\tgateway_cores\tceph_cores\tother_cores\n' \
  >"$OUT/rounds.tsv"
CONTENDERS=(rados-write rbd-write rbd8240-write gw1-write gw2-write gw3-write rados-read gw1-read gw2-read gw3-read)
for ((r = 1; r <= ROUNDS; r++)); do
  for ((i = 0; i < ${#CONTENDERS[@]}; i++)); do
    round "$r" "${CONTENDERS[$(((i + r - 1) % ${#CONTENDERS[@]}))]}"
  done
done

if ((PROFILE)); then
  jhome=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
  for op in write read; do
    "$jhome/bin/jcmd" "${GW_PIDS[1]}" JFR.start name=bench settings=profile >/dev/null
    round profile "gw1-$op"
    "$jhome/bin/jcmd" "${GW_PIDS[1]}" JFR.stop name=bench filename="$OUT/gw1-$op.jfr" >/dev/null
    "$ROOT/bench/jfr-top.sh" "$OUT/gw1-$op.jfr" "$jhome" >"$OUT/gw1-$op.profile.txt" 2>&1 || true
  done
fi

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), \
$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print "JDK " $2}'), \
$(ceph --version | cut -d' ' -f1-3); 1 OSD (pool size 1), $ROUNDS interleaved rounds of ${DURATION}s per contender, \
$DEPTH in flight, 8 KiB, $WORKING_SET blocks per gateway volume, gateway slot cache off."
  echo
  python3 "$ROOT/bench/ceph-gateways-table.py" "$OUT/rounds.tsv"
} | tee "$OUT/table.md"
log "table in $OUT/table.md, rounds in $OUT/rounds.tsv"
