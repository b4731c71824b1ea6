using Langevin.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>How inference timesteps are spread over the T training steps (diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary>t_i = i·⌊T/n⌋ for i = n−1 … 0 (diffusers' default "leading"; Stable Diffusion 1.x).</summary>
    Leading,

    /// <summary>t_i = round(T − i·T/n) − 1 for i = 0 … n−1: starts at T−1, the pure-noise end.</summary>
    Trailing,
}

/// <summary>
/// A sampler over a <see cref="NoiseSchedule"/> with diffusers' split of roles: <see cref="SetTimesteps"/>
/// chooses the inference steps, <see cref="Step"/> maps x_t to x_{t_prev} given the model's noise
/// prediction ε̂, <see cref="AddNoise"/> draws x_t from x_0 (the forward process used in training).
/// All maths is in float32 tensors built from the double-precision schedule.
/// </summary>
public abstract class DiffusionScheduler
{
    private int[] _timesteps = [];

    /// <summary>Creates a scheduler over <paramref name="schedule"/>.</summary>
    protected DiffusionScheduler(NoiseSchedule schedule, TimestepSpacing spacing)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Spacing = spacing;
    }

    /// <summary>The training noise schedule (T steps).</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>How <see cref="SetTimesteps"/> spreads the inference steps.</summary>
    public TimestepSpacing Spacing { get; }

    /// <summary>The inference timesteps chosen by <see cref="SetTimesteps"/>, from noisiest to cleanest.</summary>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <summary>Number of inference steps last set.</summary>
    public int InferenceSteps => _timesteps.Length;

    /// <summary>Chooses <paramref name="inferenceSteps"/> timesteps out of the schedule's T.</summary>
    public void SetTimesteps(int inferenceSteps)
    {
        int trainSteps = Schedule.Steps;
        if (inferenceSteps < 1 || inferenceSteps > trainSteps)
            throw new UserErrorException($"{{DiffusionScheduler.inferenceSteps}} must be between 1 and {trainSteps} (the model's training steps), got {inferenceSteps}");
        var timesteps = new int[inferenceSteps];
        if (Spacing == TimestepSpacing.Leading)
        {
            int ratio = trainSteps / inferenceSteps;
            for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (inferenceSteps - 1 - i) * ratio;
        }
        else
        {
            double ratio = (double)trainSteps / inferenceSteps;
            for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (int)Math.Round(trainSteps - i * ratio) - 1;
        }
        _timesteps = timesteps;
    }

    /// <summary>The timestep that <see cref="Step"/> moves to from <paramref name="timestep"/>; −1 means "clean" (ᾱ = 1).</summary>
    public int PreviousTimestep(int timestep)
    {
        int index = Array.IndexOf(_timesteps, timestep);
        if (index < 0) throw new ArgumentException($"timestep {timestep} is not one of the scheduler's timesteps; call SetTimesteps first", nameof(timestep));
        return index + 1 < _timesteps.Length ? _timesteps[index + 1] : -1;
    }

    /// <summary>ᾱ at <paramref name="timestep"/>, with ᾱ(−1) = 1 (diffusers' <c>set_alpha_to_one</c>).</summary>
    public double AlphaBar(int timestep) => timestep < 0 ? 1.0 : Schedule.AlphaBar(timestep);

    /// <summary>x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, with one timestep per batch element (int64 tensor of length B).</summary>
    public Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        using var alphaBars = tensor(Schedule.AlphaBars().Select(a => (float)a).ToArray());
        var a = alphaBars.index_select(0, timesteps.to_type(ScalarType.Int64));
        var shape = new long[original.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        a = a.view(shape);
        return (a.sqrt() * original + (1 - a).sqrt() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>The clean-sample estimate x̂_0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t.</summary>
    public Tensor PredictOriginal(Tensor modelOutput, int timestep, Tensor sample)
    {
        double a = AlphaBar(timestep);
        using var scaled = modelOutput * Math.Sqrt(1 - a);
        using var difference = sample - scaled;
        return difference / Math.Sqrt(a);
    }

    /// <summary>
    /// One reverse step x_t → x_{t_prev} from the model's noise prediction <paramref name="modelOutput"/>.
    /// <paramref name="generator"/> supplies the fresh noise of stochastic samplers (null: torch's global generator).
    /// </summary>
    public abstract Tensor Step(Tensor modelOutput, int timestep, Tensor sample, Generator? generator = null);
}
