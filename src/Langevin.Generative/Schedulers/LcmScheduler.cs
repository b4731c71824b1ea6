using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Latent consistency model sampling (Luo et al. 2023, algorithm 1), as diffusers' <c>LCMScheduler</c>: at each step the
/// consistency function f(x, t) = c_skip(t)·x + c_out(t)·x̂_0 gives the denoised sample, which is re-noised to the next
/// timestep with fresh noise (none after the last step). The timesteps are a subset of the distillation schedule
/// (original_inference_steps, 50 by default).
/// </summary>
public sealed class LcmScheduler : DiffusionScheduler
{
    private int? _stepIndex;

    /// <summary>Creates the sampler from a diffusers config (resolved for LCMScheduler if it is not already).</summary>
    public LcmScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "LCMScheduler")) { }

    /// <inheritdoc />
    public override void SetTimesteps(int inferenceSteps)
    {
        CheckInferenceSteps(inferenceSteps);
        int train = Schedule.Steps, original = Config!.OriginalInferenceSteps ?? 50;
        if (original > train) throw new UserErrorException($"LCM original_inference_steps {original} exceeds the {train} training steps");
        if (inferenceSteps > original)
            throw new UserErrorException($"{{DiffusionScheduler.inferenceSteps}} must be at most {original} for LCM (its distillation schedule), got {inferenceSteps}");
        int k = train / original;
        // The distillation timesteps k·i − 1 (i = 1 … original), noisiest first, sampled at ⌊linspace(0, original, n, endpoint=false)⌋.
        var schedule = Enumerable.Range(1, original).Select(i => i * k - 1).Reverse().ToArray();
        var picks = SigmaMath.Linspace(0, original, inferenceSteps, endpoint: false);
        UseTimesteps(picks.Select(p => (double)schedule[(int)Math.Floor(p)]).ToArray(), inferenceSteps);
        _stepIndex = null;
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        var (next, denoised) = StepWithDenoised(modelOutput, timestep, sample, generator);
        denoised.Dispose();
        return next;
    }

    /// <summary><see cref="Step"/> that also returns the denoised estimate f(x_t, t) (what LCM pipelines decode at the end).</summary>
    public (Tensor Previous, Tensor Denoised) StepWithDenoised(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int index = _stepIndex ??= IndexOf(timestep);
        int t = (int)timestep;
        int previous = index + 1 < Timesteps.Count ? (int)Timesteps[index + 1] : t;
        float a = (float)AlphaBar(t), aPrev = (float)AlphaBar(previous);
        var (cSkip, cOut) = BoundaryScalings(t);
        var (original, _) = Predict(modelOutput, a, sample);
        var denoised = Clip(original) * cOut + sample * cSkip;
        Tensor next = denoised;
        if (index != InferenceSteps - 1)
        {
            var noise = Noise(modelOutput.shape, denoised.dtype, generator);
            next = denoised * MathF.Sqrt(aPrev) + noise * MathF.Sqrt(1f - aPrev);
        }
        _stepIndex = index + 1;
        return (next.MoveToOuterDisposeScope(), denoised.alias().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// c_skip = σ_d²/((s·t)² + σ_d²), c_out = s·t/√((s·t)² + σ_d²) with σ_d = 0.5 and s = timestep_scaling (Song et al. 2023's
    /// boundary condition), in float32; diffusers' 0.25/x is torch's reciprocal(x)·0.25.
    /// </summary>
    private (float Skip, float Out) BoundaryScalings(int timestep)
    {
        float scaled = timestep * (float)(Config!.TimestepScaling ?? 10.0);
        float squared = scaled * scaled + 0.25f;
        return (1f / squared * 0.25f, scaled / MathF.Sqrt(squared));
    }

    private int IndexOf(double timestep)
    {
        var matches = Enumerable.Range(0, Timesteps.Count).Where(i => Timesteps[i] == timestep).Take(2).ToArray();
        if (matches.Length == 0) throw new ArgumentException($"timestep {timestep} is not one of the sampler's timesteps; call SetTimesteps first", nameof(timestep));
        return matches[^1];
    }
}
