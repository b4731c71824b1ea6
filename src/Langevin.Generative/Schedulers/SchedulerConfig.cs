using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Langevin.Schedules;
using TorchSharp;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// A diffusers <c>scheduler/scheduler_config.json</c>: the keys the samplers here read, each null when the file leaves
/// it out. <see cref="ResolveFor"/> fills the missing keys with the target class's defaults, as diffusers'
/// <c>from_config</c> does (so a PNDM config opened as Euler gets Euler's <c>timestep_spacing</c> "linspace", not
/// PNDM's "leading"). Keys this library does not read are ignored.
/// </summary>
public sealed record SchedulerConfig
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The diffusers class the file was saved from (<c>_class_name</c>).</summary>
    [JsonPropertyName("_class_name")] public string? ClassName { get; init; }

    /// <summary>T, the number of training steps.</summary>
    [JsonPropertyName("num_train_timesteps")] public int? NumTrainTimesteps { get; init; }

    /// <summary>β at the first training step.</summary>
    [JsonPropertyName("beta_start")] public double? BetaStart { get; init; }

    /// <summary>β at the last training step.</summary>
    [JsonPropertyName("beta_end")] public double? BetaEnd { get; init; }

    /// <summary>"linear", "scaled_linear" or "squaredcos_cap_v2".</summary>
    [JsonPropertyName("beta_schedule")] public string? BetaSchedule { get; init; }

    /// <summary>Explicit β_t, overriding the three keys above.</summary>
    [JsonPropertyName("trained_betas")] public double[]? TrainedBetas { get; init; }

    /// <summary>"epsilon", "v_prediction" or "sample".</summary>
    [JsonPropertyName("prediction_type")] public string? PredictionType { get; init; }

    /// <summary>"leading", "trailing" or "linspace" (Lin et al. 2023, table 2).</summary>
    [JsonPropertyName("timestep_spacing")] public string? TimestepSpacing { get; init; }

    /// <summary>Added to "leading" timesteps (1 in Stable Diffusion's configs).</summary>
    [JsonPropertyName("steps_offset")] public int? StepsOffset { get; init; }

    /// <summary>Whether the step past the last timestep uses ᾱ = 1 (else ᾱ_0).</summary>
    [JsonPropertyName("set_alpha_to_one")] public bool? SetAlphaToOne { get; init; }

    /// <summary>Whether the predicted x_0 is clipped to ±<see cref="ClipSampleRange"/>.</summary>
    [JsonPropertyName("clip_sample")] public bool? ClipSample { get; init; }

    /// <summary>The clipping bound of <see cref="ClipSample"/>.</summary>
    [JsonPropertyName("clip_sample_range")] public double? ClipSampleRange { get; init; }

    /// <summary>PNDM: skip the Runge–Kutta warm-up and run pure PLMS (Stable Diffusion's setting).</summary>
    [JsonPropertyName("skip_prk_steps")] public bool? SkipPrkSteps { get; init; }

    /// <summary>Whether to use the noise levels of Karras et al. (2022), ρ = 7.</summary>
    [JsonPropertyName("use_karras_sigmas")] public bool? UseKarrasSigmas { get; init; }

    /// <summary>The smallest σ of a Karras schedule (null: the model's).</summary>
    [JsonPropertyName("sigma_min")] public double? SigmaMin { get; init; }

    /// <summary>The largest σ of a Karras schedule (null: the model's).</summary>
    [JsonPropertyName("sigma_max")] public double? SigmaMax { get; init; }

    /// <summary>Euler: how σ is interpolated between training steps ("linear" is supported).</summary>
    [JsonPropertyName("interpolation_type")] public string? InterpolationType { get; init; }

    /// <summary>Euler: "discrete" timesteps (the supported kind) or "continuous".</summary>
    [JsonPropertyName("timestep_type")] public string? TimestepType { get; init; }

    /// <summary>DPM-Solver: the multistep order (1 or 2 are supported).</summary>
    [JsonPropertyName("solver_order")] public int? SolverOrder { get; init; }

    /// <summary>DPM-Solver: "dpmsolver++" (the supported one) or the others diffusers has.</summary>
    [JsonPropertyName("algorithm_type")] public string? AlgorithmType { get; init; }

    /// <summary>DPM-Solver: the second-order formula, "midpoint" (supported) or "heun".</summary>
    [JsonPropertyName("solver_type")] public string? SolverType { get; init; }

    /// <summary>DPM-Solver: first-order steps at the end for fewer than 15 steps.</summary>
    [JsonPropertyName("lower_order_final")] public bool? LowerOrderFinal { get; init; }

    /// <summary>DPM-Solver: whether the last step is an Euler step.</summary>
    [JsonPropertyName("euler_at_final")] public bool? EulerAtFinal { get; init; }

    /// <summary>DPM-Solver: Lu et al.'s uniform-λ schedule (not supported).</summary>
    [JsonPropertyName("use_lu_lambdas")] public bool? UseLuLambdas { get; init; }

    /// <summary>DPM-Solver: the σ after the last step, "zero" or "sigma_min".</summary>
    [JsonPropertyName("final_sigmas_type")] public string? FinalSigmasType { get; init; }

    /// <summary>DDPM: "fixed_small" (supported) or another variance rule.</summary>
    [JsonPropertyName("variance_type")] public string? VarianceType { get; init; }

    /// <summary>LCM: the number of steps of the distillation schedule.</summary>
    [JsonPropertyName("original_inference_steps")] public int? OriginalInferenceSteps { get; init; }

    /// <summary>LCM: the factor on t in the consistency boundary condition.</summary>
    [JsonPropertyName("timestep_scaling")] public double? TimestepScaling { get; init; }

    /// <summary>Dynamic thresholding (Imagen); not supported for latent models.</summary>
    [JsonPropertyName("thresholding")] public bool? Thresholding { get; init; }

    /// <summary>Rescale β to zero terminal SNR (Lin et al. 2023); not supported.</summary>
    [JsonPropertyName("rescale_betas_zero_snr")] public bool? RescaleBetasZeroSnr { get; init; }

    /// <summary>
    /// An exact training schedule (the own model's, ᾱ in double precision) that <see cref="BuildSchedule"/> returns as it
    /// is instead of building one from the β keys in float32; not part of the JSON file. Its steps must equal
    /// <see cref="NumTrainTimesteps"/> when that is set.
    /// </summary>
    [JsonIgnore] public NoiseSchedule? ExactSchedule { get; init; }

    /// <summary>Reads a scheduler_config.json file.</summary>
    public static SchedulerConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new UserErrorException($"scheduler config '{path}' does not exist");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the JSON text of a scheduler config (<paramref name="source"/> names it in errors).</summary>
    public static SchedulerConfig Parse(string json, string source = "scheduler config")
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<SchedulerConfig>(json, Json)
                ?? throw new UserErrorException($"{source} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{source} is not a valid scheduler config: {e.Message}", e);
        }
    }

    /// <summary>This config with every key that <paramref name="overrides"/> sets replaced (from_config's keyword arguments).</summary>
    public SchedulerConfig With(SchedulerConfig overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(overrides, Json)!.AsObject())
            merged[key] = value?.DeepClone();
        return merged.Deserialize<SchedulerConfig>(Json)! with { ExactSchedule = overrides.ExactSchedule ?? ExactSchedule };
    }

    /// <summary>
    /// The config that diffusers' <c>from_config</c> gives <paramref name="className"/> (e.g. "EulerDiscreteScheduler"):
    /// keys set here win, the others take that class's constructor defaults (diffusers v0.27.2).
    /// </summary>
    public SchedulerConfig ResolveFor(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        if (!SchedulerDefaults.ByClass.TryGetValue(className, out var defaults))
            throw new ArgumentException($"'{className}' is not a diffusers scheduler class supported here", nameof(className));
        return defaults.With(this) with { ClassName = className };
    }

    /// <summary>This config as JSON (keys left out stay out).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    /// <summary>The parsed <see cref="PredictionType"/>.</summary>
    internal PredictionType Prediction => PredictionType switch
    {
        null or "epsilon" => Schedulers.PredictionType.Epsilon,
        "v_prediction" => Schedulers.PredictionType.VPrediction,
        "sample" or "original_sample" => Schedulers.PredictionType.Sample,
        _ => throw new UserErrorException($"unknown prediction_type '{PredictionType}' in the scheduler config; use epsilon, v_prediction or sample"),
    };

    /// <summary>The parsed <see cref="TimestepSpacing"/>.</summary>
    internal TimestepSpacing Spacing => TimestepSpacing switch
    {
        null or "leading" => Schedulers.TimestepSpacing.Leading,
        "trailing" => Schedulers.TimestepSpacing.Trailing,
        "linspace" => Schedulers.TimestepSpacing.Linspace,
        _ => throw new UserErrorException($"unknown timestep_spacing '{TimestepSpacing}' in the scheduler config; use leading, trailing or linspace"),
    };

    /// <summary>
    /// The training schedule as diffusers builds it: β_t in float32 (torch.linspace in float32, squared for
    /// "scaled_linear"), α_t = 1 − β_t in float32, ᾱ_t their cumulative product. The returned schedule's β are chosen so
    /// that 1 − β equals each float32 α exactly; torch's CPU cumprod accumulates in double, as <see cref="NoiseSchedule"/>
    /// does, so rounding its ᾱ to float32 reproduces diffusers' alphas_cumprod bit for bit.
    /// </summary>
    public NoiseSchedule BuildSchedule()
    {
        if (RescaleBetasZeroSnr == true)
            throw new UserErrorException("rescale_betas_zero_snr is not supported by these samplers");
        if (ExactSchedule is { } exact)
        {
            if (NumTrainTimesteps is { } n && n != exact.Steps)
                throw new UserErrorException($"num_train_timesteps {n} differs from the {exact.Steps} steps of the given schedule");
            return exact;
        }
        int steps = NumTrainTimesteps ?? 1000;
        if (steps < 1) throw new UserErrorException($"num_train_timesteps must be at least 1, got {steps}");
        double start = BetaStart ?? 1e-4, end = BetaEnd ?? 0.02;
        float[] betas;
        if (TrainedBetas is { } trained)
            betas = trained.Select(b => (float)b).ToArray();
        else
            betas = (BetaSchedule ?? "linear") switch
            {
                "linear" => Linspace32(start, end, steps),
                "scaled_linear" => Linspace32(Math.Sqrt(start), Math.Sqrt(end), steps).Select(b => b * b).ToArray(),
                "squaredcos_cap_v2" => Enumerable.Range(0, steps).Select(t => (float)NoiseSchedule.Cosine(steps).Beta(t)).ToArray(),
                var other => throw new UserErrorException($"unknown beta_schedule '{other}' in the scheduler config; use linear, scaled_linear or squaredcos_cap_v2"),
            };
        var effective = betas.Select(b => 1 - (double)(1f - b)).ToArray();
        return new NoiseSchedule(effective, BetaSchedule ?? "custom");
    }

    private static float[] Linspace32(double start, double end, int steps)
    {
        // torch.linspace's own float32 kernel (it steps from both ends), not a re-derivation of it.
        using var values = torch.linspace(start, end, steps, dtype: torch.ScalarType.Float32);
        return values.data<float>().ToArray();
    }
}
