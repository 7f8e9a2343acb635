#!/usr/bin/env bash
# ext4 on an NBD export through nbdfuse -> loop: mkfs, write files, unmount, e2fsck -fn must find it clean, mount
# again and the files hash the same. Usage: ext4-check.sh <nbd-uri> <mountpoint> <work-dir>
# Prints "e2fsck: clean" and "files: same after remount" on success; exits non-zero on any failure. Every mount, loop
# device and nbdfuse it set up is gone when it exits, on failure and on SIGTERM/SIGINT too.
set -euo pipefail
if [[ $# -ne 3 ]]; then
    echo "usage: $0 <nbd-uri> <mountpoint> <work-dir>" >&2
    exit 2
fi
uri=$1 mnt=$2 work=$3
source "$(dirname "$0")/nbd-chain.sh"
trap chain_down EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
mkdir -p "$work"
CHAIN_LOG=$work/nbdfuse.log

chain_up "$uri" "$mnt" mkfs
mkdir "$mnt/files"
for i in $(seq 1 200); do
    head -c $((RANDOM * 8 + i)) /dev/urandom >"$mnt/files/small-$i"
done
head -c $((64 << 20)) /dev/urandom >"$mnt/files/large"
(cd "$mnt/files" && sha256sum -- *) >"$work/manifest"
sync -f "$mnt/files/large"
echo "written: $(wc -l <"$work/manifest") files, $(du -sm "$mnt/files" | cut -f1) MiB"
chain_umount
e2fsck -fn "$(chain_device)"
echo "e2fsck: clean"
chain_down

chain_up "$uri" "$mnt"
(cd "$mnt/files" && sha256sum --quiet -c "$work/manifest")
echo "files: same after remount"
chain_down
