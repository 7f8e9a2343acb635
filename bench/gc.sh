#!/usr/bin/env bash
# Which garbage collector the launcher should give the gateway (issue 16): the same jar under several collectors,
# side by side, at fixed rates. For each JDK, one gateway per collector is started with the launcher's heap for
# STRONGROOM_MEMORY=1g (-Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m), pinned to one core (1 event loop,
# durability none, default slot cache); each gets its working set written and WARMUP s of GET and PUT load. Then
# ROUNDS rounds, the collectors alternating: a GET window at GET_RATE and a PUT window at PUT_RATE (open model, 64
# connections), each under JFR with only the collector's pause events. Per window: corrected p50/p99/p99.9, the
# generator's lag p99 (a late generator makes every figure suspect), the pauses (count, longest, total) and the
# server's CPU per request (/proc/PID/stat over the window / requests).
#
# Usage: bench/gc.sh
# Environment (defaults): GCS="serial:-XX:+UseSerialGC parallel:-XX:+UseParallelGC g1:-XX:+UseG1GC zgc:-XX:+UseZGC"
#   GET_RATE=25000 PUT_RATE=12000 DURATION=10 ROUNDS=3 WARMUP=15 WORKING_SET=4096 SERVER_CORE=0 CLIENT_CORE=1
#   JDKS="<jdk17 home> <jdk25 home>" GATEWAY_JAR LOADTEST_JAR OUT=bench/results/gc-<utc time>
# Prints a Markdown table (median and min-max over rounds) and keeps it in OUT/gc.md; OUT/rounds.tsv holds the
# rounds. Network: loopback only. Needs jq, curl, python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway/server/target/strongroom-gateway.jar}
LOADTEST_JAR=${LOADTEST_JAR:-$ROOT/loadtest/target/strongroom-loadtest.jar}
GCS=${GCS:-"serial:-XX:+UseSerialGC parallel:-XX:+UseParallelGC g1:-XX:+UseG1GC zgc:-XX:+UseZGC"}
GET_RATE=${GET_RATE:-25000}
PUT_RATE=${PUT_RATE:-12000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-15}
WORKING_SET=${WORKING_SET:-4096}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
JDKS=${JDKS:-"/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64"}
OUT=${OUT:-$ROOT/bench/results/gc-$(date -u +%Y%m%dT%H%M%SZ)}
HEAP="-Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m"
VERTX_SWITCHES="-Dvertx.disableHttpHeadersValidation=true -Dvertx.disableMetrics=true -Dvertx.disableH2c=true \
-Dvertx.disableWebsockets=true -Dvertx.disableContextTimings=true"
TICKS_PER_SECOND=$(getconf CLK_TCK)
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
LT_WARMUP=2s
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap stop_all EXIT
log() { printf '[gc %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

cat >"$WORK/gc.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.GCPhasePause"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
</configuration>
EOF

# window JHOME PID URL TOKEN RATIO RATE -> "p50 p99 p99.9 lag_p99 behind pauses longest_ms total_ms cpu_us_per_req"
window() {
  local jhome=$1 pid=$2 url=$3 token=$4 ratio=$5 rate=$6 c0 c1
  "$jhome/bin/jcmd" "$pid" JFR.start name=gc settings="$WORK/gc.jfc" >/dev/null
  c0=$(ticks "$pid")
  load "$jhome/bin/java" "$url" "$token" "$ratio" "$DURATION" --rate "$rate"
  c1=$(ticks "$pid")
  "$jhome/bin/jcmd" "$pid" JFR.stop name=gc filename="$WORK/gc.jfr" >/dev/null
  "$jhome/bin/jfr" print --json --events jdk.GCPhasePause "$WORK/gc.jfr" >"$WORK/gc.json"
  python3 - "$WORK/gc.json" "$WORK/lt/summary.json" $((c1 - c0)) "$TICKS_PER_SECOND" "$DURATION" <<'PY'
import json, re, sys
events = json.load(open(sys.argv[1]))["recording"]["events"]
s = json.load(open(sys.argv[2]))
cticks, hz, duration = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
def millis(d):  # JFR's JSON durations are ISO-8601, e.g. PT0.001234S
    m = re.fullmatch(r"PT(?:(\d+)M)?([\d.]+)S", d)
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) * 1000 if m else 0.0
pauses = [millis(e["values"]["duration"]) for e in events]
lat = s["latencyMillis"]["corrected"]
# the CPU was sampled around the whole load tool run (its warm-up included): per request of warm-up + window
requests = s["achievedRate"] * (duration + 2)
print(" ".join(str(x) for x in [lat["p50"], lat["p99"], lat.get("p99.9", lat.get("p999", "")),
      (s.get("generatorLagMillis") or {}).get("p99", ""), str(s.get("generatorBehind", False)).lower(), len(pauses),
      "%.2f" % max(pauses, default=0), "%.1f" % sum(pauses), "%.1f" % (cticks / hz * 1e6 / requests)]))
PY
}

