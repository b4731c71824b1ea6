#!/usr/bin/env bash
# Images/s of the same small-CNN training loop (Fashion-MNIST 1×28×28, batch 64) in Langevin (TorchSharp) and in
# PyTorch (Debian's python3-torch), SGD and SGLD, the two implementations alternating so that both see the same
# machine load. Then the cost of the noise, from "pair" runs that alternate an SGD and an SGLD copy of the model
# step by step inside one process (robust to load that drifts between processes). Prints every round as JSON,
# then the summary of bench/summarise-speed.py.
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
"$PYTHON" bench/summarise-speed.py "$OUT"
rm -f "$OUT"
