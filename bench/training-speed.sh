#!/usr/bin/env bash
# Images/s of the same small-CNN training loop (Fashion-MNIST 1×28×28, batch 64) in Langevin (TorchSharp) and in
# PyTorch (Debian's python3-torch), SGD and SGLD, the two implementations alternating so that both see the same
# machine load. Prints every round as JSON, then the medians and the ratios.
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
done
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
med = {}
for impl in ("langevin", "pytorch"):
    for opt in ("sgd", "sgld"):
        sel = [r for r in rows if r["impl"] == impl and r["optimizer"] == opt]
        med[impl, opt] = (statistics.median(r["images_per_s"] for r in sel), statistics.median(r["step_us"] for r in sel))
print("\nmedian images/s (optimizer.step() µs):")
for (impl, opt), (ips, us) in med.items():
    print(f"  {impl:9s} {opt:5s} {ips:9.0f} img/s  step {us:7.1f} µs")
for opt in ("sgd", "sgld"):
    print(f"ratio Langevin/PyTorch, {opt}: {med['langevin', opt][0] / med['pytorch', opt][0]:.3f}")
for impl in ("langevin", "pytorch"):
    print(f"{impl}: SGLD vs SGD loop overhead {100 * (med[impl, 'sgd'][0] / med[impl, 'sgld'][0] - 1):+.1f} % "
          f"(step {med[impl, 'sgld'][1]:.0f} vs {med[impl, 'sgd'][1]:.0f} µs)")
PY
rm -f "$OUT"
