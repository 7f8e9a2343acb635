#!/usr/bin/env bash
# Heap bytes the gateway allocates per request (issue 16): a figure the machine's load does not move, so two builds
# can be compared on a busy machine. For each gateway jar and JDK: the gateway pinned to one core (1 event loop,
# durability none, default slot cache), every block of the working set written, WARMUP s of GET and of PUT, then
# per round one fixed-rate GET window and one PUT window under JFR with only jdk.ThreadAllocationStatistics (every
# thread's allocated bytes, once a second). Per window: allocated bytes (all threads, and the event loop alone)
# between the first and last sample / the requests sent meanwhile (rate × interval).
#
# Usage: bench/alloc.sh JAR [JAR...]   (e.g. the jar of main and of a branch: mvn -B -DskipTests package in each)
# Environment (defaults): RATE=5000 DURATION=10 ROUNDS=3 WARMUP=20 WORKING_SET=4096 SERVER_CORE=0 CLIENT_CORE=1
#   JDKS="<jdk17 home> <jdk25 home>" LOADTEST_JAR OUT=bench/results/alloc-<utc time>
# Prints a Markdown table and keeps it in OUT/alloc.md. Network: loopback only. Needs jq and curl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOADTEST_JAR=${LOADTEST_JAR:-$ROOT/loadtest/target/strongroom-loadtest.jar}
RATE=${RATE:-5000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20}
WORKING_SET=${WORKING_SET:-4096}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
JDKS=${JDKS:-"/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64"}
OUT=${OUT:-$ROOT/bench/results/alloc-$(date -u +%Y%m%dT%H%M%SZ)}
(($# > 0)) || { sed -n '2,13p' "$0" >&2; exit 2; }
JARS=("$@")
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
LT_WARMUP=1s
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap stop_all EXIT
log() { printf '[alloc %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

cat >"$WORK/alloc.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
EOF


# window JHOME PID URL TOKEN RATIO -> "bytes per request (all threads) <tab> (event loop)"
window() {
  local jhome=$1 pid=$2 url=$3 token=$4 ratio=$5
  "$jhome/bin/jcmd" "$pid" JFR.start name=alloc settings="$WORK/alloc.jfc" >/dev/null
  load "$jhome/bin/java" "$url" "$token" "$ratio" "$DURATION" --rate "$RATE"
  "$jhome/bin/jcmd" "$pid" JFR.stop name=alloc filename="$WORK/alloc.jfr" >/dev/null
  local achieved
  achieved=$(jq '.achievedRate' "$WORK/lt/summary.json")
  "$jhome/bin/jfr" print --json --events jdk.ThreadAllocationStatistics "$WORK/alloc.jfr" >"$WORK/alloc.json"
  python3 - "$WORK/alloc.json" "$achieved" <<'PY'
import json, sys
from datetime import datetime
events = json.load(open(sys.argv[1]))["recording"]["events"]
rate = float(sys.argv[2])
def when(e):
    return datetime.fromisoformat(e["values"]["startTime"][:26].rstrip("Z")).timestamp()
# one sample of every thread a second: events less than half a second apart belong to one sample
batches = []
for e in sorted(events, key=when):
    if not batches or when(e) - batches[-1][0] > 0.5:
        batches.append((when(e), {}))
    t = e["values"]["thread"]
    batches[-1][1][t["javaThreadId"] if t else -1] = (t["javaName"] if t else "?", e["values"]["allocated"])
# the load's interior: drop the first and last sample (warm-up second, stop)
(t0, first), (t1, last) = batches[1], batches[-2]
requests = rate * (t1 - t0)
def delta(pred):
    return sum(v - first.get(tid, (n, 0))[1] for tid, (n, v) in last.items() if pred(n))
print("%.0f\t%.0f" % (delta(lambda n: True) / requests, delta(lambda n: n.startswith("vert.x-eventloop")) / requests))
PY
}

{
  echo "| JDK | jar | round | GET bytes/request (all threads) | GET (event loop) | PUT bytes/request (all threads) | PUT (event loop) |"
  echo "|---|---|---|---:|---:|---:|---:|"
} >"$OUT/alloc.md"

for jhome in $JDKS; do
  jdk=$("$jhome/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')
  declare -A URL=() TOKEN=() PID=()
  for i in "${!JARS[@]}"; do
    start_pinned_gateway "$jhome" "${JARS[$i]}" "$WORK/data-$i-$jdk" "$OUT/gateway-$i-$jdk.log" -Xms1g -Xmx1g
    PID[$i]=$GW_PID URL[$i]=$GW_URL TOKEN[$i]=$GW_TOKEN
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    for i in "${!JARS[@]}"; do
      get=$(window "$jhome" "${PID[$i]}" "${URL[$i]}" "${TOKEN[$i]}" 1)
      put=$(window "$jhome" "${PID[$i]}" "${URL[$i]}" "${TOKEN[$i]}" 0)
      row="| $jdk | ${JARS[$i]} | $r | $(cut -f1 <<<"$get") | $(cut -f2 <<<"$get") | $(cut -f1 <<<"$put") | $(cut -f2 <<<"$put") |"
      log "$row"
      echo "$row" >>"$OUT/alloc.md"
    done
  done
  for i in "${!JARS[@]}"; do kill "${PID[$i]}"; wait "${PID[$i]}" 2>/dev/null || true; done
done
cat "$OUT/alloc.md"
