#!/usr/bin/env bash
# vault-client benchmark: unwrap throughput and p50/p99 against an in-process local-vault
# (RSA-2048, RSA-OAEP-256, HTTPS on loopback, OpenSSL engine when it loads) at 1 and 64 concurrent
# calls, over HTTP/2 (ALPN) and, for comparison, HTTP/1.1 with a pool of up to 64 connections.
#
# Usage: bench/vault.sh [UnwrapBenchmark args]     e.g. bench/vault.sh --seconds 20 --concurrency 1,16,64
# Env:   JAVA_HOME  JDK to run on (default: the one mvn uses)
# Needs: strongroom-local-vault installed in ~/.m2 (test scope of vault-client).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/vault-client/target/bench
mkdir -p "$out"

mvn -B -q -f vault-client/pom.xml test-compile
mvn -B -q -f vault-client/pom.xml dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" > /dev/null
cp="$root/vault-client/target/test-classes:$root/vault-client/target/classes:$(cat "$out/classpath.txt")"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

echo "# $(date -u +%FT%TZ) $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
"$java" -cp "$cp" io.strongroom.vault.bench.UnwrapBenchmark "$@" | tee "$out/unwrap-h2.md"
"$java" -cp "$cp" io.strongroom.vault.bench.UnwrapBenchmark --http1 "$@" | tee "$out/unwrap-http1.md"
