# shellcheck shell=bash
# An NBD export as a mounted ext4 file system, without the kernel nbd module:
#   NBD server -> nbdfuse (the export as a file) -> loop device (direct I/O, 4 KiB sectors) -> [mkfs.ext4] -> mount
#
# Source this file, then:
#   chain_up <nbd-uri> <mountpoint> [mkfs|fsck]
#                                            build the chain; "mkfs" formats the device first (ext4, no lazy init),
#                                            "fsck" runs e2fsck -fp first (journal replay and a full check after a
#                                            crash; exit status 0 or 1 = mountable, kept in CHAIN_FSCK_STATUS)
#   chain_down                               undo everything chain_up did, in reverse; idempotent, safe in an EXIT trap
#   chain_device                             print the loop device (for e2fsck, after a umount)
#   chain_umount                             unmount only (the loop device stays, for e2fsck)
# One chain per shell. Needs root, losetup (util-linux), nbdfuse (libnbd-bin), fusermount3 (fuse3), e2fsprogs.
#
# nbdfuse's output goes to /dev/null: when it inherits a caller's pipe, a failed run waits forever for the pipe's
# end and leaves loop devices attached. Its log, if wanted, goes to $CHAIN_LOG (a file), never to a pipe.

CHAIN_FUSE_DIR=""
CHAIN_FUSE_PID=""
CHAIN_LOOP=""
CHAIN_MOUNT=""
CHAIN_FSCK_STATUS=""
: "${CHAIN_LOG:=/dev/null}"
: "${CHAIN_READY_TIMEOUT:=60}"

_chain_say() { echo "nbd-chain: $*" >&2; }

