#!/usr/bin/env bash
# The long-training comparison of docs/results-training.md: 30 epochs of the small CNN on Fashion-MNIST, where
# plain SGD+momentum starts to overfit, against Langevin samplers at the Bayesian D = 1/N with their posterior
# ensembles, cyclical SGLD at two colder temperatures (D = 0.3/N, 0.1/N), and weight decay as a Gaussian prior. Two
# queues side by side, one torch thread each; finished runs are skipped, killed ones resumed.
# Usage: bench/training-long.sh [LANGEVIN_BINARY] [OUT_DIR] [EPOCHS]
set -euo pipefail
BIN=${1:-src/Langevin.Cli/bin/Release/net10.0/langevin}
OUT=${2:-runs/long}
EPOCHS=${3:-30}
mkdir -p "$OUT"
# Posterior samples: after a burn-in of half the run, one every 400 steps (≈ 2 per epoch), the 20 most recent kept.
COMMON="--dataset fashion-mnist --model cnn --epochs $EPOCHS --batch-size 64 --threads 1 --samples 20 --burn-in $((EPOCHS / 2)) --thin 400 --log-every 100000"
D_POSTERIOR=1.818e-5   # 1/N with N = 55,000 training images
D_T03=5.455e-6         # 0.3/N: a cold posterior, temperature 0.3
D_T01=1.818e-6         # 0.1/N: temperature 0.1
WD=5e-4                # weight decay λ: a Gaussian prior N(0, 1/(N·λ)), std 0.19, at T = 1

. "$(dirname "$0")/lib/run-once.sh"

queue_a() {
  for seed in 1 2 3; do
    run sgd-momentum "$seed" --optimizer sgd --lr 0.01 --momentum 0.9
    run sghmc "$seed" --optimizer sghmc --lr 0.01 --momentum 0.9 --diffusion $D_POSTERIOR
  done
  for seed in 1 2 3; do
    run cyclical-t0.3 "$seed" --optimizer sgld --lr 0.1 --diffusion $D_T03 --diffusion-schedule cyclical:5:0.5
  done
  for seed in 1 2 3; do
    run sgd-momentum-wd "$seed" --optimizer sgd --lr 0.01 --momentum 0.9 --weight-decay $WD
  done
  run cyclical-wd 1 --optimizer sgld --lr 0.1 --diffusion $D_POSTERIOR --diffusion-schedule cyclical:5:0.5 --weight-decay $WD
}

queue_b() {
  for seed in 1 2 3; do
    run cyclical "$seed" --optimizer sgld --lr 0.1 --diffusion $D_POSTERIOR --diffusion-schedule cyclical:5:0.5
    run sgld "$seed" --optimizer sgld --lr 0.05 --diffusion $D_POSTERIOR
  done
  for seed in 1 2 3; do
    run cyclical-t0.1 "$seed" --optimizer sgld --lr 0.1 --diffusion $D_T01 --diffusion-schedule cyclical:5:0.5
  done
  for seed in 1 2 3; do
    run cyclical-t0.1-wd "$seed" --optimizer sgld --lr 0.1 --diffusion $D_T01 --diffusion-schedule cyclical:5:0.5 --weight-decay $WD
  done
  for seed in 2 3; do
    run cyclical-wd "$seed" --optimizer sgld --lr 0.1 --diffusion $D_POSTERIOR --diffusion-schedule cyclical:5:0.5 --weight-decay $WD
  done
}

side_by_side queue_a queue_b
python3 "$(dirname "$0")/summarise-training.py" \
  "SGD+momentum::$OUT/sgd-momentum/seed=*" "SGHMC::$OUT/sghmc/seed=*" "cyclical SGLD::$OUT/cyclical/seed=*" "SGLD::$OUT/sgld/seed=*" \
  "cyclical SGLD T=0.3::$OUT/cyclical-t0.3/seed=*" "cyclical SGLD T=0.1::$OUT/cyclical-t0.1/seed=*" \
  "SGD+momentum λ=5e-4::$OUT/sgd-momentum-wd/seed=*" "cyclical SGLD λ=5e-4::$OUT/cyclical-wd/seed=*" \
  "cyclical SGLD T=0.1 λ=5e-4::$OUT/cyclical-t0.1-wd/seed=*"
