#!/usr/bin/env python3
"""Summarises the ood.csv files written by `langevin ood --run DIR` as a Markdown table (mean ± std over seeds).

Usage: summarise-ood.py NAME::GLOB [NAME::GLOB ...]
  e.g. summarise-ood.py "SGD+momentum::runs/ood/sgdm/seed=*" "SGLD D=1/N::runs/chains/sgld/chain=*"
Each GLOB matches run folders holding ood.csv. One row per method, predictor and score; one column per
out-of-distribution set; each cell the AUROC (test set against that set) as mean ± sample std over the runs.
"""
import csv, glob, statistics, sys

SETS = ["uci-digits", "flipped", "inverted", "uniform-noise"]


def ms(values):
    if not values:
        return "–"
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {std:.3f}"


print("| method | runs | predictor | score | " + " | ".join(SETS) + " |")
print("|---|---|---|---|" + "---|" * len(SETS))
for arg in sys.argv[1:]:
    name, pattern = arg.split("::", 1)
    files = [f"{folder}/ood.csv" for folder in sorted(glob.glob(pattern)) if glob.glob(f"{folder}/ood.csv")]
    if not files:
        continue
    cells = {}
    order = []
    for path in files:
        for row in csv.DictReader(open(path)):
            key = (row["predictor"], row["score"])
            if key not in order:
                order.append(key)
            cells.setdefault((key, row["set"]), []).append(float(row["auroc"]))
    for key in order:
        print(f"| {name} | {len(files)} | {key[0]} | {key[1]} | " + " | ".join(ms(cells.get((key, s), [])) for s in SETS) + " |")
