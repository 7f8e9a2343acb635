#!/usr/bin/env bash
# Soak test (issue 11; not part of CI): the gateway as an operator starts it (./strongroom: embedded vault,
# durability fsync, STRONGROOM_MEMORY's default bounds) on a temporary data directory, under mixed load
# (strongroom-loadtest, open model) at 80% of the peak it measures first, for DURATION seconds, with a KEK
# rotation and a DEK rollover half-way through. The gateway's RSS (/proc/PID/status VmRSS) and its heap after a
# full collection (jcmd GC.run, then GC.heap_info) are sampled every SAMPLE_SECONDS.
#
# PASS when: the load saw no error (every response 2xx, no timeout), the rotation answered 200 and the rollover
# 202, and at the end RSS and heap (mean of the last three samples) are within +TOLERANCE% of their value after the
# warm-up (mean of the first three samples from WARMUP_SECONDS on: JIT, slot cache and Netty's pools have filled).
#
# Usage: bench/soak.sh                      (10 minutes)
#        DURATION=120 bench/soak.sh         (a quick check)
# Environment (defaults): DURATION=600 RATE=<80% of the measured peak> PEAK_SECONDS=15 READ_RATIO=0.7
#   CONNECTIONS=16 WORKING_SET=16384 (blocks of 8 KiB: 128 MiB, twice the default slot cache) SAMPLE_SECONDS=10
#   WARMUP_SECONDS=<DURATION/5, at least 30> TOLERANCE=15 STRONGROOM_MEMORY=<the launcher's default>
#   JAVA_HOME (the JDK whose java and jcmd run the gateway; default: the java on PATH)
#   OUT=/tmp/strongroom-soak-<utc time> (samples.tsv, loadtest reports, gateway.log, result.txt)
# Needs the jars (mvn -B -DskipTests install), curl and jq. Runs private copies of both jars, so a rebuild of
# the shared tree meanwhile changes nothing. Loopback only; every process it starts is stopped by its pid.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-600}
PEAK_SECONDS=${PEAK_SECONDS:-15}
READ_RATIO=${READ_RATIO:-0.7}
CONNECTIONS=${CONNECTIONS:-16}
WORKING_SET=${WORKING_SET:-16384}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-$((DURATION / 5 > 30 ? DURATION / 5 : 30))}
TOLERANCE=${TOLERANCE:-15}
OUT=${OUT:-/tmp/strongroom-soak-$(date -u +%Y%m%dT%H%M%SZ)}
if [[ -n ${JAVA_HOME:-} ]]; then
  export PATH="$JAVA_HOME/bin:$PATH"
fi
BLOCK=8192
VOLUME=soak

log() { printf '[soak %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

for tool in curl jq jcmd java; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is needed" >&2; exit 2; }
done
for jar in loadtest/target/strongroom-loadtest.jar gateway/server/target/strongroom-gateway.jar; do
  [[ -f $ROOT/$jar ]] || { echo "soak: missing $ROOT/$jar: run mvn -B -DskipTests install" >&2; exit 2; }
done
((WARMUP_SECONDS < DURATION)) || { echo "soak: WARMUP_SECONDS must be below DURATION" >&2; exit 2; }

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/strongroom-soak.XXXXXX)
cp "$ROOT/loadtest/target/strongroom-loadtest.jar" "$ROOT/gateway/server/target/strongroom-gateway.jar" "$WORK/"
PIDS=()
stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------- the gateway, through the launcher ----------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
STRONGROOM_JAR=$WORK/strongroom-gateway.jar "$ROOT/strongroom" --port "$PORT" --data-dir "$WORK/data" \
  >"$OUT/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
for _ in $(seq 1 600); do
  curl -s -o /dev/null "$URL/health/live" && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { echo "soak: the gateway exited:" >&2; cat "$OUT/gateway.log" >&2; exit 1; }
  sleep 0.1
