# Helpers shared by the benchmark scripts (run.sh, ceph-gateways.sh, alloc.sh, gc.sh, fsync.sh); sourced, not run.

# stop_pid PID: SIGTERM, then SIGKILL if it is still there after 10 s
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ticks PID... -> user + system CPU ticks of the processes (all their threads, also those that ended; 0 for a process
# that has ended)
ticks() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0)))
  done
  echo "$total"
}

# busy_ticks -> CPU ticks all cores spent outside idle and iowait since boot (/proc/stat)
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# steal_ticks -> CPU ticks the hypervisor gave all cores' vCPUs to someone else since boot (/proc/stat)
steal_ticks() { awk '$1 == "cpu" { print $9; exit }' /proc/stat; }

# wait_line PID LOG SECOND: until strongroom-loadtest's progress line for that second of its window is in LOG
wait_line() {
  local pid=$1 file=$2 second=$3
  until grep -qsE "^\[ *$second""s\]" "$file"; do
    kill -0 "$pid" 2>/dev/null || { echo "load tool ended before second $second of its window: $file" >&2; return 1; }
    sleep 0.1
  done
}

# For the fixed-rate scripts that compare gateways side by side on one pinned core (bench/alloc.sh, bench/gc.sh).
# They set LOADTEST_JAR, WORKING_SET, WARMUP, SERVER_CORE, CLIENT_CORE, WORK (a scratch directory), LT_WARMUP (the load
# tool's own warm-up before its window) and PIDS (every process they start, stopped on exit).

# load JAVA URL TOKEN READ_RATIO SECONDS [EXTRA...]: one strongroom-loadtest run pinned to the client core against the
# volume "bench" (64 connections, random addresses over WORKING_SET blocks); its reports in WORK/lt
load() {
  local java=$1 url=$2 token=$3 ratio=$4 seconds=$5; shift 5
  taskset -c "$CLIENT_CORE" "$java" -Xms1g -Xmx1g -Xmn768m -jar "$LOADTEST_JAR" --target "$url" --token "$token" \
    --volumes bench --working-set "$WORKING_SET" --connections 64 --read-ratio "$ratio" --warmup "$LT_WARMUP" \
    --duration "${seconds}s" --quiet --out "$WORK/lt" "$@" >"$WORK/lt.log" 2>&1
}

# start_pinned_gateway JAVA_HOME JAR DATA LOG [JVM OPTION...]: a gateway pinned to the server core (1 event loop,
# durability none, default slot cache) with the volume "bench" of WORKING_SET blocks, every block written, then WARMUP
# s of GET and of PUT load; sets GW_PID, GW_URL and GW_TOKEN
start_pinned_gateway() {
  local jhome=$1 jar=$2 data=$3 log=$4 port; shift 4
  port=$(free_port)
  taskset -c "$SERVER_CORE" "$jhome/bin/java" "$@" -jar "$jar" --port "$port" --data-dir "$data" \
    --durability none --event-loops 1 >"$log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  GW_URL=http://127.0.0.1:$port
  until curl -sf "$GW_URL/health/live" >/dev/null; do sleep 0.2; done
  GW_TOKEN=$(jq -r '.admin.token' "$data/credentials.json")
  curl -sf -o /dev/null -X POST "$GW_URL/v1/volumes" -H "Authorization: Bearer $GW_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"name\":\"bench\",\"sizeBytes\":$((WORKING_SET * 8192))}"
  load "$jhome/bin/java" "$GW_URL" "$GW_TOKEN" 0 $((WORKING_SET / 2000 + 2)) --sequential
  load "$jhome/bin/java" "$GW_URL" "$GW_TOKEN" 1 "$WARMUP"
  load "$jhome/bin/java" "$GW_URL" "$GW_TOKEN" 0 "$WARMUP"
}

# stop_all: every process in PIDS, then WORK removed (an EXIT trap)
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
