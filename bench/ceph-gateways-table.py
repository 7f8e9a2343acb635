#!/usr/bin/env python3
"""Turns bench/ceph-gateways.sh's rounds.tsv into a Markdown table: per contender the median and min-max over
rounds of the throughput, its ratio to rados bench (same operation, same round), the latency, the load average and
the CPU (cores) of the client, the gateways, the Ceph daemons and the rest of the machine, and the gateways' and
the Ceph daemons' CPU per operation (µs: where each operation's cost lands)."""
import csv
import statistics
import sys
from collections import defaultdict

rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["round"] != "profile"]
by = defaultdict(list)
for row in rows:
    by[row["contender"]].append(row)
raw = {(row["round"], row["contender"].split("-")[1]): float(row["ops"]) for row in rows if row["contender"].startswith("rados-")}


def spread(values, fmt):
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def num(v):
    return f"{v:,.0f}"


def two(v):
    return f"{v:.2f}"


print("| contender | ops/s median (min–max) | × rados, same round | p50 ms (rados: mean) | p99 ms (rados: max) | load avg | client cores "
      "| gateway cores | ceph cores | other cores | gateway µs/op | ceph µs/op |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for op in ("write", "read"):
    for contender in ("rados-" + op, "rbd-" + op, "rbd8240-" + op, "gw1-" + op, "gw2-" + op, "gw3-" + op):
        rs = by.get(contender)
        if not rs:
            continue
        ops = [float(r["ops"]) for r in rs]
        ratios = [float(r["ops"]) / raw[(r["round"], op)] for r in rs if raw.get((r["round"], op))]
        col = lambda k: [float(r[k]) for r in rs]
        errors = sum(int(r["errors"]) for r in rs)
        # rbd bench reports no latency
        latency = lambda k: two(statistics.median(col(k))) if not contender.startswith("rbd") else "–"
        per_op = lambda k: statistics.median(float(r[k]) * 1e6 / float(r["ops"]) for r in rs if float(r["ops"]) > 0)
        print(f"| {contender}{f' ({errors} errors)' if errors else ''} | {spread(ops, num)} | "
              f"{spread(ratios, two) if not contender.startswith('rados-') else '1'} | {latency('p50_ms')} | "
              f"{latency('p99_ms')} | {spread(col('load1'), two)} | {two(statistics.median(col('client_cores')))} | "
              f"{two(statistics.median(col('gateway_cores')))} | {two(statistics.median(col('ceph_cores')))} | "
              f"{two(statistics.median(col('other_cores')))} | {per_op('gateway_cores'):.0f} | {per_op('ceph_cores'):.0f} |")