done
curl -s -o /dev/null "$URL/health/live" || { echo "soak: the gateway did not come up" >&2; exit 1; }
TOKEN=$(jq -r '.admin.token' "$WORK/data/credentials.json")
tr '\0' ' ' <"/proc/$GATEWAY_PID/cmdline" >"$OUT/gateway-command.txt"
log "gateway pid $GATEWAY_PID on $URL: $(grep -o -- '-Xm[sx][^ ]* \|-XX:MaxDirectMemorySize=[^ ]* ' "$OUT/gateway-command.txt" | tr -d '\n')"

api() { # api NAME METHOD PATH [JSON] -> prints the HTTP status; the body goes to $OUT/NAME.json
  local args=(-s -o "$OUT/$1.json" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $TOKEN")
  [[ -n ${4:-} ]] && args+=(-H 'Content-Type: application/json' -d "$4")
  curl "${args[@]}" "$URL$3"
}
status=$(api create-volume POST /v1/volumes "{\"name\":\"$VOLUME\",\"sizeBytes\":$((WORKING_SET * BLOCK))}")
[[ $status == 201 ]] || { echo "soak: create volume: HTTP $status" >&2; exit 1; }

loadtest() { # loadtest NAME FLAGS... -> runs strongroom-loadtest, reports in $OUT/NAME
  local name=$1
  shift
  java -Xms512m -Xmx512m -jar "$WORK/strongroom-loadtest.jar" --target "$URL" --token "$TOKEN" --volumes "$VOLUME" \
    --working-set "$WORKING_SET" --connections "$CONNECTIONS" --out "$OUT/$name" --label "$name" --quiet "$@" \
    >"$OUT/$name.log" 2>&1
}

# every block written first, so that reads decrypt rather than answer zeros
log "filling $WORKING_SET blocks"
loadtest fill --read-ratio 0 --sequential --warmup 0s --duration "$((WORKING_SET / 1000 + 5))s"
log "measuring the peak (closed model, ${PEAK_SECONDS}s, read ratio $READ_RATIO)"
loadtest peak --read-ratio "$READ_RATIO" --warmup 5s --duration "${PEAK_SECONDS}s"
PEAK=$(jq '.achievedRate | floor' "$OUT/peak/summary.json")
RATE=${RATE:-$((PEAK * 8 / 10))}
log "peak $PEAK req/s; soaking at $RATE req/s for ${DURATION}s"

# ---------- the soak ----------
sample() { # sample SECONDS -> one line of samples.tsv
  local rss heap
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$GATEWAY_PID/status")
  jcmd "$GATEWAY_PID" GC.run >/dev/null
  # G1: " garbage-first heap   total 524288K, used 61234K [...]"; generational collectors print one such line per
  # generation (summed); metaspace and class space are not heap
  heap=$(jcmd "$GATEWAY_PID" GC.heap_info \
    | awk '/ total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
             for (i = 1; i < NF; i++) if ($i == "used") {v = $(i + 1); sub(/K.*/, "", v); sum += v}
           } END {print sum + 0}')
  printf '%s\t%s\t%s\n' "$1" "$((rss / 1024))" "$((heap / 1024))" >>"$OUT/samples.tsv"
}
printf 'seconds\trss_mib\theap_after_gc_mib\n' >"$OUT/samples.tsv"
loadtest soak --rate "$RATE" --read-ratio "$READ_RATIO" --warmup 0s --duration "${DURATION}s" &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
START=$(date +%s)
KEY_ERRORS=0
ROTATED=0
next=0
while kill -0 "$LOAD_PID" 2>/dev/null; do
  now=$(($(date +%s) - START))
  if ((now >= next)); then
    sample "$now"
    next=$((next + SAMPLE_SECONDS))
  fi
  if ((ROTATED == 0 && now >= DURATION / 2)); then
    ROTATED=1
    # The embedded vault's service key has one version: the rotation re-wraps every DEK under it, the same path as
    # a move to a new version (validation, a wrap per DEK, one durable metadata write).
    status=$(api rotation PUT "/v1/volumes/$VOLUME/kek" '{"kek":"service"}')
    log "KEK rotation at ${now}s: HTTP $status"
    [[ $status == 200 ]] || KEY_ERRORS=$((KEY_ERRORS + 1))
    status=$(api rollover POST "/v1/volumes/$VOLUME/rollover")
    log "DEK rollover at ${now}s: HTTP $status"
    [[ $status == 202 ]] || KEY_ERRORS=$((KEY_ERRORS + 1))
  fi
  sleep 1
done
wait "$LOAD_PID" || true
sample "$(($(date +%s) - START))"
api volume-after GET "/v1/volumes/$VOLUME" >/dev/null

# ---------- verdict ----------
[[ -f $OUT/soak/summary.json ]] || { echo "soak: the load run wrote no summary (see $OUT/soak.log)" >&2; exit 1; }
LOAD_ERRORS=$(jq '.errors' "$OUT/soak/summary.json")
((ROTATED == 1)) || KEY_ERRORS=$((KEY_ERRORS + 1))
# warm-up and end: the mean of three samples each (the first three from WARMUP_SECONDS on, the last three), so one
# sample taken during a re-seal or a burst of allocation does not decide the verdict alone
read -r WARM_T WARM_RSS WARM_HEAP < <(awk -v w="$WARMUP_SECONDS" 'NR > 1 && $1 >= w && n < 3 {
    if (n == 0) t = $1; r += $2; h += $3; n++} END {printf "%d %d %d\n", t, r / n, h / n}' "$OUT/samples.tsv")
read -r END_T END_RSS END_HEAP < <(tail -n 3 "$OUT/samples.tsv" | awk '{
    if (NR == 1) t = $1; r += $2; h += $3} END {printf "%d %d %d\n", t, r / NR, h / NR}')
MAX_RSS=$(awk 'NR > 1 && $2 > m {m = $2} END {print m}' "$OUT/samples.tsv")
within() { (($2 * 100 <= $1 * (100 + TOLERANCE))); }
verdict=PASS
((LOAD_ERRORS == 0 && KEY_ERRORS == 0)) || verdict=FAIL
within "$WARM_RSS" "$END_RSS" || verdict=FAIL
within "$WARM_HEAP" "$END_HEAP" || verdict=FAIL
{
  echo "soak: ${DURATION}s at $RATE req/s (80% of the measured peak $PEAK), read ratio $READ_RATIO, $CONNECTIONS connections"
  echo "  achieved $(jq '.achievedRate | floor' "$OUT/soak/summary.json") req/s; statuses $(jq -c '.countsByStatus' "$OUT/soak/summary.json")"
  echo "  latency p50 / p99 / max: corrected $(jq -r '.latencyMillis.corrected | "\(.p50) / \(.p99) / \(.max)"' "$OUT/soak/summary.json") ms, uncorrected $(jq -r '.latencyMillis.uncorrected | "\(.p50) / \(.p99) / \(.max)"' "$OUT/soak/summary.json") ms; generator behind: $(jq '.generatorBehind' "$OUT/soak/summary.json"); unfinished at the end $(jq '.unfinished' "$OUT/soak/summary.json")"
  echo "  errors: load $LOAD_ERRORS, key operations $KEY_ERRORS (rotation and rollover half-way)"
  echo "  RSS: ${WARM_RSS} MiB after warm-up (mean of 3 samples from ${WARM_T}s), ${END_RSS} MiB at the end (from ${END_T}s), max ${MAX_RSS} MiB"
  echo "  heap after GC: ${WARM_HEAP} MiB after warm-up, ${END_HEAP} MiB at the end (tolerance +${TOLERANCE}%; samples in samples.tsv)"
  echo "  volume after: $(jq -c '{keyState, kek, rollover}' "$OUT/volume-after.json" 2>/dev/null)"
  echo "$verdict"
} | tee "$OUT/result.txt"
[[ $verdict == PASS ]]
