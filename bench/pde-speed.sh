#!/usr/bin/env bash
# Grid-point updates per second of the 2D heat steppers in Langevin (C#) and in numpy (Debian's python3-numpy), on
# the same N×N problems, alternating the two implementations so that both see the same machine load; the memory
# bandwidth (copy of N² doubles, 16 B per point) of the same run gives the bound for an explicit step.
# Prints every run as JSON, then the medians, the ratios and the fraction of the bandwidth bound.
# Usage: bench/pde-speed.sh [N] [EXPLICIT_STEPS] [IMPLICIT_STEPS] [ROUNDS]   (needs: apt-get install -y python3-numpy)
# SKIP_BUILD=1 uses the existing Release build (e.g. when builds are serialised by a lock on a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2048}; ESTEPS=${2:-50}; ISTEPS=${3:-10}; ROUNDS=${4:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build bench/Langevin.Pde.Bench -c Release -v q -nologo > /dev/null
BENCH=bench/Langevin.Pde.Bench/bin/Release/net10.0/Langevin.Pde.Bench
OUT=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
  for kind in bandwidth explicit2d implicit2d; do
    steps=$ESTEPS; [ "$kind" = implicit2d ] && steps=$ISTEPS
    "$BENCH" "$kind" "$N" "$steps" | tee -a "$OUT"
    "$PYTHON" bench/peers/heat2d_numpy.py "$kind" "$N" "$steps" | tee -a "$OUT"
  done
done
for n1 in 1000 10000 100000 1000000; do "$BENCH" implicit1d "$n1" 200 | tee -a "$OUT"; done
"$PYTHON" - "$OUT" "$N" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
n = int(sys.argv[2])
med = {}
for impl in ("langevin", "numpy"):
    for kind in ("bandwidth", "explicit2d", "implicit2d"):
        sel = [r["points_per_s"] for r in rows if r["impl"] == impl and r["kind"] == kind and r["n"] == n]
        if sel: med[impl, kind] = statistics.median(sel)
print(f"\nmedian grid-point updates per second, {n}x{n} grid:")
for (impl, kind), v in med.items():
    print(f"  {impl:9s} {kind:11s} {v / 1e6:9.1f} M/s")
for kind in ("explicit2d", "implicit2d"):
    print(f"ratio Langevin/numpy, {kind}: {med['langevin', kind] / med['numpy', kind]:.2f}")
# An explicit step must at least read u and write the new field: 16 B per point, the same traffic as one copy.
best_copy = max(r["points_per_s"] for r in rows if r["kind"] == "bandwidth" and r["n"] == n)
print(f"explicit2d vs bandwidth bound (copy of N^2 doubles, 16 B/point): {med['langevin', 'explicit2d'] / med['langevin', 'bandwidth']:.2f} "
      f"of the median copy rate, {med['langevin', 'explicit2d'] / best_copy:.2f} of the best copy rate seen ({16 * best_copy / 1e9:.1f} GB/s)")
print("implicit 1D Crank-Nicolson (Thomas), ns per point:")
for r in rows:
    if r["kind"] == "implicit1d":
        print(f"  N = {r['n']:>8}: {r['ns_per_point']:.2f} ns/point")
PY
rm -f "$OUT"
