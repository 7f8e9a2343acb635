#!/usr/bin/env python3
"""The tables of bench/run.sh from its rounds (OUT/rounds.tsv): per JDK the contenders' medians, then each goal's
ratio with its spread across rounds and whether this run can judge it (trust rule: docs/PERFORMANCE.md, "## gateway").

Usage: bench/run-table.py ROUNDS_TSV   (CLIENT_LIMIT, default 0.90, and SPREAD_LIMIT, default 1.25, from the
environment)
"""
import csv
import os
import statistics
import sys

CLIENT_LIMIT = float(os.environ.get("CLIENT_LIMIT", "0.90"))
OTHER_LIMIT = float(os.environ.get("OTHER_LIMIT", "0.10"))
SPREAD_LIMIT = float(os.environ.get("SPREAD_LIMIT", "1.25"))
# a generator behind its schedule whose event loop waited this share of the window for its core was descheduled
DESCHEDULED = 0.01
RATE_HELD = 0.98  # an open-model round counts when it achieved this share of its target rate


def num(v):
    return None if v in ("", "null", "None") else float(v)


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for row in rows:
        for k in ("target_rate", "achieved_rate", "errors", "client_cpu", "other_cpu", "server_cpu_us_per_req", "p50_ms",
                  "p99_ms", "lag_p99_ms", "loop_wait_share", "jvm_other_ms", "steal_cpu"):
            row[k] = num(row.get(k, ""))
        row["round"] = int(row["round"])
        row["behind"] = row["behind"] == "true"
    return rows


def fmt(v, digits=2):
    return "–" if v is None else f"{v:.{digits}f}"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Figure:
    """One goal's figure: per-round values of two contenders, paired by round (run one after the other)."""

    def __init__(self, rows, phase, a, b, combine):
        self.a = {r["round"]: r for r in rows if r["phase"] == phase and r["contender"] == a}
        self.b = {r["round"]: r for r in rows if r["phase"] == phase and r["contender"] == b}
        self.per_round = [combine(self.a[n], self.b[n]) for n in sorted(self.a) if n in self.b]
        self.per_round = [v for v in self.per_round if v is not None]
        self.value = med(self.per_round)

    def rows(self):
        return list(self.a.values()) + list(self.b.values())

    def trust(self, spread_kind):
        """trusted, or why not: client-limited, machine busy, generator behind, rate not held, errors, noisy."""
        rows = self.rows()
        if not self.per_round:
            return "no data"
        # a side whose client used CLIENT_LIMIT of its core in most rounds was (nearly) limited by the client; a side
        # during most of whose rounds other processes used OTHER_LIMIT of a core shared the machine with them
        for key, limit, why in (("client_cpu", CLIENT_LIMIT, "client-limited"), ("other_cpu", OTHER_LIMIT, "machine busy")):
            for side in (self.a, self.b):
                over = [r for r in side.values() if r[key] is not None and r[key] >= limit]
                if 2 * len(over) > len(side):
                    return why
        behind = [r for r in rows if r["behind"]]
        if behind:
            waits = [r["loop_wait_share"] for r in behind if r["loop_wait_share"] is not None]
            return "generator descheduled" if waits and med(waits) >= DESCHEDULED else "generator behind"
        if any(r["target_rate"] and r["achieved_rate"] < RATE_HELD * r["target_rate"] for r in rows):
            return "rate not held"
        if any(r["errors"] for r in rows):
            return "errors"
        if spread_kind == "ratio":
            lo, hi = min(self.per_round), max(self.per_round)
            if lo <= 0 or hi / lo > SPREAD_LIMIT:
                return "noisy"
        return "trusted"


def verdict(value, trust, goal, op):
    if trust != "trusted" or value is None:
        return "not judged"
    return "met" if (value >= goal if op == ">=" else value <= goal) else "**missed**"


def ratio(key):
    def f(a, b):
        return a[key] / b[key] if a[key] and b[key] else None
    return f


def difference(key):
    def f(a, b):
        return a[key] - b[key] if a[key] is not None and b[key] is not None else None
    return f


