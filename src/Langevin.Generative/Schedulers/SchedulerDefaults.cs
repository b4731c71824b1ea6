namespace Langevin.Generative.Schedulers;

/// <summary>The constructor defaults of each supported diffusers scheduler class at v0.27.2, for <see cref="SchedulerConfig.ResolveFor"/>.</summary>
internal static class SchedulerDefaults
{
    private static readonly SchedulerConfig Common = new()
    {
        NumTrainTimesteps = 1000, BetaStart = 1e-4, BetaEnd = 0.02, BetaSchedule = "linear", PredictionType = "epsilon", StepsOffset = 0,
    };

    private static readonly SchedulerConfig SigmaCommon = Common with { TimestepSpacing = "linspace", UseKarrasSigmas = false };

    /// <summary>Class name → defaults (keys the class does not have stay null).</summary>
    public static readonly IReadOnlyDictionary<string, SchedulerConfig> ByClass = new Dictionary<string, SchedulerConfig>(StringComparer.Ordinal)
    {
        ["DDIMScheduler"] = Common with
        {
            ClipSample = true, SetAlphaToOne = true, Thresholding = false, ClipSampleRange = 1.0, TimestepSpacing = "leading", RescaleBetasZeroSnr = false,
        },
        ["DDPMScheduler"] = Common with
        {
            VarianceType = "fixed_small", ClipSample = true, Thresholding = false, ClipSampleRange = 1.0, TimestepSpacing = "leading", RescaleBetasZeroSnr = false,
        },
        ["PNDMScheduler"] = Common with { SkipPrkSteps = false, SetAlphaToOne = false, TimestepSpacing = "leading" },
        ["LMSDiscreteScheduler"] = SigmaCommon,
        ["EulerDiscreteScheduler"] = SigmaCommon with { InterpolationType = "linear", TimestepType = "discrete", RescaleBetasZeroSnr = false },
        ["EulerAncestralDiscreteScheduler"] = Common with { TimestepSpacing = "linspace", RescaleBetasZeroSnr = false },
        ["HeunDiscreteScheduler"] = SigmaCommon with { BetaStart = 0.00085, BetaEnd = 0.012, ClipSample = false, ClipSampleRange = 1.0 },
        ["DPMSolverMultistepScheduler"] = SigmaCommon with
        {
            SolverOrder = 2, Thresholding = false, AlgorithmType = "dpmsolver++", SolverType = "midpoint", LowerOrderFinal = true, EulerAtFinal = false,
            UseLuLambdas = false, FinalSigmasType = "zero", RescaleBetasZeroSnr = false,
        },
        ["LCMScheduler"] = Common with
        {
            BetaStart = 0.00085, BetaEnd = 0.012, BetaSchedule = "scaled_linear", OriginalInferenceSteps = 50, ClipSample = false, ClipSampleRange = 1.0,
            SetAlphaToOne = true, Thresholding = false, TimestepSpacing = "leading", TimestepScaling = 10.0, RescaleBetasZeroSnr = false,
        },
    };
}
