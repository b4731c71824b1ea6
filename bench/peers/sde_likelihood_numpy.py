#!/usr/bin/env python3
"""The numpy/scipy code a user would write for Langevin's Fokker-Planck transition-density likelihood, on the same
path and grid that `Langevin.Pde.Bench likelihood` wrote (path.csv, nodes.csv), timed the same way and printed as the
same JSON line.

Same scheme: Scharfetter-Gummel finite volumes for q = (sigma^2/2) p on the given nodes, zero-flux walls; per
interval length, Rannacher's start (four implicit-Euler half steps) then Crank-Nicolson, 16 steps; the propagator's
columns only for the nodes next to an observed start, all at once as a matrix right-hand side of scipy's banded
solver (LAPACK gbsv); hat start, linear read-out. The log-likelihood at the true parameters must match Langevin's.

Usage: sde_likelihood_numpy.py ou|double-well FOLDER EVALUATIONS
"""
import json
import sys
import time

import numpy as np
from scipy.linalg import solve_banded

STEPS = 16


def coefficients(model, theta, x):
    if model == "ou":
        return theta[0] * (theta[1] - x), np.full_like(x, theta[2])
    return theta[0] * x - theta[1] * x ** 3, np.full_like(x, theta[2])


def bernoulli(z):
    """(B(z), B(-z)) with B(z) = z / (e^z - 1), computed without cancellation."""
    a = np.abs(z)
    small = np.where(a < 1e-5, 1 - a / 2 + a * a / 12, a / np.expm1(np.maximum(a, 1e-300)))
    return np.where(z >= 0, small, small + a), np.where(z >= 0, small + a, small)


def operator(model, theta, nodes):
    gap = np.diff(nodes)
    volume = np.zeros_like(nodes)
    volume[:-1] += gap / 2
    volume[1:] += gap / 2
    _, sigma = coefficients(model, theta, nodes)
    a = sigma ** 2 / 2
    face = nodes[:-1] + gap / 2
    drift, sigma_face = coefficients(model, theta, face)
    plus, minus = bernoulli(gap * drift / (sigma_face ** 2 / 2))
    outflow, inflow = minus * a[:-1] / gap, plus * a[1:] / gap
    n = len(nodes)
    lower, diag, upper = np.zeros(n), np.zeros(n), np.zeros(n)
    diag[:-1] -= outflow / volume[:-1]
    upper[:-1] += inflow / volume[:-1]
    lower[1:] += outflow / volume[1:]
    diag[1:] -= inflow / volume[1:]
    return lower, diag, upper, volume


def loglik(model, theta, nodes, x0, x1, dt):
    lower, diag, upper, volume = operator(model, theta, nodes)
    n = len(nodes)
    total = 0.0
    for interval in np.unique(dt):
        sel = dt == interval
        a0, a1 = x0[sel], x1[sel]
        j = np.clip(np.searchsorted(nodes, a0, side="right") - 1, 0, n - 2)
        f = (a0 - nodes[j]) / (nodes[j + 1] - nodes[j])
        i = np.clip(np.searchsorted(nodes, a1, side="right") - 1, 0, n - 2)
        g = (a1 - nodes[i]) / (nodes[i + 1] - nodes[i])
        needed = np.unique(np.concatenate([j, j + 1]))
        p = np.zeros((n, len(needed)))
        p[needed, np.arange(len(needed))] = 1 / volume[needed]
        half = interval / STEPS / 2
        # Banded (I - half A): rows of super-, main and sub-diagonal as solve_banded wants them.
        ab = np.zeros((3, n))
        ab[0, 1:] = -half * upper[:-1]
        ab[1, :] = 1 - half * diag
        ab[2, :-1] = -half * lower[1:]
        for _ in range(4):
            p = solve_banded((1, 1), ab, p, overwrite_b=True, check_finite=False)
        for _ in range(STEPS - 2):
            ap = diag[:, None] * p
            ap[1:] += lower[1:, None] * p[:-1]
            ap[:-1] += upper[:-1, None] * p[1:]
            p = solve_banded((1, 1), ab, p + half * ap, overwrite_b=True, check_finite=False)
        column = np.full(n, -1)
        column[needed] = np.arange(len(needed))
        left, right = p[:, column[j]], p[:, column[j + 1]]
        cols = np.arange(len(a0))
        dens = (1 - f) * ((1 - g) * left[i, cols] + g * left[i + 1, cols]) + f * ((1 - g) * right[i, cols] + g * right[i + 1, cols])
        total += np.sum(np.log(np.where(dens > 0, dens, np.nan)))
    return total


def main():
    model, folder, evaluations = sys.argv[1], sys.argv[2], int(sys.argv[3])
    truth = {"ou": [1.5, 0.5, 0.4], "double-well": [1.0, 1.0, 0.7]}[model]
    data = np.loadtxt(f"{folder}/path.csv", delimiter=",", skiprows=1)
    nodes = np.loadtxt(f"{folder}/nodes.csv")
    x0, x1, dt = data[:-1, 1], data[1:, 1], np.round(np.diff(data[:, 0]), 12)
    at = lambda n: [v * (1 + 1e-3 * ((n + a) % 5)) for a, v in enumerate(truth)]
    loglik(model, at(0), nodes, x0, x1, dt)
    start = time.perf_counter()
    for n in range(evaluations):
        loglik(model, at(n), nodes, x0, x1, dt)
    seconds = (time.perf_counter() - start) / evaluations
    print(json.dumps({"impl": "numpy", "kind": "likelihood", "model": model, "steps": len(x0), "points": len(nodes),
                      "seconds_per_eval": seconds, "loglik_at_truth": loglik(model, truth, nodes, x0, x1, dt)}))


main()
