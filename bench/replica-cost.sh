#!/usr/bin/env bash
# What a following read replica costs the primary's writers: two gateways in one JVM on loopback, random 8 KiB
# writes to the primary with no replica, with a replica following, and with none again (ReplicaCostBenchmark,
# gateway/server test scope; docs/REPLICAS.md).
#
# Usage: bench/replica-cost.sh [ReplicaCostBenchmark args]   e.g. bench/replica-cost.sh --seconds 10 --interval 1000
# Env:   JAVA_HOME  JDK to run on (default: the one mvn uses)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/gateway/server/target/bench
mkdir -p "$out"

mvn -B -q -o -pl gateway/server -am verify -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" > /dev/null
cp="$root/gateway/server/target/test-classes:$root/gateway/server/target/classes:$(cat "$out/classpath.txt")"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

echo "# $(date -u +%FT%TZ) $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -cp "$cp" io.strongroom.server.e2e.ReplicaCostBenchmark "$@" 2> "$out/replica-cost.log" | tee "$out/replica-cost.md"
