using Langevin.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// DDIM sampling (Song et al. 2021), as diffusers' <c>DDIMScheduler</c>:
/// x_{t'} = √ᾱ'·x̂_0 + √(1−ᾱ'−σ²)·ε̂ + σ·z with σ = η·√((1−ᾱ')/(1−ᾱ_t)·(1−ᾱ_t/ᾱ')) and t' = t − ⌊T/n⌋.
/// η = 0 is deterministic (an ODE solver, invertible with <see cref="InverseStep"/>); η = 1 matches DDPM's variance.
/// </summary>
public sealed class DdimScheduler : DiffusionScheduler
{
    /// <summary>Creates a DDIM sampler over <paramref name="schedule"/> with stochasticity <paramref name="eta"/> (ᾱ = 1 past the end, no clipping).</summary>
    public DdimScheduler(NoiseSchedule schedule, double eta = 0, TimestepSpacing spacing = TimestepSpacing.Leading) : base(schedule, spacing) =>
        Eta = CheckEta(eta);

    /// <summary>Creates a DDIM sampler from a diffusers config (resolved for DDIMScheduler if it is not already).</summary>
    public DdimScheduler(SchedulerConfig config, double eta = 0) : base(Resolve(config, "DDIMScheduler")) => Eta = CheckEta(eta);

    /// <summary>η: 0 deterministic, 1 DDPM-like noise.</summary>
    public double Eta { get; }

    /// <summary>σ of the step t → t' before scaling by η: √((1−ᾱ')/(1−ᾱ_t)·(1−ᾱ_t/ᾱ')).</summary>
    public double StepDeviation(int timestep, int previous)
    {
        double a = AlphaBar(timestep), aPrev = AlphaBar(previous);
        return Math.Sqrt(Math.Max((1 - aPrev) / (1 - a) * (1 - a / aPrev), 0));
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int t = (int)timestep;
        int previous = PreviousTimestep(t);
        double aPrev = AlphaBar(previous);
        double sigma = Eta * StepDeviation(t, previous);
        var (original, epsilon) = Predict(modelOutput, AlphaBar(t), sample);
        original = Clip(original);
        var next = original * Rounded(Math.Sqrt(aPrev)) + epsilon * Rounded(Math.Sqrt(Math.Max(1 - aPrev - sigma * sigma, 0)));
        // diffusers draws whenever η > 0; the own model skips the draw when σ = 0 (its last step), which keeps
        // the generator's later draws (the next batch's) as they always were.
        if (Eta > 0 && (sigma > 0 || Config is not null))
            next = next + Noise(sample.shape, sample.dtype, generator) * sigma;
        return next.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The exact inverse of a deterministic (η = 0) ε-prediction <see cref="Step"/> for the same noise prediction:
    /// from x_{t'} back to x_t = √ᾱ_t·(x_{t'} − √(1−ᾱ')·ε̂)/√ᾱ' + √(1−ᾱ_t)·ε̂. DDIM inversion evaluates
    /// ε̂ at x_{t'} (the best available point), which makes encode→decode a close, not exact, round trip.
    /// </summary>
    public Tensor InverseStep(Tensor modelOutput, int timestep, Tensor previousSample)
    {
        using var scope = NewDisposeScope();
        int previous = PreviousTimestep(timestep);
        double a = AlphaBar(timestep), aPrev = AlphaBar(previous);
        var original = (previousSample - modelOutput * Math.Sqrt(1 - aPrev)) / Math.Sqrt(aPrev);
        return (original * Math.Sqrt(a) + modelOutput * Math.Sqrt(1 - a)).MoveToOuterDisposeScope();
    }

    internal static SchedulerConfig Resolve(SchedulerConfig config, string className)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.ClassName == className ? config : config.ResolveFor(className);
    }

    private static double CheckEta(double eta)
    {
        if (eta < 0 || double.IsNaN(eta)) throw new UserErrorException($"{{DdimScheduler.eta}} must be ≥ 0 (0 = deterministic DDIM, 1 = DDPM-like), got {eta}");
        return eta;
    }
}
