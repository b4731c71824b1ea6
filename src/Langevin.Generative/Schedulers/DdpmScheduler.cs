using Langevin.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Ancestral DDPM sampling (Ho et al. 2020), as diffusers' <c>DDPMScheduler</c> with
/// variance_type "fixed_small" and no clipping: x_{t'} ~ N(μ̃, σ̃²) with the posterior
/// q(x_{t'} | x_t, x̂_0) of the forward process, where t' is the previous inference timestep.
/// </summary>
public sealed class DdpmScheduler : DiffusionScheduler
{
    /// <summary>Creates a DDPM sampler over <paramref name="schedule"/>.</summary>
    public DdpmScheduler(NoiseSchedule schedule, TimestepSpacing spacing = TimestepSpacing.Leading) : base(schedule, spacing) { }

    /// <summary>
    /// Posterior coefficients for the jump t → t': μ̃ = c0·x_0 + ct·x_t and variance σ̃², with
    /// ᾱ' = ᾱ(t'), α = ᾱ_t/ᾱ', β = 1 − α: c0 = √ᾱ'·β/(1−ᾱ_t), ct = √α·(1−ᾱ')/(1−ᾱ_t),
    /// σ̃² = (1−ᾱ')/(1−ᾱ_t)·β. For consecutive steps these are the closed forms of DDPM's eq. 7.
    /// </summary>
    public (double CoefOriginal, double CoefSample, double Variance) Posterior(int timestep, int previous)
    {
        double a = AlphaBar(timestep), aPrev = AlphaBar(previous);
        double alpha = a / aPrev, beta = 1 - alpha;
        return (Math.Sqrt(aPrev) * beta / (1 - a), Math.Sqrt(alpha) * (1 - aPrev) / (1 - a), Math.Max((1 - aPrev) / (1 - a) * beta, 1e-20));
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, int timestep, Tensor sample, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        int previous = PreviousTimestep(timestep);
        var (c0, ct, variance) = Posterior(timestep, previous);
        var original = PredictOriginal(modelOutput, timestep, sample);
        var mean = original * c0 + sample * ct;
        if (timestep > 0 && previous >= 0)
        {
            var noise = randn(sample.shape, dtype: sample.dtype, generator: generator);
            mean = mean + noise * Math.Sqrt(variance);
        }
        return mean.MoveToOuterDisposeScope();
    }
}
