#!/usr/bin/env bash
# Fuzzes a ./strongroom gateway process with generated bad and odd requests (issue 11): the generator and the
# judgement of the suite's GatewayFuzzTest (gateway/server, io.strongroom.server.fuzz), at a larger count.
#
#   1. five tokens, one per role (admin, data on all volumes, data on volume 'a' only, volume-admin, key-admin),
#      written as hashes to a fresh data directory's tokens.json
#   2. ./strongroom on that directory and a free loopback port (a private copy of the launcher and the jar, so a
#      rebuild of the shared tree during the run cannot pull the jar from under it)
#   3. FuzzMain: writes the protected volume's blocks, sends COUNT cases on WORKERS connections, judges every answer
#      (no 5xx outside the documented key/storage codes, JSON errors with a code, no 2xx a role or route forbids,
#      no hang), then reads the protected blocks back and checks a fresh volume
#   4. the gateway's log: stack-trace lines and warnings; its RSS before and after
#
# Usage: bench/fuzz.sh [COUNT [SEED]]   (defaults: 100000, the time in nanoseconds)
# Environment: WORKERS=4, OUT=bench/results/fuzz-<utc time>, STRONGROOM_JAVA_OPTS (passed to the launcher).
# Needs gateway/server/target/strongroom-gateway.jar and the module's test classes (built here if missing).
# Network: loopback only. The gateway it starts is stopped by its pid on exit. Exit status 1 on any violation.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COUNT=${1:-100000}
SEED=${2:-$(date +%s%N)}
WORKERS=${WORKERS:-4}
OUT=${OUT:-$ROOT/bench/results/fuzz-$(date -u +%Y%m%dT%H%M%SZ)}
JAR=$ROOT/gateway/server/target/strongroom-gateway.jar
TEST_CLASSES=$ROOT/gateway/server/target/test-classes

log() { printf '[fuzz %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [[ ! -f $JAR ]]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -B -q -o -pl gateway/server -am package -DskipTests)
fi
if [[ ! -f $TEST_CLASSES/io/strongroom/server/fuzz/FuzzMain.class ]]; then
  log "compiling the fuzzer (gateway/server test classes)"
  (cd "$ROOT" && mvn -B -q -o -pl gateway/server test-compile)
fi

mkdir -p "$OUT"
WORK=$(mktemp -d)
GATEWAY_PID=
cleanup() {
  if [[ -n $GATEWAY_PID ]]; then
    kill "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$GATEWAY_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/app/gateway/server/target" "$WORK/data"
cp "$ROOT/strongroom" "$WORK/app/strongroom"
cp "$JAR" "$WORK/app/gateway/server/target/strongroom-gateway.jar"
cp -r "$TEST_CLASSES" "$WORK/fuzzer"

# ---------- tokens: 256 random bits each, stored as SHA-256 hashes (docs/API.md) ----------
token() { printf 'sr_%s' "$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"; }
hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
ADMIN=$(token) DATA_ALL=$(token) DATA_A=$(token) VOLUME_ADMIN=$(token) KEY_ADMIN=$(token)
cat >"$WORK/data/tokens.json" <<EOF
{"version": 1, "tokens": [
  {"name": "admin", "sha256": "$(hash "$ADMIN")", "roles": ["data", "volume-admin", "key-admin"], "volumes": ["*"]},
  {"name": "data-all", "sha256": "$(hash "$DATA_ALL")", "roles": ["data"], "volumes": ["*"]},
  {"name": "data-a", "sha256": "$(hash "$DATA_A")", "roles": ["data"], "volumes": ["a"]},
  {"name": "volume-admin", "sha256": "$(hash "$VOLUME_ADMIN")", "roles": ["volume-admin"], "volumes": ["*"]},
  {"name": "key-admin", "sha256": "$(hash "$KEY_ADMIN")", "roles": ["key-admin"], "volumes": ["*"]}
]}
EOF
umask 077
cat >"$WORK/clear-tokens.json" <<EOF
{"admin": "$ADMIN", "dataAll": "$DATA_ALL", "dataA": "$DATA_A", "volumeAdmin": "$VOLUME_ADMIN", "keyAdmin": "$KEY_ADMIN"}
EOF

# ---------- the gateway ----------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$WORK/app/strongroom" --port "$PORT" --data-dir "$WORK/data" </dev/null >"$OUT/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { log "the gateway ended at start-up:"; cat "$OUT/gateway.log" >&2; exit 1; }
  sleep 0.1
done
rss_mb() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$GATEWAY_PID/status"; }
RSS_BEFORE=$(rss_mb)
log "gateway pid $GATEWAY_PID on port $PORT, RSS ${RSS_BEFORE} MB; $COUNT cases, seed $SEED, $WORKERS connections"

# ---------- the run ----------
STATUS=0
java -cp "$WORK/fuzzer:$WORK/app/gateway/server/target/strongroom-gateway.jar" io.strongroom.server.fuzz.FuzzMain \
  "$PORT" "$WORK/clear-tokens.json" "$COUNT" "$SEED" "$WORKERS" | tee "$OUT/fuzz.txt" || STATUS=1
RSS_AFTER=$(rss_mb)
LIVE=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/live" || true)
TRACE_LINES=$(grep -cE '^[[:space:]]+at [[:alnum:]_.$]+\(|^Caused by: ' "$OUT/gateway.log" || true)
WARNINGS=$(grep -cE '^[0-9T:.-]+Z (WARN|ERROR) ' "$OUT/gateway.log" || true)
{
  echo "count $COUNT, seed $SEED, workers $WORKERS"
  echo "gateway RSS before ${RSS_BEFORE} MB, after ${RSS_AFTER} MB; /health/live after: $LIVE"
  echo "gateway log: $TRACE_LINES stack-trace lines, $WARNINGS WARN/ERROR records ($OUT/gateway.log)"
} | tee "$OUT/summary.txt"
[[ $TRACE_LINES == 0 && $LIVE == 200 ]] || STATUS=1
exit "$STATUS"
