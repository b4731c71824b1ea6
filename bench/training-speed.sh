#!/usr/bin/env bash
# Images/s of the same small-CNN training loop (Fashion-MNIST 1×28×28, batch 64) in Langevin (TorchSharp) and in
# PyTorch (Debian's python3-torch), SGD and SGLD, the two implementations alternating so that both see the same
# machine load. Then the cost of the noise, from "pair" runs that alternate an SGD and an SGLD copy of the model
# step by step inside one process (robust to load that drifts between processes). Prints every round as JSON,
# then the medians and the ratios.
# Usage: bench/training-speed.sh [THREADS] [BATCH] [STEPS] [ROUNDS]   (needs: apt-get install -y python3-torch)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-1}; BATCH=${2:-64}; STEPS=${3:-300}; ROUNDS=${4:-3}; WARMUP=50
PYTHON=${PYTHON:-/usr/bin/python3}
# The lock keeps concurrent builds on a shared machine from colliding (util-linux flock).
flock /tmp/langevin-build.lock dotnet build bench/Langevin.Training.Bench -c Release -v q -nologo > /dev/null
BENCH=bench/Langevin.Training.Bench/bin/Release/net10.0/Langevin.Training.Bench
OUT=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
  for opt in sgd sgld; do
    "$BENCH" $opt "$BATCH" "$THREADS" "$STEPS" "$WARMUP" 1 | tee -a "$OUT"
    "$PYTHON" bench/peers/train_loop.py $opt "$BATCH" "$THREADS" "$STEPS" "$WARMUP" 1 data/fashion-mnist | tee -a "$OUT"
  done
  "$BENCH" pair "$BATCH" "$THREADS" "$STEPS" "$WARMUP" 1 | tee -a "$OUT"
  "$PYTHON" bench/peers/train_loop.py pair "$BATCH" "$THREADS" "$STEPS" "$WARMUP" 1 data/fashion-mnist | tee -a "$OUT"
done
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
single = [r for r in rows if r.get("mode") != "pair"]
pairs = [r for r in rows if r.get("mode") == "pair"]
med = {}
for impl in ("langevin", "pytorch"):
    for opt in ("sgd", "sgld"):
        sel = [r for r in single if r["impl"] == impl and r["optimizer"] == opt]
        med[impl, opt] = (statistics.median(r["images_per_s"] for r in sel), statistics.median(r["step_us"] for r in sel))
print("\nmedian images/s (mean optimizer.step() µs), one process per measurement:")
for (impl, opt), (ips, us) in med.items():
    print(f"  {impl:9s} {opt:5s} {ips:9.0f} img/s  step {us:7.1f} µs")
for opt in ("sgd", "sgld"):
    print(f"ratio Langevin/PyTorch, {opt}: {med['langevin', opt][0] / med['pytorch', opt][0]:.3f}")
print("\ncost of the noise, SGD and SGLD copies alternating step by step in one process (median of the rounds' medians):")
for impl in ("langevin", "pytorch"):
    sel = [r for r in pairs if r["impl"] == impl]
    m = {k: statistics.median(r[k] for r in sel) for k in ("sgd_iteration_us", "sgld_iteration_us", "sgd_step_us", "sgld_step_us")}
    per_round = sorted(100 * (r["sgld_iteration_us"] / r["sgd_iteration_us"] - 1) for r in sel)
    print(f"  {impl:9s} iteration {m['sgd_iteration_us']:7.0f} → {m['sgld_iteration_us']:7.0f} µs "
          f"({100 * (m['sgld_iteration_us'] / m['sgd_iteration_us'] - 1):+.1f} %; rounds {per_round[0]:+.1f} … {per_round[-1]:+.1f} %), "
          f"step {m['sgd_step_us']:.0f} → {m['sgld_step_us']:.0f} µs: the noise is "
          f"{100 * (m['sgld_step_us'] - m['sgd_step_us']) / m['sgd_iteration_us']:.1f} % of an SGD iteration")
PY
rm -f "$OUT"
