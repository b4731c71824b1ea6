using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// The samplers written in σ = √((1−ᾱ)/ᾱ) (Karras et al. 2022, "k-diffusion"): x_σ = x_0 + σ·ε, the model sees
/// x/√(σ²+1), and the initial noise has standard deviation σ_max. Euler, Euler a, LMS and Heun share this base, as
/// diffusers' Euler/LMS/Heun classes share their set_timesteps. The step index advances with each <see cref="DiffusionScheduler.Step"/>.
/// </summary>
public abstract class SigmaScheduler : DiffusionScheduler
{
    private float[] _sigmas = [];
    private int? _stepIndex;

    /// <summary>Creates the sampler from a resolved config.</summary>
    private protected SigmaScheduler(SchedulerConfig config) : base(config) { }

    /// <inheritdoc />
    public override IReadOnlyList<float> Sigmas => _sigmas;

    /// <summary>σ_max for linspace/trailing spacing, √(σ_max²+1) for leading (diffusers' init_noise_sigma).</summary>
    public override double InitNoiseSigma
    {
        get
        {
            float max = _sigmas.Length == 0 ? 0 : _sigmas.Max();
            return Spacing == TimestepSpacing.Leading ? MathF.Sqrt(max * max + 1) : max;
        }
    }

    /// <summary>Whether the config asks for Karras et al.'s noise levels.</summary>
    protected bool UseKarras => Config!.UseKarrasSigmas == true;

    /// <inheritdoc />
    public override void SetTimesteps(int inferenceSteps)
    {
        CheckInferenceSteps(inferenceSteps);
        var train = SigmaMath.TrainingSigmas(Schedule);
        float[] steps = SigmaMath.FloatTimesteps(Spacing, Schedule.Steps, inferenceSteps, StepsOffset);
        var sigmas = steps.Select(t => SigmaMath.Interp(t, train)).ToArray();
        double[] timesteps = steps.Select(t => (double)t).ToArray();
        if (UseKarras)
        {
            sigmas = SigmaMath.Karras(Config!.SigmaMin ?? sigmas[^1], Config.SigmaMax ?? sigmas[0], inferenceSteps);
            var logSigmas = SigmaMath.Log(train);
            timesteps = sigmas.Select(s => (double)(float)SigmaMath.SigmaToT(s, logSigmas)).ToArray();
        }
        Install(timesteps, [.. sigmas.Select(s => (float)s), 0f], inferenceSteps);
    }

    /// <summary>Installs the timesteps and σ (one more σ than timesteps) and resets the step index.</summary>
    protected virtual void Install(double[] timesteps, float[] sigmas, int inferenceSteps)
    {
        UseTimesteps(timesteps, inferenceSteps);
        _sigmas = sigmas;
        _stepIndex = null;
    }

    /// <inheritdoc />
    public override Tensor ScaleModelInput(Tensor sample, double timestep)
    {
        ArgumentNullException.ThrowIfNull(sample);
        float sigma = _sigmas[CurrentIndex(timestep)];
        return sample / MathF.Sqrt(sigma * sigma + 1);
    }

    /// <summary>x_σ = x_0 + σ·ε at each batch element's timestep.</summary>
    public override Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(timesteps);
        using var scope = NewDisposeScope();
        using var values = timesteps.to_type(ScalarType.Float64);
        var sigma = values.data<double>().Select(t => _sigmas[IndexOf(t)]).ToArray();
        var shape = Enumerable.Repeat(1L, (int)original.dim()).ToArray();
        shape[0] = -1;
        var s = tensor(sigma, dtype: original.dtype).view(shape);
        return (original + noise * s).MoveToOuterDisposeScope();
    }

    /// <summary>The index of the step being taken: found from <paramref name="timestep"/> on the first call after <see cref="SetTimesteps"/>.</summary>
    protected int CurrentIndex(double timestep) => _stepIndex ??= IndexOf(timestep);

    /// <summary>Moves to the next step.</summary>
    protected void Advance() => _stepIndex = (_stepIndex ?? throw new InvalidOperationException("no step taken yet")) + 1;

    /// <summary>σ at position <paramref name="index"/>.</summary>
    protected float SigmaAt(int index) => _sigmas[index];

    /// <summary>diffusers' index_for_timestep: the first match, or the second if the timestep occurs twice (img2img starting mid-way).</summary>
    protected int IndexOf(double timestep)
    {
        int first = -1, count = 0;
        for (int i = 0; i < Timesteps.Count; i++)
        {
            if ((float)Timesteps[i] != (float)timestep) continue;
            if (count++ == 0) first = i;
            else return i;
        }
        if (first < 0) throw new ArgumentException($"timestep {timestep} is not one of the sampler's timesteps; call SetTimesteps first", nameof(timestep));
        return first;
    }

    /// <summary>x̂_0 from the model output at noise level σ (ε: x − σ·ε̂; v: −σ/√(σ²+1)·v̂ + x/(σ²+1)), in float32 as diffusers.</summary>
    protected Tensor PredictOriginal(Tensor modelOutput, float sigma, Tensor sample) => Prediction switch
    {
        PredictionType.Epsilon => sample - modelOutput * sigma,
        PredictionType.VPrediction => modelOutput * (-sigma / MathF.Sqrt(sigma * sigma + 1)) + sample / (sigma * sigma + 1),
        _ => modelOutput.alias(),
    };
}
