#!/usr/bin/env bash
# Where the time goes, from a JFR recording: the hottest top frames and the share of CPU samples
# that pass through each layer (inclusive). Usage: bench/jfr-top.sh RECORDING.jfr [JAVA_HOME] [N]
set -euo pipefail
rec=$1
jhome=${2:-${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}}
top=${3:-25}
"$jhome/bin/jfr" print --events jdk.ExecutionSample "$rec" | awk -v top="$top" '
  /stackTrace = \[/ { inStack = 1; first = 1; delete seen; samples++; next }
  inStack && /^[[:space:]]*\]/ { inStack = 0; next }
  inStack {
    frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame); sub(/\(.*$/, "", frame)
    if (frame == "...") next
    if (first) { self[frame]++; first = 0 }
    layer = "other"
    if (frame ~ /^io\.strongroom\.store/) layer = "gateway storage (io.strongroom.store)"
    else if (frame ~ /^io\.strongroom\.http/) layer = "gateway HTTP (io.strongroom.http)"
    else if (frame ~ /^io\.strongroom\.nbd/) layer = "gateway NBD (io.strongroom.nbd)"
    else if (frame ~ /^io\.strongroom\.core/) layer = "gateway core (io.strongroom.core)"
    else if (frame ~ /^io\.strongroom\.crypto/) layer = "crypto (io.strongroom.crypto)"
    else if (frame ~ /^(com\.sun\.crypto|javax\.crypto|sun\.security)/) layer = "JCA AES-GCM (com.sun.crypto, javax.crypto)"
    else if (frame ~ /^io\.vertx/) layer = "Vert.x (io.vertx)"
    else if (frame ~ /^io\.netty/) layer = "Netty (io.netty)"
    else if (frame ~ /^(sun\.nio\.ch|java\.nio\.channels|sun\.nio\.fs)/) layer = "file and socket I/O (sun.nio)"
    if (layer != "other" && !(layer in seen)) { seen[layer] = 1; inclusive[layer]++ }
  }
  END {
    printf "%d CPU samples\n\nInclusive share by layer:\n", samples
    for (l in inclusive) printf "  %5.1f%%  %s\n", 100 * inclusive[l] / samples, l | "sort -rn"
    close("sort -rn")
    printf "\nTop %d frames (self):\n", top
    for (f in self) printf "  %5.1f%%  %s\n", 100 * self[f] / samples, f | ("sort -rn | head -" top)
  }'
