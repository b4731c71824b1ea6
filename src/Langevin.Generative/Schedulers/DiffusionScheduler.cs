using Langevin.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>How inference timesteps are spread over the T training steps (diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary>t_i = i·⌊T/n⌋ + offset for i = n−1 … 0 (diffusers' default "leading"; Stable Diffusion 1.x).</summary>
    Leading,

    /// <summary>t_i = round(T − i·T/n) − 1 for i = 0 … n−1: starts at T−1, the pure-noise end.</summary>
    Trailing,

    /// <summary>n points evenly from T−1 down to 0 (rounded for the discrete samplers; the σ samplers' default).</summary>
    Linspace,
}

/// <summary>
/// The one sampler family, for the project's own model and for Stable Diffusion, with diffusers' split of roles:
/// <see cref="SetTimesteps"/> chooses the inference steps, <see cref="ScaleModelInput"/> prepares the model's input,
/// <see cref="Step"/> maps x_t to the next sample given the model's output, <see cref="AddNoise"/> draws x_t from x_0
/// (the forward process used in training and image-to-image). Built from a <see cref="NoiseSchedule"/> (the own model:
/// ᾱ in double precision) or from a diffusers <see cref="SchedulerConfig"/> (ᾱ rounded to float32 as diffusers keeps it).
/// Samplers with history (PNDM, LMS, DPM-Solver, Heun) must see the timesteps in order; <see cref="SetTimesteps"/> resets them.
/// </summary>
public abstract class DiffusionScheduler
{
    private double[] _timesteps = [];
    private readonly bool _float32;
    private readonly double _finalAlphaBar;

    /// <summary>Creates a scheduler over <paramref name="schedule"/> for a model predicting ε, with ᾱ = 1 past the last step.</summary>
    protected DiffusionScheduler(NoiseSchedule schedule, TimestepSpacing spacing)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Spacing = spacing;
        Prediction = PredictionType.Epsilon;
        _finalAlphaBar = 1;
    }

    /// <summary>Creates a scheduler from a resolved diffusers config (see <see cref="SchedulerConfig.ResolveFor"/>).</summary>
    protected DiffusionScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Thresholding == true) throw new UserErrorException("dynamic thresholding is not supported by these samplers (it is meant for pixel-space models)");
        Config = config;
        Schedule = config.BuildSchedule();
        Spacing = config.Spacing;
        Prediction = config.Prediction;
        StepsOffset = config.StepsOffset ?? 0;
        // With an exact schedule (the own model's) ᾱ stays in double precision, as the own DDIM/DDPM keep it.
        _float32 = config.ExactSchedule is null;
        _finalAlphaBar = config.SetAlphaToOne ?? true ? 1.0 : AlphaBar(0);
    }

    /// <summary>The resolved diffusers config this sampler was built from (null for the own model's samplers).</summary>
    public SchedulerConfig? Config { get; }

    /// <summary>The training noise schedule (T steps).</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>How <see cref="SetTimesteps"/> spreads the inference steps.</summary>
    public TimestepSpacing Spacing { get; }

    /// <summary>What the model predicts.</summary>
    public PredictionType Prediction { get; }

    /// <summary>Added to "leading" timesteps (diffusers' <c>steps_offset</c>; 1 for Stable Diffusion).</summary>
    public int StepsOffset { get; }

    /// <summary>The timesteps to run, in order, one <see cref="Step"/> call each (a second-order sampler repeats them).</summary>
    public IReadOnlyList<double> Timesteps => _timesteps;

    /// <summary>
    /// The timesteps from inference step <paramref name="startStep"/> on, as diffusers' image-to-image takes them
    /// (<c>timesteps[t_start · order:]</c>): a second-order sampler lists each step's timestep twice.
    /// </summary>
    public IReadOnlyList<double> TimestepsFrom(int startStep) => _timesteps.Skip(startStep * Order).ToArray();

    /// <summary>Number of inference steps last set.</summary>
    public int InferenceSteps { get; private set; }

    /// <summary>The noise levels σ_i = √((1−ᾱ)/ᾱ) of the σ-parameterised samplers (one more than the steps, ending at 0); empty for the others.</summary>
    public virtual IReadOnlyList<float> Sigmas => [];

    /// <summary>The standard deviation of the initial noise: multiply the N(0, I) draw by it.</summary>
    public virtual double InitNoiseSigma => 1.0;

    /// <summary>Model evaluations per inference step (2 for Heun).</summary>
    public virtual int Order => 1;

    /// <summary>Chooses <paramref name="inferenceSteps"/> timesteps out of the schedule's T and resets any history.</summary>
    public virtual void SetTimesteps(int inferenceSteps)
    {
        CheckInferenceSteps(inferenceSteps);
        UseTimesteps(DiscreteTimesteps(inferenceSteps).Select(t => (double)t).ToArray(), inferenceSteps);
    }

    /// <summary>Throws unless 1 ≤ <paramref name="inferenceSteps"/> ≤ T.</summary>
    protected void CheckInferenceSteps(int inferenceSteps)
    {
        int trainSteps = Schedule.Steps;
        if (inferenceSteps < 1 || inferenceSteps > trainSteps)
            throw new UserErrorException($"{{DiffusionScheduler.inferenceSteps}} must be between 1 and {trainSteps} (the model's training steps), got {inferenceSteps}");
    }

    /// <summary>Installs the timesteps chosen by a subclass.</summary>
    protected void UseTimesteps(double[] timesteps, int inferenceSteps)
    {
        _timesteps = timesteps ?? throw new ArgumentNullException(nameof(timesteps));
        InferenceSteps = inferenceSteps;
    }

    /// <summary>
    /// The integer timesteps of diffusers' DDIM/DDPM/PNDM for <see cref="Spacing"/>, noisiest first:
    /// leading i·⌊T/n⌋ + offset, trailing round(T − i·T/n) − 1, linspace round(linspace(0, T−1, n)).
    /// numpy rounds half to even, as <see cref="Math.Round(double)"/> does.
    /// </summary>
    protected int[] DiscreteTimesteps(int inferenceSteps)
    {
        int trainSteps = Schedule.Steps;
        var timesteps = new int[inferenceSteps];
        switch (Spacing)
        {
            case TimestepSpacing.Leading:
                int ratio = trainSteps / inferenceSteps;
                for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (inferenceSteps - 1 - i) * ratio + StepsOffset;
                break;
            case TimestepSpacing.Trailing:
                double step = (double)trainSteps / inferenceSteps;
                for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (int)Math.Round(trainSteps - i * step) - 1;
                break;
            default:
                var points = SigmaMath.Linspace(0, trainSteps - 1, inferenceSteps);
                for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (int)Math.Round(points[inferenceSteps - 1 - i]);
                break;
        }
        return timesteps;
    }

    /// <summary>
    /// The timestep that DDIM/DDPM/PNDM step to from <paramref name="timestep"/>: t − ⌊T/n⌋ as diffusers computes it
    /// (not the next entry of <see cref="Timesteps"/>, which differs for linspace spacing); −1 means "past the end".
    /// </summary>
    public int PreviousTimestep(int timestep)
    {
        if (Array.IndexOf(_timesteps, (double)timestep) < 0)
            throw new ArgumentException($"timestep {timestep} is not one of the scheduler's timesteps; call SetTimesteps first", nameof(timestep));
        return Math.Max(timestep - Schedule.Steps / InferenceSteps, -1);
    }

    /// <summary>
    /// ᾱ at <paramref name="timestep"/>; below 0 the final value (1, or ᾱ_0 when the config says set_alpha_to_one = false).
    /// From a config, ᾱ is rounded to float32 as diffusers stores alphas_cumprod.
    /// </summary>
    public double AlphaBar(int timestep) => timestep < 0 ? _finalAlphaBar : Rounded(Schedule.AlphaBar(timestep));

    /// <summary><paramref name="value"/> rounded to float32 when this sampler reproduces diffusers, else unchanged.</summary>
    protected double Rounded(double value) => _float32 ? (float)value : value;

    /// <summary>x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, with one timestep per batch element (integer tensor of length B).</summary>
    public virtual Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(timesteps);
        using var scope = NewDisposeScope();
        using var alphaBars = tensor(Schedule.AlphaBars().Select(a => (float)a).ToArray());
        var a = alphaBars.index_select(0, timesteps.to_type(ScalarType.Int64));
        var shape = new long[original.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        a = a.view(shape);
        return (a.sqrt() * original + (1 - a).sqrt() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>The clean-sample estimate x̂_0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t from a noise prediction ε̂.</summary>
    public Tensor PredictOriginal(Tensor modelOutput, int timestep, Tensor sample)
    {
        double a = AlphaBar(timestep);
        using var scaled = modelOutput * Math.Sqrt(1 - a);
        using var difference = sample - scaled;
        return difference / Math.Sqrt(a);
    }

    /// <summary>
    /// The model's input for <paramref name="sample"/> at <paramref name="timestep"/>: the σ samplers divide by √(σ²+1)
    /// (Karras et al. 2022's c_in); the others return the sample unchanged (a new handle, the caller disposes it).
    /// </summary>
    public virtual Tensor ScaleModelInput(Tensor sample, double timestep)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.alias();
    }

    /// <summary>
    /// One reverse step from <paramref name="sample"/> at <paramref name="timestep"/> (one of <see cref="Timesteps"/>)
    /// given the model's output on <see cref="ScaleModelInput"/> of it. <paramref name="generator"/> supplies the fresh
    /// noise of stochastic samplers, which refuse null (results depend on explicit generators only, never a global seed).
    /// </summary>
    public abstract Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null);

    /// <summary>Fresh standard normal noise for a stochastic step, from the caller's <paramref name="generator"/> (required).</summary>
    protected static Tensor Noise(long[] shape, ScalarType dtype, Generator? generator) =>
        randn(shape, dtype: dtype, generator: generator ?? throw new ArgumentNullException(nameof(generator),
            "a stochastic sampler step draws noise and needs an explicit generator (there is no global seed)"));

    /// <summary>(x̂_0, ε̂) from the model output under <see cref="Prediction"/>, with ᾱ as float32 or double scalars (see <see cref="Rounded"/>).</summary>
    protected (Tensor Original, Tensor Epsilon) Predict(Tensor modelOutput, double alphaBar, Tensor sample)
    {
        double sa = Rounded(Math.Sqrt(alphaBar)), sb = Rounded(Math.Sqrt(Rounded(1 - alphaBar)));
        return Prediction switch
        {
            PredictionType.Epsilon => ((sample - modelOutput * sb) / sa, modelOutput.alias()),
            PredictionType.VPrediction => (sample * sa - modelOutput * sb, modelOutput * sa + sample * sb),
            _ => (modelOutput.alias(), (sample - modelOutput * sa) / sb),
        };
    }

    /// <summary>Clamps x̂_0 to ±clip_sample_range when the config asks for it (diffusers' clip_sample).</summary>
    protected Tensor Clip(Tensor original) =>
        Config?.ClipSample == true ? original.clamp(-(Config.ClipSampleRange ?? 1.0), Config.ClipSampleRange ?? 1.0) : original;
}
