namespace Langevin.Schedules;

/// <summary>
/// A discrete variance-preserving noise schedule of <see cref="Steps"/> steps: per-step variances
/// β_t, α_t = 1 − β_t and ᾱ_t = ∏_{s≤t} α_s (t = 0 … T−1, as in diffusers). Adding noise at step t gives
/// x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε; it is the Euler–Maruyama discretisation of the variance-preserving SDE
/// dx = −½β(t)x dt + √β(t) dW. Pure maths (double precision), shared by the image sampler and the SDE code.
/// </summary>
public sealed class NoiseSchedule
{
    private readonly double[] _betas;
    private readonly double[] _alphaBars;

    /// <summary>Builds a schedule from explicit per-step variances β_t, each in (0, 1).</summary>
    public NoiseSchedule(IReadOnlyList<double> betas, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Count == 0) throw new ArgumentException("a schedule needs at least one step", nameof(betas));
        _betas = new double[betas.Count];
        _alphaBars = new double[betas.Count];
        double product = 1;
        for (int t = 0; t < betas.Count; t++)
        {
            double beta = betas[t];
            if (!(beta > 0 && beta < 1)) throw new ArgumentOutOfRangeException(nameof(betas), $"beta[{t}] = {beta} is not in (0, 1)");
            _betas[t] = beta;
            product *= 1 - beta;
            _alphaBars[t] = product;
        }
        Name = name;
    }

    /// <summary>Short name of the schedule ("linear", "scaled-linear", "cosine" or "custom").</summary>
    public string Name { get; }

    /// <summary>Number of training steps T.</summary>
    public int Steps => _betas.Length;

    /// <summary>β_t, the variance added at step t.</summary>
    public double Beta(int t) => _betas[t];

    /// <summary>α_t = 1 − β_t.</summary>
    public double Alpha(int t) => 1 - _betas[t];

    /// <summary>ᾱ_t = ∏_{s≤t} α_s: the signal variance kept after step t.</summary>
    public double AlphaBar(int t) => _alphaBars[t];

    /// <summary>All ᾱ_t, t = 0 … T−1 (a copy).</summary>
    public double[] AlphaBars() => (double[])_alphaBars.Clone();

    /// <summary>Signal-to-noise ratio ᾱ_t / (1 − ᾱ_t).</summary>
    public double SignalToNoise(int t) => _alphaBars[t] / (1 - _alphaBars[t]);

    /// <summary>DDPM's linear schedule: β rises linearly from <paramref name="betaStart"/> to <paramref name="betaEnd"/> (Ho et al. 2020).</summary>
    public static NoiseSchedule Linear(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        CheckSteps(steps);
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * t / (steps - 1);
        return new NoiseSchedule(betas, "linear");
    }

    /// <summary>Stable Diffusion's "scaled_linear": √β rises linearly from √start to √end.</summary>
    public static NoiseSchedule ScaledLinear(int steps = 1000, double betaStart = 0.00085, double betaEnd = 0.012)
    {
        CheckSteps(steps);
        double a = Math.Sqrt(betaStart), b = Math.Sqrt(betaEnd);
        var betas = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            double s = steps == 1 ? a : a + (b - a) * t / (steps - 1);
            betas[t] = s * s;
        }
        return new NoiseSchedule(betas, "scaled-linear");
    }

    /// <summary>
    /// The cosine schedule of Nichol &amp; Dhariwal (2021): ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s)·π/2),
    /// β_t = 1 − ᾱ(t+1)/ᾱ(t) clipped at <paramref name="maxBeta"/> (diffusers' "squaredcos_cap_v2").
    /// </summary>
    public static NoiseSchedule Cosine(int steps = 1000, double offset = 0.008, double maxBeta = 0.999)
    {
        CheckSteps(steps);
        double F(double u) => Math.Pow(Math.Cos((u + offset) / (1 + offset) * Math.PI / 2), 2);
        var betas = new double[steps];
        for (int t = 0; t < steps; t++)
            betas[t] = Math.Min(1 - F((t + 1.0) / steps) / F((double)t / steps), maxBeta);
        return new NoiseSchedule(betas, "cosine");
    }

    /// <summary>Parses a schedule name as used on the command line: linear, scaled-linear or cosine.</summary>
    public static NoiseSchedule Parse(string name, int steps = 1000) => name.ToLowerInvariant() switch
    {
        "linear" => Linear(steps),
        "scaled-linear" or "scaled_linear" => ScaledLinear(steps),
        "cosine" or "squaredcos_cap_v2" => Cosine(steps),
        _ => throw new UserErrorException($"unknown noise schedule '{name}'; use linear, scaled-linear or cosine"),
    };

    private static void CheckSteps(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a schedule needs at least one step");
    }
}
