using Langevin.Randomness;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Simulated observations of an <see cref="SdeModel"/> at given times: exact draws where the model has them
/// (<see cref="SdeModel.TrySampleExact"/>), Euler–Maruyama substeps otherwise (weak order 1; a model on x &gt; 0 is kept
/// there by taking the drift and volatility at max(X, 0) and reflecting a negative value at 0, the reflection scheme).
/// Seeded from the shared seed tree: interval n of path p uses the normal stream keyed
/// (seed, p, n), so the same seed gives the same paths.
/// </summary>
public static class SdePathSimulator
{
    /// <summary>Simulates <paramref name="paths"/> paths observed at <paramref name="times"/> (the first is the start,
    /// where every path has <paramref name="start"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="theta">Its parameters.</param>
    /// <param name="start">The value at the first time.</param>
    /// <param name="times">Observation times, strictly increasing, at least two.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="paths">Number of independent paths.</param>
    /// <param name="substeps">Euler–Maruyama steps per interval for models without an exact draw.</param>
    public static ObservedSeries Simulate(SdeModel model, ReadOnlySpan<double> theta, double start, IReadOnlyList<double> times, long seed, int paths = 1, int substeps = 100)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(times);
        if (!model.IsValid(theta)) throw new ArgumentException($"parameters outside the {model.Name} model's domain", nameof(theta));
        ArgumentOutOfRangeException.ThrowIfLessThan(paths, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(substeps, 1);
        if (times.Count < 2) throw new ArgumentException("at least two observation times are needed", nameof(times));
        var result = new ObservedPath[paths];
        var normals = new double[substeps];
        for (int p = 0; p < paths; p++)
        {
            var values = new double[times.Count];
            values[0] = start;
            for (int n = 1; n < times.Count; n++)
            {
                double interval = times[n] - times[n - 1];
                if (!(interval > 0)) throw new ArgumentException("observation times must increase", nameof(times));
                CounterNormal.Fill(normals, SeedTree.Key(seed, p, n), 1.0);
                double x = values[n - 1];
                if (model.TrySampleExact(x, interval, theta, normals[0], out double exact))
                {
                    values[n] = exact;
                    continue;
                }
                double h = interval / substeps;
                for (int s = 0; s < substeps; s++)
                {
                    double at = model.PositiveState ? Math.Max(x, 0) : x;
                    x += model.Drift(at, theta) * h + model.Volatility(at, theta) * Math.Sqrt(h) * normals[s];
                    if (model.PositiveState) x = Math.Abs(x);
                }
                values[n] = x;
            }
            result[p] = new ObservedPath((p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), times.ToArray(), values);
        }
        return new ObservedSeries(result);
    }
}
