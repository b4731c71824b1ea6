#!/usr/bin/env python3
"""Summarises GAN runs written by `langevin gan train` as a Markdown table (mean ± std over seeds).

Usage: summarise-gan.py NAME::GLOB [NAME::GLOB ...]
  e.g. summarise-gan.py "Adam::runs/gan/adam/seed=*" "SGHMC::runs/gan/sghmc/seed=*"
Each GLOB matches run folders holding metrics.csv. Columns: FID (judge features) after each epoch, the last epoch's
coverage entropy (1 = all ten classes equally often) and rarest class, and how many runs were collapsed (coverage
entropy below 0.5, i.e. most images in a few classes) after some epoch, and after the last.
"""
import csv, glob, statistics, sys


def ms(values, digits=2):
    if not values:
        return "–"
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.{digits}f} ± {std:.{digits}f}"


runs_by_name = []
epochs = 0
for arg in sys.argv[1:]:
    name, pattern = arg.split("::", 1)
    runs = [list(csv.DictReader(open(f"{d}/metrics.csv"))) for d in sorted(glob.glob(pattern)) if glob.glob(f"{d}/metrics.csv")]
    runs = [r for r in runs if r]
    if runs:
        runs_by_name.append((name, runs))
        epochs = max(epochs, max(len(r) for r in runs))

header = "| method | runs | " + " | ".join(f"FID epoch {e}" for e in range(1, epochs + 1)) + " | coverage entropy | rarest class % | collapsed at some epoch | collapsed at the end |"
print(header)
print("|---|---|" + "---|" * epochs + "---|---|---|---|")
for name, runs in runs_by_name:
    unfinished = sum(1 for r in runs if len(r) < epochs)
    runs = [r for r in runs if len(r) == epochs]  # a run still training is left out (and counted below)
    if unfinished:
        print(f"<!-- {name}: {unfinished} run(s) unfinished, left out -->")
    if not runs:
        continue
    fids = [ms([float(r[e]["fid"]) for r in runs if len(r) > e], 1) for e in range(epochs)]
    last = [r[-1] for r in runs]
    collapsed = sum(1 for l in last if float(l["coverage_entropy"]) < 0.5)
    ever = sum(1 for r in runs if any(float(e["coverage_entropy"]) < 0.5 for e in r))
    print(f"| {name} | {len(runs)} | " + " | ".join(fids) + f" | {ms([float(l['coverage_entropy']) for l in last], 3)} | "
          f"{ms([100 * float(l['rarest_class']) for l in last], 1)} | {ever} of {len(runs)} | {collapsed} of {len(runs)} |")
