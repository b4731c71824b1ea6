#!/bin/bash
# A D × seeds sweep split over a Slurm job array: array task k runs shard k-MIN+1 of 4 (`--shard-count 4` reads
# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_MIN); every task writes run folders under one shared directory. The task that
# finishes last writes sweep.csv, sweep-runs.csv and sweep.png; otherwise run `langevin sweep merge "$SWEEP_DIR"`.
# A task that is requeued or resubmitted resumes its runs from their checkpoints.
#
#   sbatch deploy/slurm/sweep-array.sh
#
# Assumes: the `langevin` tool on PATH on every node, e.g. installed on the shared filesystem with
#   dotnet tool install Langevin.Cli --tool-path "$HOME/.langevin" --add-source artifacts/packages
# (packages from `dotnet pack -c Release -o artifacts/packages` in this checkout) and a .NET 10 runtime on the nodes
# (`module load dotnet/10` where the site has such a module; edit below). Not run here: no Slurm on the development machine.
#SBATCH --job-name=langevin-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --output=langevin-sweep-%A_%a.log
set -euo pipefail
# module load dotnet/10
export PATH="$HOME/.langevin:$PATH"
SWEEP_DIR="${SWEEP_DIR:-$HOME/runs/sweep-sgld}"

langevin sweep --dataset fashion-mnist --optimizer sgld --lr 0.1 \
  --diffusion 0,1e-6,1e-5,1e-4 --seeds 3 --epochs 8 \
  --threads "$SLURM_CPUS_PER_TASK" --shard-count 4 --out "$SWEEP_DIR"
