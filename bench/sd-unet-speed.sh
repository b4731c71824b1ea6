#!/usr/bin/env bash
# One full-size Stable Diffusion 1.5 UNet call (latents 2x4x64x64 at timestep 500, text states 2x77x768: batch 2, as
# classifier-free guidance runs it) in Langevin (bench/Langevin.Generative.Bench) and in diffusers v0.27.2
# (bench/peers/sd_unet_diffusers.py), same configuration, seeded random weights, inference mode, THREADS torch threads,
# one warm-up call then timed calls; run one after the other so that they never compete for the cores. Prints each
# JSON line, then the table of bench/summarise-sd-unet.py (seconds per call, peak RSS, and the issue's ratios).
#
# Usage: DIFFUSERS_SRC=/path/to/diffusers/src [HF_HUB_SRC=/path/to/huggingface_hub/src] \
#          bench/sd-unet-speed.sh [CALLS] [THREADS] [DIFFUSERS_CALLS]
# The user provides diffusers: DIFFUSERS_SRC is the src/ folder of a diffusers v0.27.2 source tree; HF_HUB_SRC, if
# huggingface_hub is not installed, the src/ folder of huggingface_hub (v0.20.3 was used). This script fetches nothing.
# Needs Debian's python3-torch (apt-get install -y python3-torch python3-numpy python3-requests python3-filelock
# python3-packaging python3-importlib-metadata python3-pil). A diffusers call takes minutes on 2 cores: run it in the
# background (nohup bench/sd-unet-speed.sh > log 2>&1 &).
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${1:-3}; THREADS=${2:-2}; DIFFUSERS_CALLS=${3:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
: "${DIFFUSERS_SRC:?set DIFFUSERS_SRC to the src/ folder of a diffusers v0.27.2 source tree}"
# The lock keeps concurrent builds on a shared machine from colliding (util-linux flock).
flock /tmp/langevin-build.lock dotnet build bench/Langevin.Generative.Bench -c Release -v q -nologo > /dev/null
BENCH=bench/Langevin.Generative.Bench/bin/Release/net10.0/Langevin.Generative.Bench
OUT=$(mktemp)
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC')  $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM"
"$BENCH" unet "$CALLS" "$THREADS" 0 | tee -a "$OUT"
DIFFUSERS_SRC="$DIFFUSERS_SRC" "$PYTHON" bench/peers/sd_unet_diffusers.py "$DIFFUSERS_CALLS" "$THREADS" 0 | tee -a "$OUT"
"$PYTHON" bench/summarise-sd-unet.py "$OUT"
rm -f "$OUT"
