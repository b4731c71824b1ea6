using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// DPM-Solver++ multistep (Lu et al. 2022, "DPM-Solver++", algorithm 2, midpoint form), as diffusers'
/// <c>DPMSolverMultistepScheduler</c> with algorithm_type "dpmsolver++": "DPM++ 2M" with solver_order 2, "DPM++ 2M Karras"
/// with use_karras_sigmas. It integrates in λ = log(α/σ) using the model's x̂_0 predictions; the first step (no history
/// yet) and, with lower_order_final or a final σ of 0, the last step are first order.
/// </summary>
public sealed class DpmSolverMultistepScheduler : DiffusionScheduler
{
    private float[] _sigmas = [];
    private readonly Tensor?[] _outputs = new Tensor?[2];
    private int _lowerOrderCount;
    private int? _stepIndex;

    /// <summary>Creates the sampler from a diffusers config (resolved for DPMSolverMultistepScheduler if it is not already).</summary>
    public DpmSolverMultistepScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "DPMSolverMultistepScheduler"))
    {
        var c = Config!;
        if (c.AlgorithmType is { } algorithm && algorithm != "dpmsolver++")
            throw new UserErrorException($"DPM-Solver algorithm_type '{algorithm}' is not supported; only dpmsolver++");
        if (c.SolverType is { } solver && solver != "midpoint")
            throw new UserErrorException($"DPM-Solver solver_type '{solver}' is not supported; only midpoint");
        SolverOrder = c.SolverOrder ?? 2;
        if (SolverOrder is < 1 or > 2) throw new UserErrorException($"DPM-Solver solver_order {SolverOrder} is not supported; use 1 or 2");
        if (c.UseLuLambdas == true) throw new UserErrorException("DPM-Solver use_lu_lambdas is not supported");
        if (c.FinalSigmasType is { } final && final is not ("zero" or "sigma_min"))
            throw new UserErrorException($"DPM-Solver final_sigmas_type '{final}' is not supported; use zero or sigma_min");
    }

    /// <summary>1 (DPM-Solver++ 1S, i.e. DDIM in λ) or 2 (DPM++ 2M).</summary>
    public int SolverOrder { get; }

    /// <inheritdoc />
    public override IReadOnlyList<float> Sigmas => _sigmas;

    /// <inheritdoc />
    public override void SetTimesteps(int inferenceSteps)
    {
        CheckInferenceSteps(inferenceSteps);
        var c = Config!;
        int train = Schedule.Steps;
        var trainSigmas = SigmaMath.TrainingSigmas(Schedule);
        // DPM-Solver draws n+1 points and drops the last (t = 0), unlike the other samplers.
        double[] timesteps = Spacing switch
        {
            TimestepSpacing.Linspace => SigmaMath.Linspace(0, train - 1, inferenceSteps + 1).Select(t => Math.Round(t)).Reverse().Take(inferenceSteps).ToArray(),
            TimestepSpacing.Leading => Enumerable.Range(0, inferenceSteps + 1).Select(i => (double)(i * (train / (inferenceSteps + 1)))).Reverse().Take(inferenceSteps).Select(t => t + StepsOffset).ToArray(),
            _ => Enumerable.Range(0, inferenceSteps).Select(i => Math.Round(train - i * ((double)train / inferenceSteps)) - 1).ToArray(),
        };
        double[] sigmas;
        if (c.UseKarrasSigmas == true)
        {
            sigmas = SigmaMath.Karras(c.SigmaMin ?? trainSigmas[0], c.SigmaMax ?? trainSigmas[^1], inferenceSteps);
            var logSigmas = SigmaMath.Log(trainSigmas);
            timesteps = sigmas.Select(s => Math.Round(SigmaMath.SigmaToT(s, logSigmas))).ToArray();
        }
        else
            sigmas = timesteps.Select(t => SigmaMath.Interp(t, trainSigmas)).ToArray();
        float last = c.FinalSigmasType == "sigma_min" ? trainSigmas[0] : 0f;
        _sigmas = [.. sigmas.Select(s => (float)s), last];
        UseTimesteps(timesteps, timesteps.Length);
        foreach (var o in _outputs) o?.Dispose();
        Array.Clear(_outputs);
        _lowerOrderCount = 0;
        _stepIndex = null;
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int index = _stepIndex ??= IndexOf(timestep);
        var c = Config!;
        int n = Timesteps.Count;
        bool lowerOrderFinal = index == n - 1 && (c.EulerAtFinal == true || (c.LowerOrderFinal != false && n < 15) || c.FinalSigmasType != "sigma_min");

        var original = ToOriginal(modelOutput, _sigmas[index], sample).DetachFromDisposeScope();
        _outputs[0]?.Dispose();
        _outputs[0] = _outputs[1];
        _outputs[1] = original;

        // diffusers' lower_order_second only matters for third order, which is not offered here.
        Tensor next = SolverOrder == 1 || _lowerOrderCount < 1 || lowerOrderFinal
            ? FirstOrder(original, index, sample)
            : SecondOrder(index, sample);
        if (_lowerOrderCount < SolverOrder) _lowerOrderCount++;
        _stepIndex = index + 1;
        return next.MoveToOuterDisposeScope();
    }

    /// <summary>x_σ = α·x_0 + σ_t·ε with α = 1/√(σ²+1), σ_t = σ·α at each batch element's timestep.</summary>
    public override Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(timesteps);
        using var scope = NewDisposeScope();
        using var values = timesteps.to_type(ScalarType.Float64);
        var pairs = values.data<double>().Select(t => AlphaSigma(_sigmas[IndexOf(t)])).ToArray();
        var shape = Enumerable.Repeat(1L, (int)original.dim()).ToArray();
        shape[0] = -1;
        var alpha = tensor(pairs.Select(p => p.Alpha).ToArray()).view(shape);
        var sigma = tensor(pairs.Select(p => p.Sigma).ToArray()).view(shape);
        return (original * alpha + noise * sigma).MoveToOuterDisposeScope();
    }

    /// <summary>(α_t, σ_t) of the VP process at noise level σ: α = 1/√(σ²+1), σ_t = σ·α (float32 as diffusers).</summary>
    private static (float Alpha, float Sigma) AlphaSigma(float sigma)
    {
        float alpha = 1f / MathF.Sqrt(sigma * sigma + 1);
        return (alpha, sigma * alpha);
    }

    private static float Lambda(float alpha, float sigma) => MathF.Log(alpha) - MathF.Log(sigma);

    private Tensor ToOriginal(Tensor modelOutput, float sigma, Tensor sample)
    {
        var (alpha, sigmaT) = AlphaSigma(sigma);
        return Prediction switch
        {
            PredictionType.Epsilon => (sample - modelOutput * sigmaT) / alpha,
            PredictionType.VPrediction => sample * alpha - modelOutput * sigmaT,
            _ => modelOutput.alias(),
        };
    }

    /// <summary>DPM-Solver++(1): x_t = (σ_t/σ_s)·x − α_t·(e^{−h} − 1)·D0, h = λ_t − λ_s.</summary>
    private Tensor FirstOrder(Tensor original, int index, Tensor sample)
    {
        var (alphaT, sigmaT) = AlphaSigma(_sigmas[index + 1]);
        var (alphaS, sigmaS) = AlphaSigma(_sigmas[index]);
        float h = Lambda(alphaT, sigmaT) - Lambda(alphaS, sigmaS);
        return sample * (sigmaT / sigmaS) - original * (alphaT * (MathF.Exp(-h) - 1f));
    }

    /// <summary>DPM-Solver++(2M), midpoint: adds −½·α_t·(e^{−h} − 1)·D1 with D1 = (m0 − m1)/r0, r0 = h_0/h.</summary>
    private Tensor SecondOrder(int index, Tensor sample)
    {
        var (alphaT, sigmaT) = AlphaSigma(_sigmas[index + 1]);
        var (alphaS0, sigmaS0) = AlphaSigma(_sigmas[index]);
        var (alphaS1, sigmaS1) = AlphaSigma(_sigmas[index - 1]);
        float lambdaT = Lambda(alphaT, sigmaT), lambdaS0 = Lambda(alphaS0, sigmaS0), lambdaS1 = Lambda(alphaS1, sigmaS1);
        Tensor m0 = _outputs[1]!, m1 = _outputs[0]!;
        float h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1;
        float r0 = h0 / h;
        var d1 = (m0 - m1) * (1f / r0);
        float e = alphaT * (MathF.Exp(-h) - 1f);
        return sample * (sigmaT / sigmaS0) - m0 * e - d1 * (0.5f * e);
    }

    /// <summary>diffusers' index_for_timestep for this class: second match if repeated, the last step if absent.</summary>
    private int IndexOf(double timestep)
    {
        var matches = Enumerable.Range(0, Timesteps.Count).Where(i => Timesteps[i] == timestep).Take(2).ToArray();
        return matches.Length switch { 0 => Timesteps.Count - 1, 1 => matches[0], _ => matches[1] };
    }
}
