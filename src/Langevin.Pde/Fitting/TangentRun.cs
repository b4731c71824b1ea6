using Langevin.Pde.Operators;

namespace Langevin.Pde.Fitting;

/// <summary>
/// What the fit models share: a <see cref="SplitStepper"/> run from snapshot to snapshot with a fixed number of
/// θ-method substeps per interval, together with the tangents of those steps along each operator derivative.
/// </summary>
internal static class TangentRun
{
    /// <summary>
    /// Advances <paramref name="u"/> (the state at <c>times[0]</c>) through <paramref name="times"/>; fills values[q] and,
    /// with <paramref name="derivatives"/>, sensitivities[q][j] = ∂u/∂ηⱼ at <c>times[q]</c> (zero at the start).
    /// </summary>
    public static void Run(SplitStepper stepper, double[] u, IReadOnlyList<double> times, IReadOnlyList<int> substeps, double theta,
        SplitOperator[]? derivatives, double[][] values, double[][][]? sensitivities)
    {
        var previous = new double[u.Length];
        var s = derivatives?.Select(_ => new double[u.Length]).ToArray();
        u.CopyTo(values[0], 0);
        if (sensitivities is not null)
            foreach (var sj in sensitivities[0]) Array.Clear(sj);
        for (int q = 0; q + 1 < times.Count; q++)
        {
            double t0 = times[q], h = (times[q + 1] - t0) / substeps[q];
            for (int step = 0; step < substeps[q]; step++)
            {
                double t = t0 + step * h;
                u.CopyTo(previous, 0);
                stepper.Step(u, t, h, StepMethod.Douglas, theta);
                if (s is not null)
                    for (int j = 0; j < s.Length; j++) stepper.StepTangent(s[j], previous, u, derivatives![j], t, h, theta);
            }
            u.CopyTo(values[q + 1], 0);
            if (s is not null && sensitivities is not null)
                for (int j = 0; j < s.Length; j++) s[j].CopyTo(sensitivities[q + 1][j], 0);
        }
    }
}
