#!/usr/bin/env bash
# PostgreSQL 15 on a Strongroom volume, end to end, as root:
#   1. a local-vault process (the customer's vault) and the gateway jar using it; a volume under a customer key,
#      exported over NBD; nbdfuse -> loop -> ext4 -> initdb -> PostgreSQL -> pgbench -i, then a timed pgbench;
#   2. SIGKILL of the gateway in the middle of a pgbench run, gateway restarted (same data dir, same NBD port), the
#      chain rebuilt (nbdfuse does not survive its server), e2fsck, PostgreSQL crash recovery, pg_amcheck
#      --heapallindexed clean, every transaction pgbench reported committed present in pgbench_history;
#   3. the customer key disabled in the vault: PostgreSQL keeps committing during the grace period, its I/O fails
#      once the volume is INACCESSIBLE; key re-enabled and revalidated, PostgreSQL restarted (crash recovery),
#      pg_amcheck clean, no committed row missing;
#   4. a snapshot taken online under pgbench load, a clone of it under a NEW customer key, PostgreSQL started on the
#      clone's own NBD export (crash recovery from the crash-consistent image), every row committed before the
#      snapshot there and none marked after it, pg_amcheck clean, and pg_checksums --check clean once it is stopped
#      (the cluster has data checksums).
# Prints "SUMMARY ..." lines and "SUMMARY result: PASS" last; exits non-zero on the first failed check. Every
# mount, loop device, nbdfuse, PostgreSQL, gateway and vault process it started is gone when it exits, on failure,
# SIGINT and SIGTERM too.
#
# Usage: pg-on-strongroom.sh [--gateway-jar JAR] [--vault-jar JAR] [--logs DIR] [--grace SECONDS]
#                            [--bench-seconds N] [--scale N] [--keep]
#   --logs           where logs go (default: a new /tmp/pg-on-strongroom-logs.XXXXXX); printed first
#   --grace          the gateway's key-access grace period (default 20)
#   --bench-seconds  length of the timed pgbench (default 30)
#   --scale          pgbench scale (default 10, about 160 MB)
#   --keep           keep the run directory (gateway and vault data, the mount point) after the end
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
GATEWAY_JAR=$repo/gateway/server/target/strongroom-gateway.jar
VAULT_JAR=$repo/local-vault/target/strongroom-local-vault.jar
LOGS=""
GRACE=20
BENCH_SECONDS=30
SCALE=10
KEEP=0
CLIENTS=4
while (($#)); do
    case $1 in
        --gateway-jar) GATEWAY_JAR=$2; shift 2 ;;
        --vault-jar) VAULT_JAR=$2; shift 2 ;;
        --logs) LOGS=$2; shift 2 ;;
        --grace) GRACE=$2; shift 2 ;;
        --bench-seconds) BENCH_SECONDS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) echo "unknown argument: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
    esac
done

PGBIN=/usr/lib/postgresql/15/bin
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

exec 3>&1 4>&2 # the script's own output, for the clean-up (a trap can run while a command's output is redirected)
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Runs "$@" until it succeeds; fails the run after $1 seconds (a hang bound, not a performance check).
wait_for() {
    local limit=$1 what=$2 start=$SECONDS
    shift 2
    until "$@"; do
        ((SECONDS - start < limit)) || die "no $what after ${limit}s"
        sleep 0.2
    done
}

[[ $(id -u) -eq 0 ]] || die "must run as root (loop devices, mounts, runuser)"
missing=()
for tool in nbdfuse fusermount3 losetup mkfs.ext4 e2fsck curl runuser pgrep awk "$JAVA"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
for tool in initdb pg_ctl psql pgbench pg_amcheck pg_checksums; do
    [[ -x $PGBIN/$tool ]] || missing+=("$PGBIN/$tool")
done
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (apt: libnbd-bin fuse3 util-linux e2fsprogs curl procps postgresql-15)"
[[ -f $GATEWAY_JAR ]] || die "no gateway jar at $GATEWAY_JAR (mvn -B install -DskipTests)"
[[ -f $VAULT_JAR ]] || die "no local-vault jar at $VAULT_JAR (mvn -B install -DskipTests)"
id postgres >/dev/null 2>&1 || die "no user postgres (installed with postgresql-15)"