printf 'jdk\tgc\tround\tload\tp50_ms\tp99_ms\tp999_ms\tlag_p99_ms\tbehind\tpauses\tlongest_ms\ttotal_ms\tcpu_us_per_req\n' \
  >"$OUT/rounds.tsv"
for jhome in $JDKS; do
  [[ -x $jhome/bin/java ]] || { log "skipping $jhome (no java)"; continue; }
  jdk=$("$jhome/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')
  declare -A URL=() TOKEN=() PID=()
  names=()
  for variant in $GCS; do
    name=${variant%%:*} opts=${variant#*:}
    names+=("$name")
    # shellcheck disable=SC2086
    start_pinned_gateway "$jhome" "$GATEWAY_JAR" "$WORK/data-$name-$jdk" "$OUT/gateway-$name-$jdk.log" \
      $HEAP ${opts//,/ } $VERTX_SWITCHES
    PID[$name]=$GW_PID URL[$name]=$GW_URL TOKEN[$name]=$GW_TOKEN
    log "$jdk $name ready (${opts//,/ })"
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < ${#names[@]}; i++)); do
      name=${names[$(((i + r - 1) % ${#names[@]}))]}
      for load_kind in get put; do
        if [[ $load_kind == get ]]; then ratio=1 rate=$GET_RATE; else ratio=0 rate=$PUT_RATE; fi
        row=$(window "$jhome" "${PID[$name]}" "${URL[$name]}" "${TOKEN[$name]}" "$ratio" "$rate")
        printf '%s\t%s\t%s\t%s\t%s\n' "$jdk" "$name" "$r" "$load_kind@$rate" "${row// /$'\t'}" >>"$OUT/rounds.tsv"
        log "$jdk $name round $r $load_kind@$rate: $row"
      done
    done
  done
  for name in "${names[@]}"; do kill "${PID[$name]}"; wait "${PID[$name]}" 2>/dev/null || true; done
  unset URL TOKEN PID
done

python3 - "$OUT/rounds.tsv" <<'PY' | tee "$OUT/gc.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
cols = ["p50_ms", "p99_ms", "p999_ms", "lag_p99_ms", "pauses", "longest_ms", "total_ms", "cpu_us_per_req"]
print("| JDK | GC | load | " + " | ".join(cols) + " | generator behind |")
print("|---|---|---|" + "---:|" * len(cols) + "---|")
groups = {}
def fmt(x):
    return "%.0f" % x if abs(x) >= 100 else "%.3g" % x
for r in rows:
    groups.setdefault((r["jdk"], r["load"], r["gc"]), []).append(r)
for (jdk, load, gc), rs in groups.items():
    cells = []
    for c in cols:
        v = [float(r[c]) for r in rs if r[c] not in ("", "None")]
        cells.append("%s (%s-%s)" % tuple(fmt(x) for x in (statistics.median(v), min(v), max(v))) if v else "-")
    behind = sum(r["behind"] == "true" for r in rs)
    print(f"| {jdk} | {gc} | {load} | " + " | ".join(cells) + f" | {behind} of {len(rs)} |")
PY
