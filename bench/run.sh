#!/usr/bin/env bash
# Strongroom gateway against its anchors, side by side in one run (issue 6; results go into
# docs/PERFORMANCE.md "## gateway"). On this 2-core machine the server is pinned to core 0 and the
# load generator to core 1 (taskset); every server gets the same connection count.
#
#   1. gateway: 8 KiB random GET and random PUT (durability none), closed-model peak; GET again with the
#      slot cache off (every read from the file through the read pool)
#   2. the bare Vert.x baseline (strongroom-loadtest --baseline-server): same URLs, blocks from memory
#   3. nginx (Debian package): 1 worker, sendfile, static 8 KiB files from the page cache
#   4. gateway latency at 50% of its measured GET peak (open model, coordinated omission corrected), and
#      the bare baseline at the same rate: what the generator and the machine add by themselves
#   5. wrk against every server as the independent cross-check of strongroom-loadtest
#   6. all of it on JDK 17 and on JDK 25
#
# Usage: bench/run.sh [--no-gateway]
#   --no-gateway   only the anchors (baseline vs nginx), e.g. while the gateway is not built yet
# Environment (defaults): CONNECTIONS=64 DURATION=10 WARMUP=3 SERVER_WARMUP=10 WORKING_SET=4096 SERVER_CORE=0
#   CLIENT_CORE=1 JDKS="<jdk17 home> <jdk25 home>" OUT=bench/results/<utc time>
#   PROFILE=1: after the measurements, one more wrk GET and PUT run each under JFR (settings=profile),
#   summarised by bench/jfr-top.sh into OUT/*.profile.txt (where the gateway's time goes)
# Needs the jars: mvn -B -DskipTests install (loadtest/target/strongroom-loadtest.jar and
# gateway/server/target/strongroom-gateway.jar). Installs wrk, nginx-light, jq and curl with apt-get if missing.
# Network: loopback only. Every process it starts is stopped by its pid on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOADTEST_JAR=$ROOT/loadtest/target/strongroom-loadtest.jar
GATEWAY_JAR=$ROOT/gateway/server/target/strongroom-gateway.jar
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
# seconds of unmeasured wrk load (GET, then PUT) given to a freshly started JVM server before its figures:
# the JIT compiles on the server's single pinned core, and a cold first slot would flatter whichever tool runs second
SERVER_WARMUP=${SERVER_WARMUP:-10}
WORKING_SET=${WORKING_SET:-4096}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
JDKS=${JDKS:-"/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64"}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
PROFILE=${PROFILE:-1}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms1g -Xmx1g"}
# the generator: a young generation large enough that no collection falls inside a 10 s window (loadtest/README.md)
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xms1g -Xmx1g -Xmn768m"}
# PERF-NOTES' fast recipe: the Vert.x switches for servers (the load tool sets them itself)
VERTX_SWITCHES="-Dvertx.disableHttpHeadersValidation=true -Dvertx.disableMetrics=true -Dvertx.disableH2c=true \
-Dvertx.disableWebsockets=true -Dvertx.disableContextTimings=true"
BLOCK=8192
VOLUME=bench
WITH_GATEWAY=1
[[ "${1:-}" == "--no-gateway" ]] && WITH_GATEWAY=0

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------- tools ----------
need_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v jq >/dev/null || missing+=(jq)
  command -v curl >/dev/null || missing+=(curl)
  command -v taskset >/dev/null || missing+=(util-linux)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
  fi
  [[ -f $LOADTEST_JAR ]] || { echo "missing $LOADTEST_JAR: run mvn -B -DskipTests install" >&2; exit 2; }
  if ((WITH_GATEWAY)) && [[ ! -f $GATEWAY_JAR ]]; then
    echo "missing $GATEWAY_JAR: run mvn -B -DskipTests install (or use --no-gateway)" >&2; exit 2
  fi
}

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

wait_http() {
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2; return 1
}

