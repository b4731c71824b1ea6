#!/usr/bin/env python3
"""The numpy code a user would write for the problems of bench/Langevin.Pde.Bench (N x N grid on the unit square,
alpha = 1, u = 0 on the walls), timed the same way and printed as the same JSON lines.

Usage: heat2d_numpy.py explicit2d|implicit2d|bandwidth N STEPS
  explicit2d  FTCS, sum r = 0.4: u[1:-1,1:-1] += r*(laplacian) on slices
  implicit2d  Crank-Nicolson Douglas ADI, dt = 10 dx^2: tridiagonal solves vectorised across lines, factorised once
  bandwidth   np.copyto of N^2 doubles
"""
import json
import sys
import time

import numpy as np


def explicit_step(u, r):
    u[1:-1, 1:-1] = u[1:-1, 1:-1] + r * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2] - 4 * u[1:-1, 1:-1])


def factor(n, c):
    """Thomas factorisation of (I - c*L) on the interior nodes 1..n-2 of a line (L = 1D Laplacian / dx^2 scaled)."""
    m = np.zeros(n)
    cp = np.zeros(n)
    m[1] = 1 / (1 + 2 * c)
    cp[1] = -c * m[1]
    for i in range(2, n - 1):
        m[i] = 1 / (1 + 2 * c + c * cp[i - 1])
        cp[i] = -c * m[i]
    return m, cp


def solve_rows(y, c, m, cp):
    """Solve (I - c*L) x = y along axis 0 for every column at once (Dirichlet rows 0 and n-1 kept)."""
    n = y.shape[0]
    y[1] *= m[1]
    for i in range(2, n - 1):
        y[i] = (y[i] + c * y[i - 1]) * m[i]
    for i in range(n - 3, 0, -1):
        y[i] -= cp[i] * y[i + 1]


def lap_x(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = u[2:, 1:-1] - 2 * u[1:-1, 1:-1] + u[:-2, 1:-1]
    return out


def lap_y(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = u[1:-1, 2:] - 2 * u[1:-1, 1:-1] + u[1:-1, :-2]
    return out


def adi_step(u, r, m, cp):
    """Douglas ADI with theta = 1/2 (Crank-Nicolson), r = dt/dx^2."""
    ax, ay = lap_x(u), lap_y(u)
    y = u + r * (ax + ay)
    y -= 0.5 * r * ax
    solve_rows(y, 0.5 * r, m, cp)
    y -= 0.5 * r * ay
    yt = np.ascontiguousarray(y.T)
    solve_rows(yt, 0.5 * r, m, cp)
    u[:] = yt.T


def main():
    kind, n, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(1)
    u = rng.random((n, n))
    u[0, :] = u[-1, :] = u[:, 0] = u[:, -1] = 0
    if kind == "explicit2d":
        step = lambda: explicit_step(u, 0.2)
    elif kind == "implicit2d":
        m, cp = factor(n, 0.5 * 10)
        step = lambda: adi_step(u, 10.0, m, cp)
    elif kind == "bandwidth":
        v = np.empty_like(u)
        step = lambda: np.copyto(v, u)
    else:
        raise SystemExit(f"unknown benchmark {kind}")
    # The same warm-up as the C# side: at least a second (page faults, caches).
    warm_up = time.perf_counter()
    while True:
        for _ in range(max(3, steps // 10)):
            step()
        if time.perf_counter() - warm_up >= 1:
            break
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    per_s = n * n * steps / seconds
    row = {"impl": "numpy", "kind": kind, "n": n, "steps": steps, "seconds": round(seconds, 4),
           "points_per_s": round(per_s), "ns_per_point": round(1e9 / per_s, 3)}
    if kind == "bandwidth":
        row["copy_gb_per_s"] = round(16 * per_s / 1e9, 3)
    print(json.dumps(row, separators=(",", ":")))


if __name__ == "__main__":
    main()