# True if a file system is mounted on $1. From the mount table, not stat(): a FUSE mount whose nbdfuse died answers
# every stat with ENOTCONN, and mountpoint(1) then says "not a mount point".
_chain_mounted() {
    local path
    path=$(realpath -m "$1") || return 1
    path=${path// /\\040}
    awk -v p="$path" '$5 == p { found = 1 } END { exit !found }' /proc/self/mountinfo
}

chain_up() {
    if [[ $# -lt 2 || $# -gt 3 || ( $# -eq 3 && $3 != mkfs && $3 != fsck ) ]]; then
        _chain_say "usage: chain_up <nbd-uri> <mountpoint> [mkfs|fsck]"
        return 2
    fi
    local uri=$1 mnt=$2 prepare=${3:-}
    if [[ -n $CHAIN_FUSE_DIR || -n $CHAIN_LOOP || -n $CHAIN_MOUNT ]]; then
        _chain_say "a chain is already up in this shell (run chain_down first)"
        return 1
    fi
    local tool
    for tool in nbdfuse losetup fusermount3 mount umount mkfs.ext4 e2fsck; do
        command -v "$tool" >/dev/null || { _chain_say "missing tool $tool"; return 1; }
    done
    mkdir -p "$mnt" || return 1

    CHAIN_FUSE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nbd-chain.XXXXXX") || return 1
    mkdir "$CHAIN_FUSE_DIR/mnt" || { chain_down; return 1; }
    local pidfile=$CHAIN_FUSE_DIR/nbdfuse.pid
    nbdfuse -P "$pidfile" "$CHAIN_FUSE_DIR/mnt/disk" "$uri" </dev/null >>"$CHAIN_LOG" 2>&1 &
    CHAIN_FUSE_PID=$!
    # Ready when the pid file exists (written once it serves) and the file is visible; gone if nbdfuse exited.
    local waited=0
    until [[ -s $pidfile && -f $CHAIN_FUSE_DIR/mnt/disk ]]; do
        if ! kill -0 "$CHAIN_FUSE_PID" 2>/dev/null; then
            _chain_say "nbdfuse exited before serving $uri"
            chain_down
            return 1
        fi
        if ((waited >= CHAIN_READY_TIMEOUT * 10)); then
            _chain_say "nbdfuse did not serve $uri within ${CHAIN_READY_TIMEOUT}s"
            chain_down
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done

    CHAIN_LOOP=$(losetup --direct-io=on --sector-size 4096 --find --show "$CHAIN_FUSE_DIR/mnt/disk") || {
        CHAIN_LOOP=""
        _chain_say "losetup failed on $CHAIN_FUSE_DIR/mnt/disk"
        chain_down
        return 1
    }
    if [[ $prepare == mkfs ]]; then
        mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$CHAIN_LOOP" >>"$CHAIN_LOG" 2>&1 || {
            _chain_say "mkfs.ext4 failed on $CHAIN_LOOP"
            chain_down
            return 1
        }
    elif [[ $prepare == fsck ]]; then
        CHAIN_FSCK_STATUS=0
        e2fsck -fp "$CHAIN_LOOP" >>"$CHAIN_LOG" 2>&1 || CHAIN_FSCK_STATUS=$?
        if ((CHAIN_FSCK_STATUS > 1)); then
            _chain_say "e2fsck -fp $CHAIN_LOOP exited with $CHAIN_FSCK_STATUS (see $CHAIN_LOG)"
            chain_down
            return 1
        fi
    fi
    mount -t ext4 "$CHAIN_LOOP" "$mnt" || {
        _chain_say "mount of $CHAIN_LOOP on $mnt failed"
        chain_down
        return 1
    }
    CHAIN_MOUNT=$mnt
    _chain_say "$uri -> nbdfuse (pid $CHAIN_FUSE_PID) -> $CHAIN_LOOP -> $mnt"
}

chain_device() { echo "$CHAIN_LOOP"; }

# Unmounts only: leaves the loop device attached (e2fsck runs on it after this).
chain_umount() {
    if [[ -n $CHAIN_MOUNT ]]; then
        if _chain_mounted "$CHAIN_MOUNT"; then
            umount "$CHAIN_MOUNT" 2>/dev/null || umount -l "$CHAIN_MOUNT" || return 1
        fi
        CHAIN_MOUNT=""
    fi
}

chain_down() {
    local rc=0
    chain_umount || { _chain_say "umount failed"; rc=1; }
    if [[ -n $CHAIN_LOOP ]]; then
        if losetup "$CHAIN_LOOP" >/dev/null 2>&1; then
            losetup -d "$CHAIN_LOOP" 2>/dev/null || { _chain_say "losetup -d $CHAIN_LOOP failed"; rc=1; }
        fi
        CHAIN_LOOP=""
    fi
    if [[ -n $CHAIN_FUSE_DIR ]]; then
        if _chain_mounted "$CHAIN_FUSE_DIR/mnt"; then
            fusermount3 -u "$CHAIN_FUSE_DIR/mnt" 2>/dev/null || fusermount3 -u -z "$CHAIN_FUSE_DIR/mnt" 2>/dev/null || true
        fi
    fi
    if [[ -n $CHAIN_FUSE_PID ]]; then
        # Unmounting ends nbdfuse; one that is stuck (its server gone) is killed after 10 s.
        local waited=0
        while kill -0 "$CHAIN_FUSE_PID" 2>/dev/null && ((waited < 100)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$CHAIN_FUSE_PID" 2>/dev/null; then
            kill -KILL "$CHAIN_FUSE_PID" 2>/dev/null || true
        fi
        wait "$CHAIN_FUSE_PID" 2>/dev/null || true
        CHAIN_FUSE_PID=""
    fi
    if [[ -n $CHAIN_FUSE_DIR ]]; then
        if _chain_mounted "$CHAIN_FUSE_DIR/mnt"; then
            fusermount3 -u -z "$CHAIN_FUSE_DIR/mnt" 2>/dev/null || umount -l "$CHAIN_FUSE_DIR/mnt" 2>/dev/null || true
        fi
        rm -f "$CHAIN_FUSE_DIR/nbdfuse.pid"
        rmdir "$CHAIN_FUSE_DIR/mnt" "$CHAIN_FUSE_DIR" 2>/dev/null || { _chain_say "left $CHAIN_FUSE_DIR behind"; rc=1; }
        CHAIN_FUSE_DIR=""
    fi
    return $rc
}
