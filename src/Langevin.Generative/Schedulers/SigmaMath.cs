using Langevin.Schedules;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// The numpy arithmetic diffusers uses to place timesteps and noise levels, reproduced step for step so that the
/// float32 values come out identical: numpy.linspace and numpy.interp in float64, σ = √((1−ᾱ)/ᾱ) in float32.
/// </summary>
internal static class SigmaMath
{
    /// <summary>numpy.linspace(start, stop, num, endpoint) in float64: start + i·step, the last point exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int num, bool endpoint = true)
    {
        var values = new double[num];
        int divisions = endpoint ? num - 1 : num;
        double step = divisions > 0 ? (stop - start) / divisions : 0;
        for (int i = 0; i < num; i++) values[i] = i * step + start;
        if (endpoint && num > 1) values[^1] = stop;
        return values;
    }

    /// <summary>
    /// The float timesteps of diffusers' σ samplers (Euler, Euler a, LMS, Heun), noisiest first, as float32:
    /// linspace(0, T−1, n); leading round(i·⌊T/n⌋) + offset; trailing round(T − i·T/n) − 1.
    /// </summary>
    public static float[] FloatTimesteps(TimestepSpacing spacing, int trainSteps, int inferenceSteps, int offset)
    {
        var timesteps = new float[inferenceSteps];
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                var points = Linspace(0, trainSteps - 1, inferenceSteps);
                for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (float)points[inferenceSteps - 1 - i];
                break;
            case TimestepSpacing.Leading:
                int ratio = trainSteps / inferenceSteps;
                for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (float)((inferenceSteps - 1 - i) * ratio) + offset;
                break;
            default:
                double step = (double)trainSteps / inferenceSteps;
                for (int i = 0; i < inferenceSteps; i++) timesteps[i] = (float)Math.Round(trainSteps - i * step) - 1;
                break;
        }
        return timesteps;
    }

    /// <summary>σ_t = ((1 − ᾱ_t)/ᾱ_t)^½ for every training step, in float32 as diffusers computes it from float32 ᾱ.</summary>
    public static float[] TrainingSigmas(NoiseSchedule schedule)
    {
        var sigmas = new float[schedule.Steps];
        for (int t = 0; t < sigmas.Length; t++)
        {
            float a = (float)schedule.AlphaBar(t);
            sigmas[t] = MathF.Sqrt((1f - a) / a);
        }
        return sigmas;
    }

    /// <summary>numpy.interp(x, [0, 1, …, N−1], values) in float64.</summary>
    public static double Interp(double x, IReadOnlyList<float> values)
    {
        int last = values.Count - 1;
        if (x <= 0) return values[0];
        if (x >= last) return values[last];
        int j = (int)Math.Floor(x);
        if (j == x) return values[j];
        double slope = ((double)values[j + 1] - values[j]) / 1.0;
        return slope * (x - j) + values[j];
    }

    /// <summary>
    /// The noise levels of Karras et al. (2022), eq. 5 with ρ = 7: (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ.
    /// </summary>
    public static double[] Karras(double sigmaMin, double sigmaMax, int count)
    {
        const double rho = 7.0;
        double minInv = Math.Pow(sigmaMin, 1 / rho), maxInv = Math.Pow(sigmaMax, 1 / rho);
        return Linspace(0, 1, count).Select(r => Math.Pow(maxInv + r * (minInv - maxInv), rho)).ToArray();
    }

    /// <summary>
    /// The fractional training step whose σ is <paramref name="sigma"/>, interpolating log σ linearly between the two
    /// neighbouring training steps (diffusers' _sigma_to_t; <paramref name="logSigmas"/> are float32 as there).
    /// </summary>
    public static double SigmaToT(double sigma, IReadOnlyList<float> logSigmas)
    {
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        // The last training step whose log σ is ≤ log σ (0 if none), kept one below the end.
        int low = 0;
        for (int i = 0; i < logSigmas.Count; i++) if (logSigma - logSigmas[i] >= 0) low = i;
        low = Math.Min(low, logSigmas.Count - 2);
        float lowLog = logSigmas[low], highLog = logSigmas[low + 1];
        double w = Math.Clamp((lowLog - logSigma) / (lowLog - highLog), 0, 1);
        return (1 - w) * low + w * (low + 1);
    }

    /// <summary>log σ in float32 for <see cref="SigmaToT"/>.</summary>
    public static float[] Log(IReadOnlyList<float> sigmas) => sigmas.Select(s => MathF.Log(s)).ToArray();
}
