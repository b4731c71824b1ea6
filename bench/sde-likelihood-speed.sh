#!/usr/bin/env bash
# Seconds per evaluation of the Fokker–Planck transition-density log-likelihood of a 10,000-step path (issue 14: ≤ 1 s on
# a few hundred nodes), in Langevin (C#) and in numpy/scipy (Debian's python3-numpy and python3-scipy) with the same
# scheme on the same path and nodes, alternating the two so that both see the same machine load. Each pair also
# checks that the two log-likelihoods agree (same scheme: to round-off).
# Usage: bench/sde-likelihood-speed.sh [STEPS] [ROUNDS]   (needs: apt-get install -y python3-numpy python3-scipy)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-10000}; ROUNDS=${2:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build bench/Langevin.Pde.Bench -c Release -v q -nologo > /dev/null
BENCH=bench/Langevin.Pde.Bench/bin/Release/net10.0/Langevin.Pde.Bench
OUT=$(mktemp) DATA=$(mktemp -d)
trap 'rm -rf "$OUT" "$DATA"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for model in ou double-well; do
    for points in 300 1000; do
      "$BENCH" likelihood "$model" "$STEPS" "$points" 20 "$DATA/$model-$points" | tee -a "$OUT"
      "$PYTHON" bench/peers/sde_likelihood_numpy.py "$model" "$DATA/$model-$points" 5 | tee -a "$OUT"
    done
  done
done
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\nmedian seconds per likelihood evaluation (and Langevin's speed-up over numpy/scipy):")
for model in ("ou", "double-well"):
    for points in sorted({r["points"] for r in rows}):
        sel = {impl: [r for r in rows if r["impl"] == impl and r["model"] == model and r["points"] == points] for impl in ("langevin", "numpy")}
        if not all(sel.values()): continue
        med = {impl: statistics.median(r["seconds_per_eval"] for r in rs) for impl, rs in sel.items()}
        diff = max(abs(a["loglik_at_truth"] - b["loglik_at_truth"]) / abs(a["loglik_at_truth"]) for a, b in zip(sel["langevin"], sel["numpy"]))
        print(f"  {model:11s} {sel['langevin'][0]['steps']} steps, {points:4d} nodes: Langevin {med['langevin']:.4f} s, numpy {med['numpy']:.4f} s, "
              f"ratio {med['numpy'] / med['langevin']:.2f}; log L agree to {diff:.1e} (relative)")
PY
