#!/usr/bin/env bash
# Crypto benchmark: JMH (seal, sealDirect, open at 4/8/64 KiB, and the raw JCA AES-GCM loop as the
# baseline; nonce batching) on JDK 17 and JDK 25, then the same contenders interleaved and timed in
# thread CPU time (InterleavedCpuTimeBench: steadier when other processes share the machine), plus
# `openssl speed` for AES-256-GCM (which times itself in CPU time too), all pinned to one core in one
# run, then summary tables of the seal/raw-JCA and seal/openssl ratios.
#
# Usage: bench/crypto.sh [extra JMH args]        e.g. bench/crypto.sh -i 10 -r 2s
# Env:   CORE      core to pin to (default 1)
#        JDK17     default /usr/lib/jvm/java-17-openjdk-amd64
#        JDK25     default /usr/lib/jvm/temurin-25-jdk-amd64 (skipped when absent)
#        JMH_ARGS  default "-f 1 -wi 3 -w 1s -i 5 -r 1s" (short; raise -i/-r for steadier figures)
#        BENCH     JMH benchmark regex (default io.strongroom.crypto.bench)
# Results: crypto/target/bench/ (jmh-jdkNN.csv/.txt, openssl.txt, summary.md)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
core=${CORE:-1}
jdk17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
read -r -a jmh_args <<< "${JMH_ARGS:--f 1 -wi 3 -w 1s -i 5 -r 1s}"
bench=${BENCH:-io.strongroom.crypto.bench}
out=$root/crypto/target/bench
mkdir -p "$out"

# Java 17 bytecode, so the same classes run on both JDKs. The JMH harness is generated at test-compile.
JAVA_HOME=$jdk17 mvn -B -q -pl crypto test-compile
JAVA_HOME=$jdk17 mvn -B -q -pl crypto dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" > /dev/null
cp="$root/crypto/target/test-classes:$root/crypto/target/classes:$(cat "$out/classpath.txt")"

echo "# $(date -u +%FT%TZ) $(nproc) cpus, pinned to core $core: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
ran=()
for jdk in "$jdk17" "$jdk25"; do
    if [ ! -x "$jdk/bin/java" ]; then
        echo "# skipping $jdk (not installed)"
        continue
    fi
    major=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    name=jdk$major
    echo "# JMH on $name: $("$jdk/bin/java" -version 2>&1 | head -2 | tail -1)"
    # The forked benchmark JVM inherits the affinity mask, so it runs on $core too.
    taskset -c "$core" "$jdk/bin/java" -cp "$cp" org.openjdk.jmh.Main "$bench" "${jmh_args[@]}" "$@" \
        -rf csv -rff "$out/jmh-$name.csv" | tee "$out/jmh-$name.txt"
    echo "# interleaved, thread CPU time, on $name"
    taskset -c "$core" "$jdk/bin/java" -cp "$cp" io.strongroom.crypto.bench.InterleavedCpuTimeBench \
        | tee "$out/cputime-$name.md"
    ran+=("$name")
done

echo "# openssl: $(openssl version)"
taskset -c "$core" openssl speed -seconds 2 -bytes 8192 -evp aes-256-gcm 2>&1 | tee "$out/openssl.txt"
openssl_mbps=$(awk 'tolower($1) == "aes-256-gcm" { v = $NF; sub(/k$/, "", v); printf "%.0f", v / 1000 }' "$out/openssl.txt")

{
    echo "| JDK | block | seal MB/s | seal (direct) MB/s | open MB/s | raw JCA MB/s | seal / raw JCA | seal / openssl |"
    echo "|---|---|---|---|---|---|---|---|"
    for name in "${ran[@]}"; do
        awk -F, -v jdk="$name" -v ossl="$openssl_mbps" '
            function unq(s) { gsub(/["\r]/, "", s); return s }   # JMH writes CRLF lines
            NR > 1 && unq($1) ~ /SealBenchmark/ {
                b = unq($1); sub(/.*\./, "", b); size = unq($8)
                mbps[b, size] = unq($5) * size / 1e6; sizes[size] = 1
            }
            END {
                n = 0
                for (s in sizes) sorted[++n] = s + 0
                for (i = 2; i <= n; i++)            # insertion sort: mawk has no asort
                    for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) { t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t }
                for (i = 1; i <= n; i++) {
                    s = sorted[i]
                    vs = (s == 8192 && ossl > 0) ? sprintf("%.2f", mbps["seal", s] / ossl) : "-"
                    printf "| %s | %d KiB | %.0f | %.0f | %.0f | %.0f | %.2f | %s |\n", jdk, s / 1024,
                        mbps["seal", s], mbps["sealDirect", s], mbps["open", s], mbps["rawJcaGcm", s],
                        mbps["seal", s] / mbps["rawJcaGcm", s], vs
                }
            }' "$out/jmh-$name.csv"
    done
    echo
    echo "Interleaved, thread CPU time (median of 8 slices of 100 ms):"
    echo
    echo "| JDK | seal 8 KiB MB/s | seal / openssl |"
    echo "|---|---|---|"
    for name in "${ran[@]}"; do
        awk -F'|' -v jdk="$name" -v ossl="$openssl_mbps" '$3 ~ /^ 8 KiB/ {
            printf "| %s | %.0f | %.2f |\n", jdk, $4, (ossl > 0 ? $4 / ossl : 0) }' "$out/cputime-$name.md"
    done
    echo
    echo "openssl speed -seconds 2 -bytes 8192 -evp aes-256-gcm: ${openssl_mbps} MB/s (1 MB = 10^6 bytes)"
} | tee "$out/summary.md"