if [[ -z $LOGS ]]; then
    LOGS=$(mktemp -d /tmp/pg-on-strongroom-logs.XXXXXX)
fi
mkdir -p "$LOGS"
LOGS=$(cd "$LOGS" && pwd)
chmod 755 "$LOGS"
log "logs in $LOGS"
RUN=$(mktemp -d /tmp/pg-on-strongroom.XXXXXX)
chmod 755 "$RUN" # PostgreSQL (user postgres) reaches its data directory and socket through it
MNT=$RUN/mnt
PGDATA=$MNT/pgdata
SOCK=$RUN/socket
PGPORT=5432 # names the Unix socket only: PostgreSQL listens on no TCP address
PGLOG=$LOGS/postgres.log
VOLUME=pg

VAULT_PID=""
GATEWAY_PID=""
PG_PID=""
BENCH_PID=""
CHILD_PID=""
# Runs a long command in the background and waits for it: bash defers a trap until a foreground command ends, but
# interrupts wait, so SIGTERM cleans up at once.
run() {
    "$@" &
    CHILD_PID=$!
    local status=0
    wait "$CHILD_PID" || status=$?
    CHILD_PID=""
    return "$status"
}
source "$here/nbd-chain.sh"
CHAIN_LOG=$LOGS/chain.log

# SIGKILL to a process and all its descendants (a backgrounded function runs runuser, which runs pgbench).
kill_tree() {
    local child
    for child in $(pgrep -P "$1"); do
        kill_tree "$child"
    done
    kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    exec 1>&3 2>&4
    local pid
    for pid in $CHILD_PID $BENCH_PID; do
        kill_tree "$pid"
        wait "$pid" 2>/dev/null
    done
    [[ -z $PG_PID ]] || pg_stop_immediate
    local chain_ok=1
    chain_down || { rc=1; chain_ok=0; }
    if [[ -n $GATEWAY_PID ]]; then
        kill -KILL "$GATEWAY_PID" 2>/dev/null
        wait "$GATEWAY_PID" 2>/dev/null
    fi
    if [[ -n $VAULT_PID ]]; then
        kill -TERM "$VAULT_PID" 2>/dev/null
        wait "$VAULT_PID" 2>/dev/null
    fi
    if ((KEEP || !chain_ok)); then
        log "kept $RUN"
    else
        rm -rf "$RUN"
    fi
    ((rc == 0)) || log "exit $rc; logs in $LOGS"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

port_free() { ! (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 30000))
        if port_free "$p"; then
            echo "$p"
            return
        fi
    done
    die "no free TCP port found"
}
token() { head -c 32 /dev/urandom | base64 | tr -d '/+=\n'; }

# ---- the customer's vault: local-vault as its own process, with an identity for the gateway and one for ops
VAULT_DATA=$RUN/vault
mkdir -p "$VAULT_DATA"
GATEWAY_VAULT_TOKEN=$(token)
OPS_VAULT_TOKEN=$(token)
(umask 077 && cat >"$RUN/vault.json" <<EOF
{"dataDir": "$VAULT_DATA", "host": "127.0.0.1", "port": 0,
 "identities": {
   "$GATEWAY_VAULT_TOKEN": {"name": "gateway", "keyPermissions": ["get", "list", "wrapKey", "unwrapKey"]},
   "$OPS_VAULT_TOKEN": {"name": "ops", "keyPermissions": ["all"]}}}
EOF
)
log "starting local-vault"
"$JAVA" -jar "$VAULT_JAR" --config "$RUN/vault.json" </dev/null >"$LOGS/vault.out" 2>"$LOGS/vault.err" &
VAULT_PID=$!
vault_up() {
    kill -0 "$VAULT_PID" 2>/dev/null || die "local-vault exited: $(tail -5 "$LOGS/vault.err")"
    grep -q "local-vault listening on" "$LOGS/vault.out"
}
wait_for 120 "local-vault start-up line" vault_up
VAULT_URL=$(sed -n 's/^local-vault listening on \(https:[^ ]*\) .*/\1/p' "$LOGS/vault.out")
VAULT_CERT=$VAULT_DATA/server-cert.pem
# Tokens go to curl in header files, not on its command line (which every local user can read).
(umask 077 && echo "Authorization: Bearer $OPS_VAULT_TOKEN" >"$RUN/vault-auth.header")
vault() { # <method> <path> [json]
    curl -sS --fail-with-body --cacert "$VAULT_CERT" -X "$1" -H @"$RUN/vault-auth.header" \
        -H 'Content-Type: application/json' ${3:+-H 'Content-Type: application/json' -d "$3"} "$VAULT_URL$2?api-version=7.4"
}
vault POST /keys/service-key/create '{"kty":"RSA","key_size":2048}' >/dev/null
vault POST /keys/pg-kek/create '{"kty":"RSA","key_size":2048}' >/dev/null
KEK=$VAULT_URL/keys/pg-kek
log "vault $VAULT_URL: service-key and customer key pg-kek created"

