#!/usr/bin/env bash
# KEK unwrap benchmark, both providers side by side in one run: a local-vault over HTTPS on loopback
# (vault-client) and a SoftHSM2 token through SunPKCS11, RSA-3072 RSA-OAEP-256, at fixed numbers of
# concurrent callers (HsmUnwrapBenchmark, gateway/server test scope).
#
# Usage: bench/hsm-unwrap.sh [HsmUnwrapBenchmark args]   e.g. bench/hsm-unwrap.sh --seconds 10 --concurrency 1,8
# Env:   JAVA_HOME  JDK to run on (default: the one mvn uses)
# Needs: softhsm2 (Debian package); builds through the reactor, installs nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/gateway/server/target/bench
rm -rf "$out/softhsm"
mkdir -p "$out/softhsm"

mvn -B -q -o -pl gateway/server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" > /dev/null
cp="$root/gateway/server/target/test-classes:$root/gateway/server/target/classes:$(cat "$out/classpath.txt")"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

echo "# $(date -u +%FT%TZ) $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), load $(cut -d' ' -f1-3 /proc/loadavg)"
SOFTHSM2_CONF=$out/softhsm/softhsm2.conf "$java" -cp "$cp" io.strongroom.server.e2e.HsmUnwrapBenchmark "$@" \
    2> "$out/hsm-unwrap.log" | tee "$out/hsm-unwrap.md"
