#!/usr/bin/env bash
# Durable PUTs against what the disk itself does (issue 16). For each writer count N (1, 16, 64): the gateway with
# durability fsync (group commit: the writes queued while a journal sync runs go into the next batch) takes 8 KiB
# PUTs from N connections in a closed loop for DURATION s; its metrics give the average batch (operations per
# journal sync). Then fio on the same file system writes 8 KiB blocks sequentially into a preallocated file (as the
# journal does) with an fdatasync after every B writes, B the gateway's average batch rounded, one job: the rate the
# disk allows for that batching. Last, a second gateway with durability none takes the same load: what the gateway
# and the client manage on this CPU when nothing waits for the disk, the other ceiling of the fsync figure.
# Rounds alternate the three, ROUNDS times per N; medians reported.
#
# Usage: bench/fsync.sh
# Environment (defaults): WRITERS="1 16 64" ROUNDS=3 DURATION=10 JAVA=java GATEWAY_JAR LOADTEST_JAR
#   DIR (where the gateways' data and fio's file go; default a new directory under bench/results)
#   OUT=bench/results/fsync-<utc time>
# Prints a Markdown table and keeps it in OUT/fsync.md. Network: loopback only. Needs fio, jq, curl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway/server/target/strongroom-gateway.jar}
LOADTEST_JAR=${LOADTEST_JAR:-$ROOT/loadtest/target/strongroom-loadtest.jar}
JAVA=${JAVA:-java}
WRITERS=${WRITERS:-"1 16 64"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
OUT=${OUT:-$ROOT/bench/results/fsync-$(date -u +%Y%m%dT%H%M%SZ)}
DIR=${DIR:-$OUT/work}
mkdir -p "$OUT" "$DIR"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR/gateway-fsync" "$DIR/gateway-none" "$DIR/fio"
}
trap cleanup EXIT
log() { printf '[fsync %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
for tool in fio jq curl; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
declare -A URL TOKEN
# start_gateway DURABILITY: a gateway on its own data directory with one 1 GiB volume
start_gateway() {
  local durability=$1 port
  port=$(free_port)
  URL[$durability]=http://127.0.0.1:$port
  "$JAVA" -Xms1g -Xmx1g -jar "$GATEWAY_JAR" --port "$port" --data-dir "$DIR/gateway-$durability" \
    --durability "$durability" >"$OUT/gateway-$durability.log" 2>&1 &
  PIDS+=("$!")
  until curl -sf "${URL[$durability]}/health/live" >/dev/null; do sleep 0.2; done
  TOKEN[$durability]=$(jq -r '.admin.token' "$DIR/gateway-$durability/credentials.json")
  curl -sf -o /dev/null -X POST "${URL[$durability]}/v1/volumes" -H "Authorization: Bearer ${TOKEN[$durability]}" \
    -H 'Content-Type: application/json' -d '{"name":"bench","sizeBytes":1073741824}'
}
start_gateway fsync
start_gateway none

# metric DURABILITY NAME: its value on that gateway's metrics page (summed over label sets)
metric() {
  curl -sf -H "Authorization: Bearer ${TOKEN[$1]}" "${URL[$1]}/metrics" \
    | awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%d", s }'
}

# put DURABILITY N SECONDS: closed-model 8 KiB PUTs from N connections; prints "rate p50 p99 batch"
put() {
  local d=$1 n=$2 seconds=$3 ops0 syncs0 ops1 syncs1
  ops0=$(metric "$d" strongroom_store_batched_operations_total) syncs0=$(metric "$d" strongroom_store_journal_syncs_total)
  "$JAVA" -Xms512m -Xmx512m -jar "$LOADTEST_JAR" --target "${URL[$d]}" --token "${TOKEN[$d]}" --volumes bench \
    --working-set 131072 --connections "$n" --read-ratio 0 --warmup 2s --duration "${seconds}s" --quiet \
    --out "$OUT/lt-$d-$n" >"$OUT/lt-$d-$n.log" 2>&1
  ops1=$(metric "$d" strongroom_store_batched_operations_total) syncs1=$(metric "$d" strongroom_store_journal_syncs_total)
  jq -r --argjson ops $((ops1 - ops0)) --argjson syncs $((syncs1 - syncs0)) \
    '"\(.achievedRate) \(.latencyMillis.uncorrected.p50 // .latencyMillis.corrected.p50) \(.latencyMillis.uncorrected.p99 // .latencyMillis.corrected.p99) \(if $syncs > 0 then $ops / $syncs else 0 end)"' \
    "$OUT/lt-$d-$n/summary.json"
}

# fio_rate BATCH SECONDS: 8 KiB sequential writes into a preallocated file, fdatasync every BATCH writes; writes/s
fio_rate() {
  mkdir -p "$DIR/fio"
  fio --name=groupcommit --directory="$DIR/fio" --size=512m --bs=8k --rw=write --ioengine=psync \
    --fdatasync="$1" --time_based --runtime="$2" --loops=1000 --output-format=json 2>/dev/null \
    | jq '.jobs[0].write.iops'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

{
  echo "| writers | gateway fsync PUT/s (median, min-max) | p50 ms | p99 ms | batch (ops per journal sync) | fio writes/s, fdatasync every B | gateway none PUT/s | fsync / fio (per round: min-max) | fsync / none (per round: min-max) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT/fsync.md"
put fsync 16 5 >/dev/null
put none 16 5 >/dev/null
for n in $WRITERS; do
  : >"$OUT/rounds-$n.tsv"
  for ((r = 1; r <= ROUNDS; r++)); do
    read -r rate p50 p99 batch <<<"$(put fsync "$n" "$DURATION")"
    b=$(awk -v b="$batch" 'BEGIN { b = int(b + 0.5); print (b < 1 ? 1 : b) }')
    disk=$(fio_rate "$b" "$DURATION")
    read -r none _ <<<"$(put none "$n" "$DURATION")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$p50" "$p99" "$batch" "$disk" "$none" \
      "$(awk -v g="$rate" -v d="$disk" 'BEGIN { print g / d }')" \
      "$(awk -v g="$rate" -v d="$none" 'BEGIN { print g / d }')" >>"$OUT/rounds-$n.tsv"
    log "N=$n round $r: gateway fsync $rate PUT/s (p50 $p50 ms, p99 $p99 ms, batch $batch), fio B=$b $disk writes/s, gateway none $none PUT/s"
  done
  col() { cut -f"$1" "$OUT/rounds-$n.tsv" | median; }
  span() { cut -f"$1" "$OUT/rounds-$n.tsv" | sort -n | awk -v f="$2" 'NR == 1 { a = $1 } { b = $1 } END { printf f "-" f, a, b }'; }
  printf '| %s | %.0f (%s) | %s | %s | %.1f | %.0f | %.0f | %.2f (%s) | %.2f (%s) |\n' "$n" "$(col 1)" "$(span 1 %.0f)" \
    "$(col 2)" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" "$(span 7 %.2f)" "$(col 8)" "$(span 8 %.2f)" \
    >>"$OUT/fsync.md"
done
cat "$OUT/fsync.md"
