#!/usr/bin/env bash
# The recurrent model of docs/results-training.md: the GRU that reads a Fashion-MNIST image row by row, trained with
# SGD+momentum, with SGHMC at the Bayesian D = 1/N (same lr and momentum, plus the noise) and with SGHMC at a tenth of
# that (a "cold posterior", T = 0.1), 3 seeds each, with their posterior (or iterate) ensembles. Two queues side by side, one torch thread each; finished runs are skipped,
# killed ones resumed.
# Usage: bench/training-gru.sh [LANGEVIN_BINARY] [OUT_DIR] [EPOCHS]
set -euo pipefail
BIN=${1:-src/Langevin.Cli/bin/Release/net10.0/langevin}
OUT=${2:-runs/gru}
EPOCHS=${3:-10}
mkdir -p "$OUT"
# Posterior samples: after a burn-in of half the run, one every 400 steps (≈ 2 per epoch), the 10 most recent kept.
COMMON="--dataset fashion-mnist --model gru --epochs $EPOCHS --batch-size 64 --threads 1 --samples 10 --burn-in $((EPOCHS / 2)) --thin 400 --log-every 100000"
D_POSTERIOR=1.818e-5   # 1/N with N = 55,000 training images
D_COLD=1.818e-6        # T = 0.1

. "$(dirname "$0")/lib/run-once.sh"

queue_a() {
  for seed in 1 2 3; do run sgd-momentum "$seed" --optimizer sgd --lr 0.1 --momentum 0.9; done
  run sghmc-cold 1 --optimizer sghmc --lr 0.1 --momentum 0.9 --diffusion $D_COLD
}

queue_b() {
  for seed in 1 2 3; do run sghmc "$seed" --optimizer sghmc --lr 0.1 --momentum 0.9 --diffusion $D_POSTERIOR; done
  for seed in 2 3; do run sghmc-cold "$seed" --optimizer sghmc --lr 0.1 --momentum 0.9 --diffusion $D_COLD; done
}

side_by_side queue_a queue_b
python3 "$(dirname "$0")/summarise-training.py" "SGD+momentum::$OUT/sgd-momentum/seed=*" "SGHMC D=1/N::$OUT/sghmc/seed=*" \
  "SGHMC D=0.1/N::$OUT/sghmc-cold/seed=*"