# ---- the gateway: the real jar, its own data directory, a short grace period, probes every second
NBD_PORT=$(free_port)
GATEWAY_STARTS=0
gateway_start() {
    GATEWAY_STARTS=$((GATEWAY_STARTS + 1))
    local out=$LOGS/gateway-$GATEWAY_STARTS.out err=$LOGS/gateway-$GATEWAY_STARTS.err
    STRONGROOM_IDENTITIES="{\"pg\":{\"type\":\"static\",\"token\":\"$GATEWAY_VAULT_TOKEN\"}}" \
        "$JAVA" -jar "$GATEWAY_JAR" --data-dir "$RUN/gateway" --port 0 --nbd-port "$NBD_PORT" \
        --vault-url "$VAULT_URL" --vault-trust-pem "$VAULT_CERT" --vault-identity pg \
        --service-kek "$VAULT_URL/keys/service-key" --key-grace-period "${GRACE}s" --key-probe-interval 1s \
        </dev/null >"$out" 2>"$err" &
    GATEWAY_PID=$!
    gateway_up() {
        kill -0 "$GATEWAY_PID" 2>/dev/null || die "gateway exited: $(tail -20 "$err")"
        grep -q "listening on http" "$out"
    }
    wait_for 180 "gateway start-up line" gateway_up
    HTTP=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$out" | head -1)
    (umask 077 && grep -A1 '"admin"' "$RUN/gateway/credentials.json" \
        | sed -n 's/.*"token" : "\(.*\)".*/Authorization: Bearer \1/p' >"$RUN/gateway-auth.header")
    wait_for 60 "NBD listener on port $NBD_PORT" eval '! port_free "$NBD_PORT"'
}
api() { # <method> <path> [json]
    curl -sS -X "$1" -H @"$RUN/gateway-auth.header" ${3:+-H "Content-Type: application/json" -d "$3"} "$HTTP$2"
}
# The value of one sample in GET /metrics, e.g. strongroom_nbd_request_duration_seconds_count{command="flush",result="ok"}.
metric() { api GET /metrics | awk -v s="$1" 'index($0, s " ") == 1 { v = $2 } END { printf "%d\n", v + 0 }'; }
nbd_count() { metric "strongroom_nbd_request_duration_seconds_count{command=\"$1\",result=\"$2\"}"; }
key_state() { api GET "/v1/volumes/$VOLUME" | sed -n 's/.*"keyState" *: *"\([A-Z_]*\)".*/\1/p'; }

t=$(now)
gateway_start
log "gateway $HTTP (pid $GATEWAY_PID), NBD port $NBD_PORT, up in $(since "$t") s"
created=$(api POST /v1/volumes "{\"name\":\"$VOLUME\",\"sizeBytes\":$((4 << 30)),\"kek\":\"$KEK\",\"identity\":\"pg\"}")
[[ $created == *"\"name\" : \"$VOLUME\""* || $created == *"\"name\":\"$VOLUME\""* ]] || die "volume not created: $created"
URI=nbd://127.0.0.1:$NBD_PORT/$VOLUME
log "volume $VOLUME (4 GiB) under $KEK, exported as $URI"

