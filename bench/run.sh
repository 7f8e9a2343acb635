#!/usr/bin/env bash
# Strongroom gateway against its anchors in interleaved rounds, with ratios that say whether they can be trusted
# (issue 16; method and trust rule in docs/PERFORMANCE.md "## gateway"). Server pinned to core 0, load generator
# (strongroom-loadtest) to core 1 (taskset); every server gets the same connection count.
#
# Servers (each started once per JDK and kept running): nginx (Debian package, 1 worker, sendfile, 8 KiB files from
# the page cache), the bare Vert.x baseline (strongroom-loadtest --baseline-server, blocks from memory), the gateway
# (AES-256-GCM, files, durability none, every block of the working set written first).
#   1. peak (closed model): ROUNDS rounds × (nginx GET, baseline GET, gateway GET, gateway PUT), DURATION s each,
#      the order rotated every round
#   2. fixed rate (open model) at 50% of the lowest median GET peak of step 1: ROUNDS rounds × (nginx, baseline,
#      gateway) GET; server CPU per request and latency
# PHASES="rate" runs step 2 alone (minutes, not a quarter hour) at FIXED_RATE, which it then needs.
# REALTIME=1 runs the load tool's event loops under SCHED_FIFO (--realtime-loops): on a machine shared with builds a
# loop at normal priority waited most of the window for its core; off by default (docs/PERFORMANCE.md, "The generator
# at a fixed rate": it starves the generator's own JIT).
# Every round records the throughput, the client's CPU share, the CPU the rest of the machine used, whether the generator fell behind (open model), the
# server's CPU per request (/proc/PID/stat user+system ticks over the window's interior / requests) and the latency.
# bench/run-table.py turns the rounds into OUT/table.md; OUT/rounds.tsv holds them raw.
#
# Usage: bench/run.sh
# Environment (defaults): ROUNDS=5 DURATION=10 (≥ 3) WARMUP=5 SERVER_WARMUP=10 CONNECTIONS=64 WORKING_SET=4096
#   SERVER_CORE=0 CLIENT_CORE=1 JDKS="<jdk17 home> <jdk25 home>" OUT=bench/results/<utc time> PHASES="peak rate"
#   REALTIME=0
#   CLIENT_LIMIT=0.90 OTHER_LIMIT=0.10 SPREAD_LIMIT=1.25 (trust rule), FIXED_RATE (overrides step 2's rate)
#   PROFILE=1: one more gateway GET and PUT round each under JFR (settings=profile), summarised by
#   bench/jfr-top.sh into OUT/*.profile.txt (where the gateway's time goes)
# Needs the jars (mvn -B -DskipTests package; LOADTEST_JAR and GATEWAY_JAR override their paths). Installs
# nginx-light, jq and curl with apt-get if missing. Network: loopback only. Every process it starts is stopped by
# its pid on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOADTEST_JAR=${LOADTEST_JAR:-$ROOT/loadtest/target/strongroom-loadtest.jar}
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway/server/target/strongroom-gateway.jar}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
# seconds of unmeasured GET, then PUT, load given to a freshly started JVM server before its first round: the JIT
# compiles on the server's single pinned core
SERVER_WARMUP=${SERVER_WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-64}
WORKING_SET=${WORKING_SET:-4096}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
JDKS=${JDKS:-"/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64"}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
PROFILE=${PROFILE:-0}
PHASES=${PHASES:-peak rate}
REALTIME=${REALTIME:-0}
export CLIENT_LIMIT=${CLIENT_LIMIT:-0.90} OTHER_LIMIT=${OTHER_LIMIT:-0.10} SPREAD_LIMIT=${SPREAD_LIMIT:-1.25}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms1g -Xmx1g"}
# the generator: a young generation large enough that no collection falls inside a 10 s window (loadtest/README.md)
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xms1g -Xmx1g -Xmn768m"}
# PERF-NOTES' fast recipe: the Vert.x switches for servers (the load tool sets them itself)
VERTX_SWITCHES="-Dvertx.disableHttpHeadersValidation=true -Dvertx.disableMetrics=true -Dvertx.disableH2c=true \
-Dvertx.disableWebsockets=true -Dvertx.disableContextTimings=true"
BLOCK=8192
VOLUME=bench
TICKS_PER_SECOND=$(getconf CLK_TCK)
[[ " $PHASES " == *" peak "* || -n ${FIXED_RATE:-} ]] || { echo "PHASES without peak needs FIXED_RATE" >&2; exit 2; }
((DURATION >= 3)) || { echo "DURATION must be at least 3 (CPU is sampled from the window's 1st to its last second)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------- tools ----------
need_tools() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v jq >/dev/null || missing+=(jq)
  command -v curl >/dev/null || missing+=(curl)
  command -v taskset >/dev/null || missing+=(util-linux)
  command -v python3 >/dev/null || missing+=(python3)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
  fi
  local jar
  for jar in "$LOADTEST_JAR" "$GATEWAY_JAR"; do
    [[ -f $jar ]] || { echo "missing $jar: run mvn -B -DskipTests package" >&2; exit 2; }
  done
}

