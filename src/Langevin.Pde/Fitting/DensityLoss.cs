namespace Langevin.Pde.Fitting;

/// <summary>
/// Accumulates a loss over the nodes of density snapshots for a Gauss–Newton / Levenberg–Marquardt fit of k
/// log-parameters: the objective F, its exact gradient g = ∂F/∂η from the model sensitivities sᵢ = ∂pᵢ/∂η, the
/// (generalised) Gauss–Newton Hessian H, and S = Σᵢ eᵢeᵢᵀ of the centred per-node score contributions, for the sandwich
/// covariance H⁻¹SH⁻¹. MSE: F = ½Σr², g = Σ r·s, H = Σ s·sᵀ. KL: F = Σ c·p̂·log(p̂/p), g = −Σ c·(p̂/p)·s,
/// H = Σ c·(p̂/p²)·s·sᵀ (the exact Hessian of F in p, chained through the linearised model), eᵢ = cᵢ(pᵢ − p̂ᵢ)/pᵢ·sᵢ,
/// whose sum is g because the model conserves mass (Σ cᵢsᵢ = 0).
/// </summary>
internal sealed class DensityLoss
{
    private readonly FitLoss loss;
    private readonly int k;
    private readonly double[] row;

    public DensityLoss(FitLoss loss, int parameters)
    {
        this.loss = loss;
        k = parameters;
        row = new double[k];
        Gradient = new double[k];
        Hessian = new double[k, k];
        Score = new double[k, k];
    }

    /// <summary>F (½·RSS for MSE, Σ KL for KL).</summary>
    public double Objective { get; private set; }

    public double[] Gradient { get; }

    public double[,] Hessian { get; }

    public double[,] Score { get; }

    /// <summary>Nodes counted (MSE) or snapshots counted (KL).</summary>
    public int Count { get; private set; }

    /// <summary>Number of observed node values added.</summary>
    public int Points { get; private set; }

    /// <summary>Reported loss: MSE of the values, or KL per snapshot, so that train and test losses compare.</summary>
    public double Reported => loss == FitLoss.Mse ? 2 * Objective / Math.Max(1, Count) : Objective / Math.Max(1, Count);

    public void Clear()
    {
        Objective = 0;
        Count = 0;
        Points = 0;
        Array.Clear(Gradient);
        Array.Clear(Hessian);
        Array.Clear(Score);
    }

    /// <summary>
    /// Adds one snapshot: observed values (NaN = missing), model values, node weights cᵢ, and sensitivities[a][i]
    /// (null for the loss alone). Returns false when the KL is undefined because the model is ≤ 0 where p̂ &gt; 0.
    /// </summary>
    public bool Add(ReadOnlySpan<double> observed, ReadOnlySpan<double> model, ReadOnlySpan<double> weights, double[][]? sensitivities)
    {
        if (loss == FitLoss.Kl) Count++;
        for (int i = 0; i < observed.Length; i++)
        {
            double o = observed[i];
            if (double.IsNaN(o)) continue;
            Points++;
            double p = model[i];
            double gradientWeight, hessianWeight, scoreWeight;
            if (loss == FitLoss.Mse)
            {
                Count++;
                double r = p - o;
                Objective += 0.5 * r * r;
                (gradientWeight, hessianWeight, scoreWeight) = (r, 1, r);
            }
            else
            {
                double c = weights[i];
                if (o > 0)
                {
                    if (!(p > 0)) return false;
                    Objective += c * o * Math.Log(o / p);
                }
                else
                {
                    o = 0;
                }
                // p ≤ 0 with p̂ = 0 contributes nothing to F, but its Hessian weight would blow up: skip it.
                if (!(p > 0)) continue;
                (gradientWeight, hessianWeight, scoreWeight) = (-c * o / p, c * o / (p * p), c * (p - o) / p);
            }
            if (sensitivities is null) continue;
            for (int a = 0; a < k; a++) row[a] = sensitivities[a][i];
            for (int a = 0; a < k; a++)
            {
                Gradient[a] += gradientWeight * row[a];
                for (int b = 0; b < k; b++)
                {
                    Hessian[a, b] += hessianWeight * row[a] * row[b];
                    Score[a, b] += scoreWeight * scoreWeight * row[a] * row[b];
                }
            }
        }
        return double.IsFinite(Objective);
    }
}