# ---- PostgreSQL
as_pg() { runuser -u postgres -- "$@"; }
sql() { as_pg "$PGBIN/psql" -h "$SOCK" -p "$PGPORT" -d postgres -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"; }
history_rows() { sql "select count(*) from pgbench_history"; }
# restart_after_crash=off: a PANIC (an I/O error on WAL) ends the server instead of looping through crash recovery
# on a dead disk. (Settings on the command line: a line appended to postgresql.conf and not fsynced can come back as
# zeros after the crash, as ext4 promises nothing for unsynced data.)
pg_start() {
    run as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 600 \
        -o "-p $PGPORT -k $SOCK -c listen_addresses='' -c restart_after_crash=off" start \
        >>"$LOGS/pg_ctl.log" 2>&1 || die "PostgreSQL did not start (see $PGLOG)"
    PG_PID=$(head -1 "$PGDATA/postmaster.pid")
}
# Immediate stop (SIGQUIT to the postmaster: no checkpoint, crash recovery at the next start); SIGKILL to what is
# left after 30 s. Works when the data directory has become unreadable, so it does not go through pg_ctl.
pg_stop_immediate() {
    [[ -n $PG_PID ]] || return 0
    local children
    children=$(pgrep -P "$PG_PID" || true)
    kill -QUIT "$PG_PID" 2>/dev/null || true
    local start=$SECONDS
    while kill -0 "$PG_PID" 2>/dev/null && ((SECONDS - start < 30)); do sleep 0.2; done
    kill -KILL "$PG_PID" $children 2>/dev/null || true
    for pid in $PG_PID $children; do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    done
    PG_PID=""
}
pg_log_lines() { wc -l <"$PGLOG"; }
# The first PANIC PostgreSQL logged after line $1 of its log (without the prefix), or nothing.
pg_panic_since() { awk -v from="$1" 'NR > from && sub(/.*PANIC: */, "") { print; exit }' "$PGLOG"; }
pg_alive() { [[ -n $PG_PID ]] && kill -0 "$PG_PID" 2>/dev/null; }
pgbench_value() { # <file> <regex with one group>
    sed -n "s/$2/\1/p" "$1" | head -1
}
amcheck() { # <label>
    run as_pg "$PGBIN/pg_amcheck" -h "$SOCK" -p "$PGPORT" --install-missing --heapallindexed -d postgres \
        >"$LOGS/amcheck-$1.out" 2>&1 || die "pg_amcheck --heapallindexed found problems ($1): $(head -20 "$LOGS/amcheck-$1.out")"
}
# Rebuilds the chain after a crash: e2fsck (journal replay, full check), mount, start PostgreSQL (crash recovery).
recover() { # <label>
    local t0 from
    from=$(wc -l <"$PGLOG")
    t0=$(now)
    chain_up "$URI" "$MNT" fsck || die "chain not rebuilt ($1)"
    FSCK_SECONDS=$(since "$t0")
    t0=$(now)
    pg_start
    RECOVERY_SECONDS=$(since "$t0")
    awk -v from="$from" 'NR > from && /database system was not properly shut down; automatic recovery in progress/ {
        found = 1 } END { exit !found }' "$PGLOG" || die "PostgreSQL did not run crash recovery ($1, see $PGLOG)"
}

t=$(now)
chain_up "$URI" "$MNT" mkfs || die "chain_up failed"
log "nbdfuse -> loop -> ext4 on $MNT in $(since "$t") s"
mkdir -p "$PGDATA" "$SOCK"
chown postgres:postgres "$PGDATA" "$SOCK"
chmod 700 "$PGDATA"
touch "$PGLOG"
chown postgres:postgres "$PGLOG"
run as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --data-checksums --no-instructions \
    >"$LOGS/initdb.log" 2>&1 || die "initdb failed"
pg_start
log "PostgreSQL $(sql 'show server_version') up on the volume (fsync $(sql 'show fsync'))"

t=$(now)
run as_pg "$PGBIN/pgbench" -h "$SOCK" -p "$PGPORT" -i -s "$SCALE" -q postgres >"$LOGS/pgbench-init.log" 2>&1 \
    || die "pgbench -i failed"
INIT_SECONDS=$(since "$t")
log "pgbench -i -s $SCALE in $INIT_SECONDS s"

FLUSHES0=$(nbd_count flush ok)
run as_pg "$PGBIN/pgbench" -h "$SOCK" -p "$PGPORT" -c "$CLIENTS" -j 2 -T "$BENCH_SECONDS" -n postgres \
    >"$LOGS/pgbench-timed.log" 2>&1 || die "timed pgbench failed (see $LOGS/pgbench-timed.log)"