# ---------- processes (stopped by pid, never by name) ----------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  [[ -n ${WORK:-} && -d $WORK ]] && rm -rf "$WORK"
}
trap cleanup EXIT

wait_http() {
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2; return 1
}

# ---------- servers ----------
start_nginx() {
  local prefix=$WORK/nginx port=$1
  mkdir -p "$prefix/www/v1/volumes/$VOLUME/blocks" "$prefix/logs"
  for ((i = 0; i < WORKING_SET; i++)); do
    head -c "$BLOCK" /dev/urandom >"$prefix/www/v1/volumes/$VOLUME/blocks/$i"
  done
  chmod -R a+rX "$WORK"
  cat >"$prefix/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 300s;
  keepalive_requests 100000000;
  open_file_cache max=20000 inactive=300s;
  types { }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $prefix/www;
    location / { }
  }
}
CONF
  cat "$prefix"/www/v1/volumes/$VOLUME/blocks/* >/dev/null   # into the page cache
  taskset -c "$SERVER_CORE" nginx -p "$prefix" -c "$prefix/nginx.conf" &
  local master=$!
  PIDS+=("$master")
  wait_http "http://127.0.0.1:$port/v1/volumes/$VOLUME/blocks/0"
  # the master and its worker: the worker does the serving
  SERVER_PIDS[nginx]="$master $(pgrep -P "$master" | tr '\n' ' ')"
}

start_baseline() {
  local java=$1 port=$2
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CORE" "$java" $SERVER_JVM_OPTS $VERTX_SWITCHES -jar "$LOADTEST_JAR" \
    --baseline-server --port "$port" >"$OUT/baseline-server.log" 2>&1 &
  SERVER_PIDS[baseline]=$!
  PIDS+=("$!")
  wait_http "http://127.0.0.1:$port/health/live"
}

start_gateway() {
  local java=$1 port=$2 data=$3
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CORE" "$java" $SERVER_JVM_OPTS $VERTX_SWITCHES -jar "$GATEWAY_JAR" \
    --port "$port" --data-dir "$data" --durability none --event-loops 1 >>"$OUT/gateway-server.log" 2>&1 &
  SERVER_PIDS[gateway]=$!
  PIDS+=("$!")
  wait_http "http://127.0.0.1:$port/health/live"
}

create_volume() {
  local url=$1 token=$2 status
  status=$(curl -s -o "$OUT/create-volume.json" -w '%{http_code}' -X POST "$url/v1/volumes" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$VOLUME\",\"sizeBytes\":$((WORKING_SET * BLOCK)),\"blockSize\":$BLOCK}")
  [[ $status == 201 || $status == 200 || $status == 409 ]] || { echo "create volume: HTTP $status" >&2; cat "$OUT/create-volume.json" >&2; exit 1; }
}

# ---------- the load generator ----------
# lt_start SERVER NAME EXTRA...: starts one strongroom-loadtest run against SERVER (nginx, baseline or gateway),
# pinned to the client core, console in OUT/raw/NAME.log and reports in OUT/raw/NAME; its pid in LT_PID
lt_start() {
  local server=$1 name=$2; shift 2
  local args=(--target "${URL[$server]}" --volumes "$VOLUME" --working-set "$WORKING_SET" --connections "$CONNECTIONS"
    --out "$OUT/raw/$name" --label "$name")
  [[ -n ${TOKEN[$server]} ]] && args+=(--token "${TOKEN[$server]}")
  ((REALTIME)) && args+=(--realtime-loops)
  # shellcheck disable=SC2086
  taskset -c "$CLIENT_CORE" "$JAVA" $CLIENT_JVM_OPTS -jar "$LOADTEST_JAR" "${args[@]}" "$@" >"$OUT/raw/$name.log" 2>&1 &
  LT_PID=$!
}

# lt SERVER NAME EXTRA...: the same, waiting for it to end
lt() {
  lt_start "$@"
  wait "$LT_PID"
}

# round PHASE ROUND CONTENDER EXTRA...: one measured round; appends a row to OUT/rounds.tsv. The CPU of the client
# and of the server is sampled from the window's first progress line to its last but one (the interior: neither the
# client JVM's start nor its report writing), and the requests in that interval are the window's rate × its length.
round() {
  local phase=$1 r=$2 contender=$3; shift 3
  local server=${contender%-*} name="$JDK-$phase-$r-$contender"
  local -a server_pids
  read -r -a server_pids <<<"${SERVER_PIDS[$server]}"
  local ratio=1
  [[ $contender == *-put ]] && ratio=0
  lt_start "$server" "$name" --read-ratio "$ratio" --warmup "${WARMUP}s" --duration "${DURATION}s" "$@"
  local client=$LT_PID t0 t1 c0 c1 s0 s1 b0 b1 v0 v1
  wait_line "$client" "$OUT/raw/$name.log" 1
  t0=$(date +%s.%N) c0=$(ticks "$client") s0=$(ticks "${server_pids[@]}") b0=$(busy_ticks) v0=$(steal_ticks)
  wait_line "$client" "$OUT/raw/$name.log" $((DURATION - 1))
  t1=$(date +%s.%N) c1=$(ticks "$client") s1=$(ticks "${server_pids[@]}") b1=$(busy_ticks) v1=$(steal_ticks)
  wait "$client"
  local s=$OUT/raw/$name/summary.json
  ((0 == $(jq '.errors' "$s"))) || log "WARNING $name: $(jq -c .countsByStatus "$s")"
  jq -r --arg jdk "$JDK" --arg phase "$phase" --arg r "$r" --arg c "$contender" \
    --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    --argjson cticks $((c1 - c0)) --argjson sticks $((s1 - s0)) --argjson oticks $((b1 - b0 - (c1 - c0) - (s1 - s0))) --argjson vticks $((v1 - v0)) \
    --argjson hz "$TICKS_PER_SECOND" '
    [$jdk, $phase, $r, $c, (.targetRate // 0), .achievedRate, .errors,
     ($cticks / $hz / $wall), ([$oticks, 0] | max / $hz / $wall), (if .achievedRate > 0 then $sticks / $hz * 1e6 / (.achievedRate * $wall) else null end),
     .latencyMillis.corrected.p50, .latencyMillis.corrected.p99, (.generatorLagMillis.p99 // null),
     (.generatorBehind // false),
     (if .generatorCpuMillis then .generatorCpuMillis.loopWait / 1000 / .windowSeconds else null end),
     (.generatorCpuMillis.otherThreads // null), ($vticks / $hz / $wall)] | map(tostring) | join("\t")' "$s" >>"$OUT/rounds.tsv"
  log "$name: $(tail -1 "$OUT/rounds.tsv" | cut -f6-12)"
}

# rounds PHASE EXTRA... -- CONTENDER...: ROUNDS rounds over the contenders, the order rotated by one every round
rounds() {
  local phase=$1; shift
  local extra=()
  while [[ $1 != -- ]]; do extra+=("$1"); shift; done
  shift
  local contenders=("$@") n=$# r i
  for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < n; i++)); do
      round "$phase" "$r" "${contenders[$(((i + r - 1) % n))]}" "${extra[@]}"
    done
  done
}

# median_peak CONTENDER -> median achieved rate of this JDK's peak rounds
median_peak() {
  awk -F'\t' -v jdk="$JDK" -v c="$1" '$1 == jdk && $2 == "peak" && $4 == c { print $6 }' "$OUT/rounds.tsv" \
    | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# profile_run JAVA_HOME READ_RATIO NAME: a gateway round (not counted) with JFR on the gateway
profile_run() {
  local jhome=$1 ratio=$2 name=$3 pid=${SERVER_PIDS[gateway]}
  "$jhome/bin/jcmd" "$pid" JFR.start name=bench settings=profile >/dev/null
  lt gateway "$name-profiled" --read-ratio "$ratio" --warmup 1s --duration "${DURATION}s" --quiet
  "$jhome/bin/jcmd" "$pid" JFR.stop name=bench filename="$OUT/$name.jfr" >/dev/null
  "$ROOT/bench/jfr-top.sh" "$OUT/$name.jfr" "$jhome" >"$OUT/$name.profile.txt" 2>&1 || true
}

# ---------- one JDK ----------
run_jdk() {
  local jhome=$1 port data
  JAVA=$jhome/bin/java
  JDK=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')
  log "JDK $JDK"
  port=$(free_port)
  start_baseline "$JAVA" "$port"
  URL[baseline]=http://127.0.0.1:$port TOKEN[baseline]=""
  port=$(free_port)
  data=$WORK/gateway-data-$JDK
  start_gateway "$JAVA" "$port" "$data"
  URL[gateway]=http://127.0.0.1:$port TOKEN[gateway]=$(jq -r '.admin.token' "$data/credentials.json")
  create_volume "${URL[gateway]}" "${TOKEN[gateway]}"
  # every block of the working set written first: a never-written block reads as zeros without decryption
  lt gateway "$JDK-fill" --read-ratio 0 --sequential --warmup 0s --duration "$((WORKING_SET / 2000 + 2))s" --quiet
  local server
  for server in baseline gateway; do
    lt "$server" "$JDK-$server-warmup-get" --read-ratio 1 --warmup 0s --duration "${SERVER_WARMUP}s" --quiet
    lt "$server" "$JDK-$server-warmup-put" --read-ratio 0 --warmup 0s --duration "$(((SERVER_WARMUP + 1) / 2))s" --quiet
  done

  if [[ " $PHASES " == *" peak "* ]]; then
    rounds peak -- nginx-get baseline-get gateway-get gateway-put
  fi
  local rate=${FIXED_RATE:-}
  if [[ -z $rate ]]; then
    rate=$(for c in nginx-get baseline-get gateway-get; do median_peak "$c"; done \
      | sort -n | head -1 | awk '{ printf "%d", $1 / 2 }')
  fi
  log "fixed rate $rate req/s"
  if [[ " $PHASES " == *" rate "* ]]; then
    rounds rate --rate "$rate" -- nginx-get baseline-get gateway-get
  fi
  if ((PROFILE)); then
    profile_run "$jhome" 1 "$JDK-gateway-get"
    profile_run "$jhome" 0 "$JDK-gateway-put"
  fi
  stop_pid "${SERVER_PIDS[gateway]}"
  stop_pid "${SERVER_PIDS[baseline]}"
}

# ---------- main ----------
need_tools
mkdir -p "$OUT/raw"
WORK=$(mktemp -d /tmp/strongroom-bench.XXXXXX)
declare -A SERVER_PIDS URL TOKEN
printf 'jdk\tphase\tround\tcontender\ttarget_rate\tachieved_rate\terrors\tclient_cpu\tother_cpu\tserver_cpu_us_per_req\tp50_ms\tp99_ms\tlag_p99_ms\tbehind\tloop_wait_share\tjvm_other_ms\tsteal_cpu\n' \
  >"$OUT/rounds.tsv"
port=$(free_port)
start_nginx "$port"
URL[nginx]=http://127.0.0.1:$port TOKEN[nginx]=""
for j in $JDKS; do
  [[ -x $j/bin/java ]] || { log "skipping $j (no java)"; continue; }
  run_jdk "$j"
done

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), \
kernel $(uname -r), load average at the end $(cut -d' ' -f1-3 /proc/loadavg); server pinned to core $SERVER_CORE, \
strongroom-loadtest to core $CLIENT_CORE (event loops $( ((REALTIME)) && echo SCHED_FIFO || echo 'normal priority')); $CONNECTIONS connections; $ROUNDS interleaved rounds of ${DURATION}s \
(+${WARMUP}s warm-up) per contender; 8 KiB blocks, random addresses over $WORKING_SET blocks; \
nginx $(nginx -v 2>&1 | sed 's/.*\///')."
  echo
  python3 "$ROOT/bench/run-table.py" "$OUT/rounds.tsv"
} | tee "$OUT/table.md"
log "table in $OUT/table.md, rounds in $OUT/rounds.tsv, raw reports under $OUT/raw"