# ---------- load generators ----------
write_wrk_scripts() {
  cat >"$WORK/get.lua" <<'LUA'
local n = tonumber(os.getenv("WS"))
local prefix = os.getenv("PREFIX")
local token = os.getenv("TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
math.randomseed(os.time())
request = function() return wrk.format("GET", prefix .. math.random(0, n - 1)) end
LUA
  cat >"$WORK/put.lua" <<'LUA'
local n = tonumber(os.getenv("WS"))
local prefix = os.getenv("PREFIX")
local token = os.getenv("TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
wrk.headers["Content-Type"] = "application/octet-stream"
math.randomseed(os.time())
local chars = {}
for i = 1, 8192 do chars[i] = string.char(math.random(0, 255)) end
local body = table.concat(chars)
request = function() return wrk.format("PUT", prefix .. math.random(0, n - 1), nil, body) end
LUA
}

# wrk_run NAME URL SCRIPT TOKEN [SECONDS] -> prints req/s (DURATION seconds unless given); output kept in $OUT
wrk_run() {
  local name=$1 url=$2 script=$3 token=${4:-} seconds=${5:-$DURATION}
  WS=$WORKING_SET PREFIX="/v1/volumes/$VOLUME/blocks/" TOKEN=$token \
    taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$WORK/$script" "$url" \
    >"$OUT/$name.wrk.txt" 2>&1
  if grep -q "Non-2xx" "$OUT/$name.wrk.txt"; then
    log "WARNING $name: $(grep Non-2xx "$OUT/$name.wrk.txt")"
  fi
  awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$OUT/$name.wrk.txt"
}

# warm_up NAME URL TOKEN: unmeasured wrk GET then PUT load (outputs kept as NAME-*-warmup.wrk.txt)
warm_up() {
  local name=$1 url=$2 token=${3:-}
  wrk_run "$name-get-warmup" "$url" get.lua "$token" "$SERVER_WARMUP" >/dev/null
  wrk_run "$name-put-warmup" "$url" put.lua "$token" $(((SERVER_WARMUP + 1) / 2)) >/dev/null
}

# lt_run NAME JAVA URL TOKEN EXTRA... -> prints achieved req/s; reports kept in $OUT/NAME
lt_run() {
  local name=$1 java=$2 url=$3 token=$4; shift 4
  local args=(--target "$url" --volumes "$VOLUME" --working-set "$WORKING_SET" --connections "$CONNECTIONS"
    --warmup "${WARMUP}s" --duration "${DURATION}s" --out "$OUT/$name" --label "$name" --quiet)
  [[ -n $token ]] && args+=(--token "$token")
  # shellcheck disable=SC2086
  taskset -c "$CLIENT_CORE" "$java" $CLIENT_JVM_OPTS -jar "$LOADTEST_JAR" "${args[@]}" "$@" >"$OUT/$name.log" 2>&1
  local errors
  errors=$(jq '.errors' "$OUT/$name/summary.json")
  ((errors == 0)) || log "WARNING $name: $errors errors $(jq -c .countsByStatus "$OUT/$name/summary.json")"
  jq '.achievedRate | floor' "$OUT/$name/summary.json"
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
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$port/v1/volumes/$VOLUME/blocks/0"
}

start_baseline() {
  local java=$1 port=$2
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CORE" "$java" $SERVER_JVM_OPTS $VERTX_SWITCHES -jar "$LOADTEST_JAR" \
    --baseline-server --port "$port" >"$OUT/baseline-server.log" 2>&1 &
  BASELINE_PID=$!
  PIDS+=("$BASELINE_PID")
  wait_http "http://127.0.0.1:$port/health/live"
}

# start_gateway JAVA PORT DATA [EXTRA FLAGS...]
start_gateway() {
  local java=$1 port=$2 data=$3
  shift 3
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CORE" "$java" $SERVER_JVM_OPTS $VERTX_SWITCHES -jar "$GATEWAY_JAR" \
    --port "$port" --data-dir "$data" --durability none --event-loops 1 "$@" >>"$OUT/gateway-server.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  wait_http "http://127.0.0.1:$port/health/live"
}

create_volume() {
  local url=$1 token=$2 status
  status=$(curl -s -o "$OUT/create-volume.json" -w '%{http_code}' -X POST "$url/v1/volumes" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$VOLUME\",\"sizeBytes\":$((WORKING_SET * BLOCK)),\"blockSize\":$BLOCK}")
  [[ $status == 201 || $status == 200 || $status == 409 ]] || { echo "create volume: HTTP $status" >&2; cat "$OUT/create-volume.json" >&2; exit 1; }
}

# profile_run JAVA_HOME NAME URL SCRIPT TOKEN: a wrk run (not counted) with JFR on the gateway
profile_run() {
  local jhome=$1 name=$2 url=$3 script=$4 token=$5
  "$jhome/bin/jcmd" "$GATEWAY_PID" JFR.start name=bench settings=profile >/dev/null
  wrk_run "$name-profiled" "$url" "$script" "$token" >/dev/null
  "$jhome/bin/jcmd" "$GATEWAY_PID" JFR.stop name=bench filename="$OUT/$name.jfr" >/dev/null
  "$ROOT/bench/jfr-top.sh" "$OUT/$name.jfr" "$jhome" >"$OUT/$name.profile.txt" 2>&1 || true
}

# latency_row JDK SERVER RATE SUMMARY_JSON -> one row of the open-model table
latency_row() {
  local s=$4
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$1" "$2" "$3" "$(jq '.achievedRate' "$s")" \
    "$(jq '.latencyMillis.corrected.p50' "$s")" "$(jq '.latencyMillis.corrected.p99' "$s")" \
    "$(jq '.latencyMillis.corrected."p99.9"' "$s")" "$(jq '.latencyMillis.uncorrected.p99' "$s")" \
    "$(jq '.generatorLagMillis.p99' "$s")"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
meets() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { if (v == "n/a") print "n/a"; else if ((dir == "ge" && v >= g) || (dir == "le" && v <= g)) print "yes"; else print "**no**" }'; }

# ---------- one JDK ----------
run_jdk() {
  local jhome=$1 java=$1/bin/java jdk
  jdk=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')
  log "JDK $jdk"
  local port nginx_get lt_nginx base_get base_put lt_base_get lt_base_put
  port=$(free_port)
  start_nginx "$port"
  nginx_get=$(wrk_run "jdk$jdk-nginx-get" "http://127.0.0.1:$port" get.lua)
  lt_nginx=$(lt_run "jdk$jdk-nginx-get-lt" "$java" "http://127.0.0.1:$port" "" --read-ratio 1)
  stop_pid "$NGINX_PID"
  log "nginx GET: wrk $nginx_get, loadtest $lt_nginx"

  port=$(free_port)
  start_baseline "$java" "$port"
  warm_up "jdk$jdk-baseline" "http://127.0.0.1:$port"
  base_get=$(wrk_run "jdk$jdk-baseline-get" "http://127.0.0.1:$port" get.lua)
  base_put=$(wrk_run "jdk$jdk-baseline-put" "http://127.0.0.1:$port" put.lua)
  lt_base_get=$(lt_run "jdk$jdk-baseline-get-lt" "$java" "http://127.0.0.1:$port" "" --read-ratio 1)
  lt_base_put=$(lt_run "jdk$jdk-baseline-put-lt" "$java" "http://127.0.0.1:$port" "" --read-ratio 0)
  stop_pid "$BASELINE_PID"
  log "baseline GET: wrk $base_get, loadtest $lt_base_get; PUT: wrk $base_put, loadtest $lt_base_put"

  ROWS+="| $jdk | nginx $(nginx -v 2>&1 | sed 's/.*\///') (1 worker, sendfile, page cache) | $nginx_get | – | $lt_nginx | – |"$'\n'
  ROWS+="| $jdk | Vert.x baseline (bytes from memory) | $base_get | $base_put | $lt_base_get | $lt_base_put |"$'\n'

  if ((WITH_GATEWAY)); then
    local data token gw_get gw_get2 gw_put lt_gw_get lt_gw_put rate lat
    port=$(free_port)
    data=$WORK/gateway-data-$jdk
    start_gateway "$java" "$port" "$data"
    token=$(jq -r '.admin.token' "$data/credentials.json")
    create_volume "http://127.0.0.1:$port" "$token"
    # write every block of the working set first: a never-written block reads as zeros without decryption
    lt_run "jdk$jdk-gateway-fill" "$java" "http://127.0.0.1:$port" "$token" --read-ratio 0 --sequential --warmup 0s \
      --duration "$((WORKING_SET / 2000 + 2))s" >/dev/null
    warm_up "jdk$jdk-gateway" "http://127.0.0.1:$port" "$token"
    # GETs first, loadtest between two wrk runs: the cross-check compares it with wrk just before and after (the
    # server drifts between runs, and after a PUT run its heap holds the new cache entries)
    gw_get=$(wrk_run "jdk$jdk-gateway-get" "http://127.0.0.1:$port" get.lua "$token")
    lt_gw_get=$(lt_run "jdk$jdk-gateway-get-lt" "$java" "http://127.0.0.1:$port" "$token" --read-ratio 1)
    gw_get2=$(wrk_run "jdk$jdk-gateway-get-again" "http://127.0.0.1:$port" get.lua "$token")
    gw_put=$(wrk_run "jdk$jdk-gateway-put" "http://127.0.0.1:$port" put.lua "$token")
    lt_gw_put=$(lt_run "jdk$jdk-gateway-put-lt" "$java" "http://127.0.0.1:$port" "$token" --read-ratio 0)
    rate=$((gw_get / 2))
    lt_run "jdk$jdk-gateway-get-50pct" "$java" "http://127.0.0.1:$port" "$token" --read-ratio 1 --rate "$rate" \
      --warmup "${SERVER_WARMUP}s" >/dev/null
    lat=$OUT/jdk$jdk-gateway-get-50pct/summary.json
    if ((PROFILE)); then
      profile_run "$jhome" "jdk$jdk-gateway-get" "http://127.0.0.1:$port" get.lua "$token"
      profile_run "$jhome" "jdk$jdk-gateway-put" "http://127.0.0.1:$port" put.lua "$token"
    fi
    stop_pid "$GATEWAY_PID"
    log "gateway GET: wrk $gw_get (again after loadtest: $gw_get2), loadtest $lt_gw_get; PUT: wrk $gw_put, loadtest $lt_gw_put"
    ROWS+="| $jdk | **gateway** (AES-256-GCM, files, durability none) | $gw_get | $gw_put | $lt_gw_get | $lt_gw_put |"$'\n'
    # the same data without the slot cache: every GET reads the file on the read pool (two thread hand-offs)
    local nc_get lt_nc_get
    start_gateway "$java" "$port" "$data" --cache-bytes 0
    warm_up "jdk$jdk-gateway-nocache" "http://127.0.0.1:$port" "$token"
    nc_get=$(wrk_run "jdk$jdk-gateway-nocache-get" "http://127.0.0.1:$port" get.lua "$token")
    lt_nc_get=$(lt_run "jdk$jdk-gateway-nocache-get-lt" "$java" "http://127.0.0.1:$port" "$token" --read-ratio 1)
    stop_pid "$GATEWAY_PID"
    log "gateway without slot cache GET: wrk $nc_get, loadtest $lt_nc_get"
    ROWS+="| $jdk | gateway, slot cache off (\`--cache-bytes 0\`) | $nc_get | – | $lt_nc_get | – |"$'\n'
    LATENCY+="$(latency_row "$jdk" "**gateway**" "$rate" "$lat")"$'\n'
    # the same rate against the bare baseline: what the generator and the machine add by themselves
    start_baseline "$java" "$port"
    lt_run "jdk$jdk-baseline-get-rate" "$java" "http://127.0.0.1:$port" "" --read-ratio 1 --rate "$rate" \
      --warmup "${SERVER_WARMUP}s" >/dev/null
    stop_pid "$BASELINE_PID"
    LATENCY+="$(latency_row "$jdk" "Vert.x baseline, same rate" "$rate" "$OUT/jdk$jdk-baseline-get-rate/summary.json")"$'\n'
    local r_nginx r_base r_put p99 cross wrk_mean
    r_nginx=$(ratio "$gw_get" "$nginx_get"); r_base=$(ratio "$gw_get" "$base_get"); r_put=$(ratio "$gw_put" "$gw_get")
    p99=$(jq '.latencyMillis.corrected.p99' "$lat")
    wrk_mean=$(((gw_get + gw_get2) / 2))
    cross=$(awk -v a="$lt_gw_get" -v b="$wrk_mean" 'BEGIN { d = (a - b) / b * 100; printf "%+.1f%%", d }')
    GOALS+="| $jdk | $r_nginx ($(meets "$r_nginx" 0.85 ge)) | $r_base ($(meets "$r_base" 0.90 ge)) | \
$r_put ($(meets "$r_put" 0.80 ge)) | $p99 ms ($(meets "$p99" 1.0 le)) | $cross ($(awk -v a="$lt_gw_get" -v b="$wrk_mean" \
'BEGIN { d = (a - b) / b; if (d < 0) d = -d; print (d <= 0.10 ? "yes" : "**no**") }')) |"$'\n'
  else
    GOALS+="| $jdk | n/a (no gateway) | n/a | n/a | n/a | $(awk -v a="$lt_base_get" -v b="$base_get" 'BEGIN { printf "%+.1f%% (baseline)", (a - b) / b * 100 }') |"$'\n'
  fi
}

# ---------- main ----------
need_tools
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/strongroom-bench.XXXXXX)
write_wrk_scripts
ROWS="" LATENCY="" GOALS=""
for j in $JDKS; do
  [[ -x $j/bin/java ]] || { log "skipping $j (no java)"; continue; }
  run_jdk "$j"
done

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), \
kernel $(uname -r); server pinned to core $SERVER_CORE, load generator to core $CLIENT_CORE; $CONNECTIONS connections; \
${DURATION}s per measurement (strongroom-loadtest: +${WARMUP}s warm-up); 8 KiB blocks, random addresses over \
$WORKING_SET blocks; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo
  echo "Peak throughput, closed model (req/s):"
  echo
  echo "| JDK | server | wrk GET | wrk PUT | strongroom-loadtest GET | strongroom-loadtest PUT |"
  echo "|---|---|---:|---:|---:|---:|"
  printf '%s' "$ROWS"
  if ((WITH_GATEWAY)); then
    echo
    echo "Gateway GET latency at 50% of its wrk GET peak (open model, strongroom-loadtest; ms):"
    echo
    echo "| JDK | server | target req/s | achieved req/s | p50 | p99 | p99.9 | uncorrected p99 | generator lag p99 |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$LATENCY"
  fi
  echo
  echo "Goals (wrk figures; the last column compares strongroom-loadtest with wrk on the same server):"
  echo
  echo "| JDK | GET / nginx ≥ 0.85 | GET / baseline ≥ 0.90 | PUT / GET ≥ 0.80 | p99 at 50% ≤ 1 ms | loadtest GET vs wrk GET (mean of the runs before and after) within 10% |"
  echo "|---|---|---|---|---|---|"
  printf '%s' "$GOALS"
} | tee "$OUT/table.md"
log "table and raw outputs in $OUT"