FLUSHES=$(($(nbd_count flush ok) - FLUSHES0))
((FLUSHES > 0)) || die "PostgreSQL's fdatasync never reached the gateway as an NBD flush"
TPS=$(pgbench_value "$LOGS/pgbench-timed.log" '^tps = \([0-9.]*\) .*')
TIMED_TX=$(pgbench_value "$LOGS/pgbench-timed.log" '^number of transactions actually processed: \([0-9]*\).*')
echo "SUMMARY baseline: pgbench -c $CLIENTS -T $BENCH_SECONDS scale $SCALE: tps $TPS, $TIMED_TX transactions, $FLUSHES NBD flushes; init $INIT_SECONDS s"

# ---- 2. SIGKILL of the gateway in the middle of pgbench
H0=$(history_rows)
log_mark=$(pg_log_lines)
as_pg "$PGBIN/pgbench" -h "$SOCK" -p "$PGPORT" -c "$CLIENTS" -j 2 -T 120 -n postgres \
    >"$LOGS/pgbench-crash.log" 2>&1 &
BENCH_PID=$!
progressed() { (($(history_rows) >= H0 + 500)); }
wait_for 120 "pgbench progress before the kill" progressed
kill -KILL "$GATEWAY_PID"
wait "$GATEWAY_PID" 2>/dev/null || true
GATEWAY_PID=""
t_kill=$(now)
log "gateway SIGKILLed during pgbench"
bench_status=0
wait "$BENCH_PID" || bench_status=$?
BENCH_PID=""
CRASH_TX=$(pgbench_value "$LOGS/pgbench-crash.log" '^number of transactions actually processed: \([0-9]*\).*')
[[ -n $CRASH_TX ]] || die "pgbench reported no processed count (exit $bench_status, see $LOGS/pgbench-crash.log)"
log "pgbench ended (exit $bench_status) $(since "$t_kill") s after the kill: $CRASH_TX transactions committed"
CRASH_PANIC=$(pg_panic_since "$log_mark")
log "PostgreSQL: ${CRASH_PANIC:-no PANIC logged}"
pg_alive && log "PostgreSQL still running: stopping it (immediate)"
pg_stop_immediate
chain_down || die "chain_down after the crash"
t=$(now)
gateway_start
GATEWAY_RESTART=$(since "$t")
log "gateway restarted in $GATEWAY_RESTART s over the same data directory, NBD port $NBD_PORT"
recover crash
CRASH_FSCK=$CHAIN_FSCK_STATUS
log "chain rebuilt (e2fsck -fp exit $CRASH_FSCK) in $FSCK_SECONDS s; PostgreSQL crash recovery in $RECOVERY_SECONDS s"
amcheck crash
H1=$(history_rows)
ADDED=$((H1 - H0))
((ADDED >= CRASH_TX)) || die "committed transactions lost: pgbench committed $CRASH_TX, pgbench_history gained $ADDED"
((ADDED <= CRASH_TX + CLIENTS)) || die "pgbench_history gained $ADDED rows for $CRASH_TX transactions (+$CLIENTS in flight)"
echo "SUMMARY crash: pgbench committed $CRASH_TX, history rows $ADDED (at most $CLIENTS in flight); PostgreSQL: ${CRASH_PANIC:-no PANIC}; gateway restart $GATEWAY_RESTART s, e2fsck+mount $FSCK_SECONDS s (e2fsck exit $CRASH_FSCK), crash recovery $RECOVERY_SECONDS s; pg_amcheck clean"

# ---- 3. key loss: the customer key disabled in the vault
sql "create table grace_marks (i int primary key, at timestamptz not null)"
H2=$(history_rows)
log_mark=$(pg_log_lines)
as_pg "$PGBIN/pgbench" -h "$SOCK" -p "$PGPORT" -c 2 -j 1 -T $((GRACE + 300)) -n postgres \
    >"$LOGS/pgbench-keyloss.log" 2>&1 &
BENCH_PID=$!
vault PATCH /keys/pg-kek '{"attributes":{"enabled":false}}' >/dev/null
t_disable=$(now)
log "customer key disabled in the vault"
is_state() { [[ $(key_state) == "$1" ]]; }
wait_for "$GRACE" "DEGRADED key state" is_state DEGRADED
DEGRADED_AFTER=$(since "$t_disable")
GRACE_OK=0
flushes0=$(nbd_count flush ok)
for i in 1 2 3 4 5; do
    sql "insert into grace_marks values ($i, now())" && GRACE_OK=$((GRACE_OK + 1))
