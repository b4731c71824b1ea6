#!/usr/bin/env bash
# Produces the tables of docs/results-training.md: Fashion-MNIST, small CNN, every optimizer, 3 seeds,
# plus an SGLD sweep over D. Two queues run side by side with one torch thread each.
# Usage: bench/training-results.sh [LANGEVIN_BINARY] [OUT_DIR] [EPOCHS]
set -euo pipefail
BIN=${1:-src/Langevin.Cli/bin/Release/net10.0/langevin}
OUT=${2:-runs/results}
EPOCHS=${3:-8}
mkdir -p "$OUT"
# Shared settings: batch 64, 5,000 validation images, posterior samples every 100 steps after half the run.
COMMON="--dataset fashion-mnist --model cnn --epochs $EPOCHS --batch-size 64 --threads 1 --samples 20 --burn-in $((EPOCHS / 2)) --thin 100"
D_POSTERIOR=1.818e-5   # 1/N with N = 55,000 training images: the Bayesian posterior

queue_a() {
  "$BIN" sweep $COMMON --optimizer sgld --lr 0.1 --diffusion 0,1e-6,1e-5,1e-4,1e-3 --seeds 3 --out "$OUT/sweep-sgld" > "$OUT/sweep-sgld.log" 2>&1
}

queue_b() {
  for seed in 1 2 3; do
    "$BIN" train $COMMON --seed $seed --optimizer sgd --lr 0.1 --out "$OUT/sgd/seed=$seed" > "$OUT/sgd-$seed.log" 2>&1 || true
    "$BIN" train $COMMON --seed $seed --optimizer sgd --lr 0.01 --momentum 0.9 --out "$OUT/sgd-momentum/seed=$seed" > "$OUT/sgd-momentum-$seed.log" 2>&1 || true
    "$BIN" train $COMMON --seed $seed --optimizer sghmc --lr 0.01 --momentum 0.9 --diffusion $D_POSTERIOR --out "$OUT/sghmc/seed=$seed" > "$OUT/sghmc-$seed.log" 2>&1 || true
    "$BIN" train $COMMON --seed $seed --optimizer psgld --lr 0.001 --diffusion $D_POSTERIOR --out "$OUT/psgld/seed=$seed" > "$OUT/psgld-$seed.log" 2>&1 || true
    "$BIN" train $COMMON --seed $seed --optimizer sgld --lr 0.1 --diffusion $D_POSTERIOR --diffusion-schedule cyclical:2:0.5 --out "$OUT/cyclical/seed=$seed" > "$OUT/cyclical-$seed.log" 2>&1 || true
    "$BIN" train $COMMON --seed $seed --optimizer seed-literal --lr 0.1 --diffusion $D_POSTERIOR --out "$OUT/seed-literal/seed=$seed" > "$OUT/seed-literal-$seed.log" 2>&1 || true
  done
}

queue_a &
queue_b &
wait
echo "done: $(date -u)"