def table(rows):
    out = []
    jdks = list(dict.fromkeys(r["jdk"] for r in rows))
    out.append("Per contender, median across rounds (min–max); client CPU = the load tool's share of its core over the "
               "window; other CPU = what the rest of the machine used meanwhile (in cores, steal included); steal = the cores' time the "
               "hypervisor gave to other guests; server CPU = µs of server CPU per request; "
               "loop wait = share of the window the load tool's event loop was ready to run but not running (another thread "
               "had its core); JVM other = CPU ms of the load tool's other threads (JIT, GC, sampler) in the window:")
    out.append("")
    out.append("| JDK | phase | contender | req/s | client CPU | other CPU | steal | server CPU µs/req | p99 ms | generator lag p99 ms | "
               "loop wait | JVM other ms | rounds behind |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for jdk in jdks:
        for phase in ("peak", "rate"):
            mine = [r for r in rows if r["jdk"] == jdk and r["phase"] == phase]
            for c in dict.fromkeys(r["contender"] for r in mine):
                rs = [r for r in mine if r["contender"] == c]

                def span(key, digits):
                    vs = [r[key] for r in rs if r[key] is not None]
                    if not vs:
                        return "–"
                    return f"{fmt(med(vs), digits)} ({fmt(min(vs), digits)}–{fmt(max(vs), digits)})"

                label = phase if phase == "peak" else f"{int(rs[0]['target_rate'])}/s"
                out.append(f"| {jdk} | {label} | {c} | {span('achieved_rate', 0)} | {span('client_cpu', 2)} | {span('other_cpu', 2)} | {span('steal_cpu', 2)} | "
                           f"{span('server_cpu_us_per_req', 1)} | {span('p99_ms', 3)} | {span('lag_p99_ms', 3)} | "
                           f"{span('loop_wait_share', 3)} | {span('jvm_other_ms', 0)} | {sum(r['behind'] for r in rs)}/{len(rs)} |")
    out.append("")
    out.append(f"Goals: the figure is the median of the per-round values (each round pairs the two contenders run "
               f"one after the other); trusted when neither side's client used ≥ {CLIENT_LIMIT:.0%} of its core in "
               f"most rounds nor other processes ≥ {OTHER_LIMIT} core, no generator fell behind (descheduled: its event loop waited ≥ {DESCHEDULED:.0%} of the window for its core), every fixed-rate round held its rate, no errors, and "
               f"(ratios) max/min of the per-round ratio ≤ {SPREAD_LIMIT}:")
    out.append("")
    out.append("| JDK | figure | median | min–max | trust | goal | verdict |")
    out.append("|---|---|---:|---|---|---|---|")
    for jdk in jdks:
        mine = [r for r in rows if r["jdk"] == jdk]
        gw_peak = med(r["achieved_rate"] for r in mine if r["phase"] == "peak" and r["contender"] == "gateway-get")
        rate = next((r["target_rate"] for r in mine if r["phase"] == "rate"), None)
        at = f"{rate / gw_peak:.0%} of the gateway's GET peak" if rate and gw_peak else f"{rate:.0f} req/s" if rate else "?"
        goals = [
            ("GET / nginx (peak)", Figure(mine, "peak", "gateway-get", "nginx-get", ratio("achieved_rate")),
             "ratio", 0.85, ">=", "≥ 0.85"),
            ("GET / baseline (peak)", Figure(mine, "peak", "gateway-get", "baseline-get", ratio("achieved_rate")),
             "ratio", None, None, "–"),
            ("PUT / GET (peak)", Figure(mine, "peak", "gateway-put", "gateway-get", ratio("achieved_rate")),
             "ratio", 0.80, ">=", "≥ 0.80"),
            ("server CPU per GET, gateway / nginx (fixed rate)",
             Figure(mine, "rate", "gateway-get", "nginx-get", ratio("server_cpu_us_per_req")),
             "ratio", 1.2, "<=", "≤ 1.2"),
            (f"gateway GET p99 ms at {at}", Figure(mine, "rate", "gateway-get", "gateway-get", lambda a, b: a["p99_ms"]),
             "value", 1.0, "<=", "≤ 1 ms"),
            ("gateway − baseline GET p99 ms, same rate",
             Figure(mine, "rate", "gateway-get", "baseline-get", difference("p99_ms")),
             "value", 0.5, "<=", "≤ 0.5 ms"),
        ]
        for name, fig, kind, goal, op, goal_text in goals:
            trust = fig.trust(kind)
            lo_hi = f"{fmt(min(fig.per_round))}–{fmt(max(fig.per_round))}" if fig.per_round else "–"
            judged = verdict(fig.value, trust, goal, op) if goal is not None else "–"
            digits = 3 if kind == "value" else 2
            out.append(f"| {jdk} | {name} | {fmt(fig.value, digits)} | {lo_hi} | {trust} | {goal_text} | {judged} |")
    return "\n".join(out)


if __name__ == "__main__":
    print(table(load(sys.argv[1])))