done
state=$(key_state)
[[ $state == DEGRADED ]] || die "the grace period ended before the checks ran (state $state): raise --grace"
((GRACE_OK == 5)) || die "PostgreSQL failed during the grace period: $GRACE_OK of 5 commits"
GRACE_FLUSHES=$(($(nbd_count flush ok) - flushes0))
((GRACE_FLUSHES > 0)) || die "no NBD flush reached the gateway during the grace period"
log "DEGRADED after $DEGRADED_AFTER s; 5 of 5 commits during the grace period ($GRACE_FLUSHES NBD flushes)"
wait_for $((GRACE + 120)) "INACCESSIBLE key state" is_state INACCESSIBLE
INACCESSIBLE_AFTER=$(since "$t_disable")
log "INACCESSIBLE after $INACCESSIBLE_AFTER s (grace period $GRACE s)"
if sql "insert into grace_marks values (100, now())" >>"$LOGS/psql-after-grace.log" 2>&1; then
    die "PostgreSQL committed a transaction after the volume became INACCESSIBLE"
fi
bench_status=0
wait "$BENCH_PID" || bench_status=$?
BENCH_PID=""
KEYLOSS_TX=$(pgbench_value "$LOGS/pgbench-keyloss.log" '^number of transactions actually processed: \([0-9]*\).*')
[[ -n $KEYLOSS_TX ]] || die "pgbench reported no processed count (exit $bench_status, see $LOGS/pgbench-keyloss.log)"
((bench_status != 0)) || die "pgbench ran to its end although the volume became INACCESSIBLE"
EIO=$(($(nbd_count write EIO) + $(nbd_count flush EIO) + $(nbd_count read EIO)))
((EIO > 0)) || die "the gateway answered no NBD request with EIO while the volume was INACCESSIBLE"
PANIC=$(pg_panic_since "$log_mark")
[[ $PANIC == *"Input/output error"* ]] || die "PostgreSQL logged no I/O error PANIC after the volume became INACCESSIBLE (see $PGLOG)"
log "commit refused, pgbench failed (exit $bench_status, $KEYLOSS_TX committed); $EIO NBD requests answered EIO; PostgreSQL: $PANIC"
kill -0 "$CHAIN_FUSE_PID" 2>/dev/null && FUSE_STATE="nbdfuse still connected" || FUSE_STATE="nbdfuse gone"
log "$FUSE_STATE; PostgreSQL stopped (immediate) and the chain rebuilt: ext4 saw the I/O errors"
pg_stop_immediate
chain_down || die "chain_down after the key loss"
vault PATCH /keys/pg-kek '{"attributes":{"enabled":true}}' >/dev/null
t=$(now)
revalidated=$(api POST "/v1/volumes/$VOLUME/revalidate")
[[ $revalidated == *AVAILABLE* ]] || die "revalidation did not bring the key back: $revalidated"
REVALIDATE_SECONDS=$(since "$t")
recover keyloss
KEYLOSS_FSCK=$CHAIN_FSCK_STATUS
amcheck keyloss
MARKS=$(sql "select count(*) from grace_marks where i <= 5")
((MARKS == 5)) || die "commits made during the grace period lost: $MARKS of 5 present"
H3=$(history_rows)
ADDED2=$((H3 - H2))
((ADDED2 >= KEYLOSS_TX)) || die "committed transactions lost: pgbench committed $KEYLOSS_TX, pgbench_history gained $ADDED2"
((ADDED2 <= KEYLOSS_TX + 2)) || die "pgbench_history gained $ADDED2 rows for $KEYLOSS_TX transactions (+2 in flight)"
echo "SUMMARY keyloss: DEGRADED after $DEGRADED_AFTER s, 5/5 commits during the grace period ($GRACE_FLUSHES NBD flushes), INACCESSIBLE after $INACCESSIBLE_AFTER s (grace $GRACE s), PostgreSQL I/O failed: yes (NBD EIO answers $EIO; $PANIC)"
echo "SUMMARY keyloss recovery: revalidate $REVALIDATE_SECONDS s, e2fsck+mount $FSCK_SECONDS s (e2fsck exit $KEYLOSS_FSCK), crash recovery $RECOVERY_SECONDS s; pgbench committed $KEYLOSS_TX, history rows $ADDED2, grace commits 5/5 present; pg_amcheck clean"

