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
  "$BIN" sweep $COMMON --optimizer sgld --lr 0.1 --diffusion 0,1e-6,1e-5,1e-4,1e-3 --seeds 3 --out "$OUT/sweep-sgld" >> "$OUT/sweep-sgld.log" 2>&1
}

. "$(dirname "$0")/lib/run-once.sh"

queue_b() {
  for seed in 1 2 3; do
    run sgd "$seed" --optimizer sgd --lr 0.1
    run sgd-momentum "$seed" --optimizer sgd --lr 0.01 --momentum 0.9
    run sghmc "$seed" --optimizer sghmc --lr 0.01 --momentum 0.9 --diffusion $D_POSTERIOR
    run psgld "$seed" --optimizer psgld --lr 0.001 --diffusion $D_POSTERIOR
    run cyclical "$seed" --optimizer sgld --lr 0.1 --diffusion $D_POSTERIOR --diffusion-schedule cyclical:2:0.5
    run seed-literal "$seed" --optimizer seed-literal --lr 0.1 --diffusion $D_POSTERIOR
  done
}

side_by_side queue_a queue_b
python3 "$(dirname "$0")/summarise-training.py" \
  "SGD::$OUT/sgd/seed=*" "SGD+momentum::$OUT/sgd-momentum/seed=*" "SGHMC::$OUT/sghmc/seed=*" "PSGLD::$OUT/psgld/seed=*" \
  "cyclical::$OUT/cyclical/seed=*" "seed-literal::$OUT/seed-literal/seed=*" "SGLD D=0::$OUT/sweep-sgld/D=0/seed=*" \
  "SGLD D=1e-6::$OUT/sweep-sgld/D=1E-06/seed=*" "SGLD D=1e-5::$OUT/sweep-sgld/D=1E-05/seed=*" \
  "SGLD D=1e-4::$OUT/sweep-sgld/D=0.0001/seed=*" "SGLD D=1e-3::$OUT/sweep-sgld/D=0.001/seed=*"
