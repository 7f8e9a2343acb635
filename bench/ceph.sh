#!/usr/bin/env bash
# Ceph benchmark, side by side in the same minutes, on a throwaway single-node cluster (bench/ceph-dev.sh) started and
# removed here, two kinds:
# - store (default): `rados bench` with 8 KiB objects (write, then random read), `rbd bench` with 8 KiB random writes
#   and reads on a 1 GiB image (RBD_TOTAL bytes each, default 128M), and the ceph store (CephStoreBenchmark: random
#   sealed slots in 2 MiB objects, write then random read, no slot cache) at the same queue depth;
# - layouts: CephLayoutBenchmark, random 8,240-byte slots written and read straight over librados in four layouts of
#   2 MiB objects (packed, split with a trailer area, the remainder in the omap, padded to 12 KiB) in interleaved
#   rounds with `rados bench -b 8192`, with the OSD's CPU per operation (docs/SCALE-OUT.md, "Layout in the pool").
#
# Usage: bench/ceph.sh [seconds [depth]]                  (default 20 s each, queue depth 32)
#        bench/ceph.sh layouts [seconds [depth [rounds]]]  (default 10 s per phase, queue depth 32, 3 rounds)
# Env:   JAVA_HOME  JDK to run on (default: the one mvn uses)
# Needs: Ceph installed (bash .ci/run); builds gateway/store-ceph's test classes first.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
kind=store
[[ ${1:-} == layouts ]] && { kind=layouts; shift; }
seconds=${1:-$([[ $kind == layouts ]] && echo 10 || echo 20)}
depth=${2:-32}
rounds=${3:-3}
out=$root/gateway/store-ceph/target/bench
mkdir -p "$out"
cluster=$(mktemp -d)/cluster
trap 'bench/ceph-dev.sh stop "$cluster"' EXIT

mvn -B -q -o -pl gateway/store-ceph -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" > /dev/null
cp="$root/gateway/store-ceph/target/test-classes:$root/gateway/store-ceph/target/classes:$(cat "$out/classpath.txt")"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

conf=$(bench/ceph-dev.sh start "$cluster")
echo "# $(date -u +%FT%TZ) $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $kind == layouts ]]; then
  OSD_PID=$(cat "$cluster"/run/osd.0.pid) "$java" -cp "$cp" io.strongroom.store.ceph.CephLayoutBenchmark \
      "$conf" "$seconds" "$depth" "$rounds"
  exit
fi
echo "# rados bench, 8 KiB objects, queue depth $depth, $seconds s each"
rados -c "$conf" -p strongroom bench "$seconds" write -b 8192 -t "$depth" --no-cleanup | grep -E '^(Average IOPS|Average Latency)'
rados -c "$conf" -p strongroom bench "$seconds" rand -t "$depth" | grep -E '^(Average IOPS|Average Latency)'
echo "# rbd bench, 8 KiB random, $depth threads, ${RBD_TOTAL:-128M} each"
rbd -c "$conf" create --size 1G strongroom/bench
for io in write read; do
    rbd -c "$conf" bench --io-type "$io" --io-size 8K --io-threads "$depth" --io-total "${RBD_TOTAL:-128M}" \
        --io-pattern rand strongroom/bench | tail -1 | sed "s/^/$io: /"
done
"$java" -cp "$cp" io.strongroom.store.ceph.CephStoreBenchmark "$conf" "$seconds" "$depth"
