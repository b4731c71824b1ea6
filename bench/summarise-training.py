#!/usr/bin/env python3
"""Summarises run folders written by `langevin train` / `langevin sweep` as a Markdown table (mean ± std over seeds).

Usage: summarise-training.py NAME::GLOB [NAME::GLOB ...]
  e.g. summarise-training.py "SGD::runs/results/sgd/seed=*" "SGLD D=1e-5::runs/results/sweep-sgld/D=1E-05/seed=*"
Each GLOB matches run folders holding summary.json. Numbers are at each run's best-validation epoch (model
selection on the validation split); the ensemble columns average softmax over the kept posterior samples.
"""
import glob, json, statistics, sys


def ms(values, scale=1.0, digits=4):
    values = [v * scale for v in values if v is not None]
    if not values:
        return "–"
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


print("| method | runs | test acc % | test NLL | test ECE | gap (train−test acc) % | roughness | final-epoch test acc % | ensemble acc % | ensemble NLL | ensemble ECE |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for arg in sys.argv[1:]:
    name, pattern = arg.split("::", 1)
    runs = [json.load(open(f"{folder}/summary.json")) for folder in sorted(glob.glob(pattern)) if glob.glob(f"{folder}/summary.json")]
    if not runs:
        continue
    best = [r["Best"] for r in runs]
    ens = [r.get("EnsembleTest") for r in runs]
    print(f"| {name} | {len(runs)} | {ms([b['Test']['Accuracy'] for b in best], 100, 2)} | {ms([b['Test']['Nll'] for b in best])} | "
          f"{ms([b['Test']['Ece'] for b in best])} | {ms([b['AccuracyGap'] for b in best], 100, 2)} | {ms([b['TrainRoughness'] for b in best], 1, 3)} | "
          f"{ms([r['Final']['Test']['Accuracy'] for r in runs], 100, 2)} | "
          f"{ms([e['Accuracy'] if e else None for e in ens], 100, 2)} | {ms([e['Nll'] if e else None for e in ens])} | {ms([e['Ece'] if e else None for e in ens])} |")
