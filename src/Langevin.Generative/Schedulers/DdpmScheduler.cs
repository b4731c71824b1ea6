using Langevin.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Ancestral DDPM sampling (Ho et al. 2020), as diffusers' <c>DDPMScheduler</c> with variance_type "fixed_small":
/// x_{t'} ~ N(μ̃, σ̃²) with the posterior q(x_{t'} | x_t, x̂_0) of the forward process, t' = t − ⌊T/n⌋ (ᾱ = 1 below 0).
/// </summary>
public sealed class DdpmScheduler : DiffusionScheduler
{
    /// <summary>Creates a DDPM sampler over <paramref name="schedule"/>.</summary>
    public DdpmScheduler(NoiseSchedule schedule, TimestepSpacing spacing = TimestepSpacing.Leading) : base(schedule, spacing) { }

    /// <summary>Creates a DDPM sampler from a diffusers config (resolved for DDPMScheduler if it is not already).</summary>
    public DdpmScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "DDPMScheduler"))
    {
        if (Config!.VarianceType is { } variance && variance != "fixed_small")
            throw new UserErrorException($"DDPM variance_type '{variance}' is not supported; only fixed_small");
    }

    /// <summary>
    /// Posterior coefficients for the jump t → t': μ̃ = c0·x_0 + ct·x_t and variance σ̃², with
    /// ᾱ' = ᾱ(t') (1 below 0), α = ᾱ_t/ᾱ', β = 1 − α: c0 = √ᾱ'·β/(1−ᾱ_t), ct = √α·(1−ᾱ')/(1−ᾱ_t),
    /// σ̃² = (1−ᾱ')/(1−ᾱ_t)·β. For consecutive steps these are the closed forms of DDPM's eq. 7.
    /// </summary>
    public (double CoefOriginal, double CoefSample, double Variance) Posterior(int timestep, int previous)
    {
        // DDPM has no set_alpha_to_one: diffusers always uses 1 past the end.
        double a = AlphaBar(timestep), aPrev = previous < 0 ? 1.0 : AlphaBar(previous);
        double alpha = a / aPrev, beta = 1 - alpha;
        return (Math.Sqrt(aPrev) * beta / (1 - a), Math.Sqrt(alpha) * (1 - aPrev) / (1 - a), Math.Max((1 - aPrev) / (1 - a) * beta, 1e-20));
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int t = (int)timestep;
        var (c0, ct, variance) = Posterior(t, PreviousTimestep(t));
        var (original, _) = Predict(modelOutput, AlphaBar(t), sample);
        var mean = Clip(original) * c0 + sample * ct;
        // diffusers draws whenever t > 0, even when the last step's variance is only the 1e-20 floor.
        if (t > 0)
        {
            var noise = Noise(sample.shape, sample.dtype, generator);
            mean = mean + noise * Math.Sqrt(variance);
        }
        return mean.MoveToOuterDisposeScope();
    }
}
