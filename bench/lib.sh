# Helpers shared by the benchmark scripts (bench/run.sh, bench/ceph-gateways.sh); sourced, not run.

# stop_pid PID: SIGTERM, then SIGKILL if it is still there after 10 s
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ticks PID... -> user + system CPU ticks of the processes (all their threads, also those that ended; 0 for a process
# that has ended)
ticks() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0)))
  done
  echo "$total"
}

# busy_ticks -> CPU ticks all cores spent outside idle and iowait since boot (/proc/stat)
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# wait_line PID LOG SECOND: until strongroom-loadtest's progress line for that second of its window is in LOG
wait_line() {
  local pid=$1 file=$2 second=$3
  until grep -qsE "^\[ *$second""s\]" "$file"; do
    kill -0 "$pid" 2>/dev/null || { echo "load tool ended before second $second of its window: $file" >&2; return 1; }
    sleep 0.1
  done
}
