#!/usr/bin/env python3
"""Summarises the JSON lines printed by bench/training-speed.sh (both implementations, single and pair modes).

Usage: summarise-speed.py LOG   (any file holding the JSON lines; other lines are ignored)

Two estimators, because on a shared VM the speed of a whole process is bimodal: the same binary runs at ~4 ms or
~15 ms per iteration from one process to the next. The median over processes is what a user sees on average; the
fastest process (minimum of the per-process median iteration times) is what the code does when the machine lets it.
The cost of the noise comes from the pair mode, where SGD and SGLD alternate step by step inside one process and so
see the same machine.
"""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
single = [r for r in rows if r.get("mode") != "pair"]
pairs = [r for r in rows if r.get("mode") == "pair"]

print("one process per measurement (rounds alternate the implementations):")
print("  impl      opt     img/s median  (range)            median iteration µs: median / fastest process   step µs median")
iteration = {}
for impl in ("langevin", "pytorch"):
    for opt in ("sgd", "sgld"):
        sel = [r for r in single if r["impl"] == impl and r["optimizer"] == opt]
        ips = [r["images_per_s"] for r in sel]
        its = [r["median_iteration_us"] for r in sel]
        iteration[impl, opt] = (statistics.median(its), min(its))
        print(f"  {impl:9s} {opt:5s} {statistics.median(ips):9.0f}     ({min(ips):.0f}–{max(ips):.0f})"
              f"     {statistics.median(its):8.0f} / {min(its):8.0f}"
              f"     {statistics.median(r['step_us'] for r in sel):8.1f}")
for opt in ("sgd", "sgld"):
    (lm, lf), (pm, pf) = iteration["langevin", opt], iteration["pytorch", opt]
    print(f"speed ratio Langevin/PyTorch, {opt}: {pm / lm:.2f} by median process, {pf / lf:.2f} by fastest process")

print("\ncost of the noise, SGD and SGLD copies alternating step by step in one process:")
for impl in ("langevin", "pytorch"):
    sel = [r for r in pairs if r["impl"] == impl]
    m = {k: statistics.median(r[k] for r in sel) for k in ("sgd_iteration_us", "sgld_iteration_us", "sgd_step_us", "sgld_step_us")}
    per_round = sorted(100 * (r["sgld_iteration_us"] / r["sgd_iteration_us"] - 1) for r in sel)
    print(f"  {impl:9s} iteration {m['sgd_iteration_us']:7.0f} → {m['sgld_iteration_us']:7.0f} µs "
          f"({100 * (m['sgld_iteration_us'] / m['sgd_iteration_us'] - 1):+.1f} % by the median round; "
          f"rounds {per_round[0]:+.1f} … {per_round[-1]:+.1f} %), step {m['sgd_step_us']:.0f} → {m['sgld_step_us']:.0f} µs: "
          f"the noise is {100 * (m['sgld_step_us'] - m['sgd_step_us']) / m['sgd_iteration_us']:.1f} % of an SGD iteration")
    fastest = min(sel, key=lambda r: r["sgd_iteration_us"])
    print(f"  {'':9s} fastest round: {fastest['sgd_iteration_us']:.0f} → {fastest['sgld_iteration_us']:.0f} µs "
          f"({100 * (fastest['sgld_iteration_us'] / fastest['sgd_iteration_us'] - 1):+.1f} %)")