# ---- 4. an online snapshot under load, a clone under a new key, PostgreSQL on the clone
vault POST /keys/clone-kek/create '{"kty":"RSA","key_size":2048}' >/dev/null
sql "create table clone_marks (i int primary key)"
as_pg "$PGBIN/pgbench" -h "$SOCK" -p "$PGPORT" -c 2 -j 1 -T 600 -n postgres >"$LOGS/pgbench-snapshot.log" 2>&1 &
BENCH_PID=$!
H4=$(history_rows)
wait_for 120 "pgbench progress before the snapshot" eval '(($(history_rows) >= H4 + 200))'
sql "insert into clone_marks select generate_series(1, 100)"
BEFORE=$(history_rows) # committed before the snapshot is asked for: all of it must be in the clone
snapshot=$(api POST "/v1/volumes/$VOLUME/snapshots" '{"name":"online"}')
[[ $snapshot == *'"online"'* ]] || die "snapshot not taken: $snapshot"
AFTER=$(history_rows) # committed by the time the snapshot is acknowledged: the clone holds at most this
sql "insert into clone_marks values (101)" # after the snapshot: must not be in the clone
log "snapshot online taken under pgbench load (history rows $BEFORE before, $AFTER after)"
BLOCKS0=$(metric strongroom_clone_blocks_total)
t=$(now)
cloned=$(api POST "/v1/volumes/$VOLUME/snapshots/online/clone" \
    "{\"name\":\"pgclone\",\"kek\":\"$VAULT_URL/keys/clone-kek\",\"identity\":\"pg\"}")
[[ $cloned == *CLONING* ]] || die "clone not started: $cloned"
clone_done() {
    local v
    v=$(api GET /v1/volumes/pgclone)
    [[ $v == *'"state" : "DONE"'* || $v == *'"state":"DONE"'* ]] && return 0
    [[ $v == *CLONING* ]] || die "the clone is gone: $v (see the gateway log)"
    return 1
}
wait_for 600 "clone DONE" clone_done
CLONE_SECONDS=$(since "$t")
CLONE_BLOCKS=$(($(metric strongroom_clone_blocks_total) - BLOCKS0))
CLONE_RATE=$(awk -v b="$CLONE_BLOCKS" -v s="$CLONE_SECONDS" 'BEGIN { printf "%d", b / (s > 0 ? s : 1) }')
[[ $(api GET /v1/volumes/pgclone) == *"$VAULT_URL/keys/clone-kek/"* ]] || die "the clone is not under clone-kek"
log "clone pgclone under clone-kek: $CLONE_BLOCKS blocks re-sealed in $CLONE_SECONDS s ($CLONE_RATE blocks/s)"
kill_tree "$BENCH_PID"
wait "$BENCH_PID" 2>/dev/null || true
BENCH_PID=""
pg_stop_immediate
chain_down || die "chain_down before the clone"
URI=nbd://127.0.0.1:$NBD_PORT/pgclone
recover clone
CLONE_FSCK=$CHAIN_FSCK_STATUS
amcheck clone
MARKS=$(sql "select count(*) from clone_marks")
((MARKS == 100)) || die "the clone has $MARKS of the 100 marks committed before the snapshot (and none after)"
H5=$(history_rows)
((H5 >= BEFORE && H5 <= AFTER)) || die "the clone has $H5 history rows, outside [$BEFORE, $AFTER]"
run as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 600 stop >>"$LOGS/pg_ctl.log" 2>&1 || die "PostgreSQL on the clone did not stop"
PG_PID=""
run as_pg "$PGBIN/pg_checksums" --check -D "$PGDATA" >"$LOGS/pg_checksums-clone.out" 2>&1 \
    || die "pg_checksums --check failed on the clone: $(tail -5 "$LOGS/pg_checksums-clone.out")"
echo "SUMMARY clone: $CLONE_BLOCKS blocks re-sealed under a new key in $CLONE_SECONDS s ($CLONE_RATE blocks/s); history rows $H5 in [$BEFORE, $AFTER], marks 100/100; e2fsck exit $CLONE_FSCK, crash recovery $RECOVERY_SECONDS s; pg_amcheck clean; pg_checksums clean"
echo "SUMMARY result: PASS"
