#!/usr/bin/env bash
# Whole 512x512 text-to-image generations with full-size Stable Diffusion weights, timed through the command line a user
# runs: `langevin generate` on (1) an SD 1.5 folder, 20 steps of DPM++ 2M Karras with classifier-free guidance 7.5
# (batch 2 through the UNet), and (2) an SD-Turbo folder, 1 and 4 steps of its own sampler (Euler, trailing
# timesteps) without guidance. No checkpoint can be downloaded here, so the folders hold seeded random weights of the
# real configurations (bench/Langevin.Generative.Bench model …): the work per step is that of the real models, the
# pictures are noise. Prints one line per run: wall seconds of the whole command (load, text encoder, denoising, VAE
# decode, PNG), the seconds the command reports for generation, and peak RSS (GNU time's maximum resident size).
#
# Usage: bench/sd-image-speed.sh [FOLDER] [THREADS]
# FOLDER (default /tmp/langevin-sd-random) receives the two random-weight models (8.7 GB) unless they are there already.
# Needs GNU time (apt-get install -y time).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/langevin-sd-random}; THREADS=${2:-2}
# The lock keeps concurrent builds on a shared machine from colliding (util-linux flock).
flock /tmp/langevin-build.lock dotnet build bench/Langevin.Generative.Bench -c Release -v q -nologo | grep -E " error " && exit 1 || true
flock /tmp/langevin-build.lock dotnet build src/Langevin.Cli -c Release -v q -nologo | grep -E " error " && exit 1 || true
BENCH=bench/Langevin.Generative.Bench/bin/Release/net10.0/Langevin.Generative.Bench
CLI=src/Langevin.Cli/bin/Release/net10.0/langevin
for kind in sd15 sd-turbo; do
  [ -f "$DIR/$kind/text_encoder/model.safetensors" ] || "$BENCH" model "$kind" "$DIR/$kind"
done
OUT=$(mktemp -d)
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC')  $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM, $THREADS threads, $(git rev-parse --short HEAD)"
run() {
  local label=$1; shift
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f '%e %M' -o "$OUT/time" "$CLI" generate "$@" --threads "$THREADS" --seed 1 --width 512 --height 512 --out "$OUT/$label.png" > "$OUT/log" 2>&1 \
    || { cat "$OUT/log"; exit 1; }
  local generated; generated=$(sed -n 's/^generated .* in \([0-9.]*\) s .*/\1/p' "$OUT/log")
  read -r wall kib < "$OUT/time"
  printf '%-34s wall %8.1f s   generation %8.1f s   peak RSS %6.2f GB   load %s → %s\n' \
    "$label" "$wall" "$generated" "$(echo "$kib" | awk '{print $1 * 1024 / 1e9}')" "$load" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
PROMPT="a photograph of an astronaut riding a horse"
run "sd15 dpmpp-2m-karras 20 steps cfg7.5" "$PROMPT" --model "$DIR/sd15" --sampler dpmpp-2m-karras --steps 20 --guidance 7.5
run "sd-turbo 1 step" "$PROMPT" --model "$DIR/sd-turbo" --steps 1 --guidance 0
run "sd-turbo 4 steps" "$PROMPT" --model "$DIR/sd-turbo" --steps 4 --guidance 0
rm -rf "$OUT"
