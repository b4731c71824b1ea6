namespace Langevin.Pde.TimeSeries;

/// <summary>One discretely observed path of a process: strictly increasing times and the values there.</summary>
public sealed class ObservedPath
{
    /// <summary>A path of at least two observations with strictly increasing, finite times and finite values.</summary>
    /// <exception cref="ArgumentException">When the arrays differ in length, hold fewer than two points, or times do not increase.</exception>
    public ObservedPath(string name, double[] times, double[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        if (times.Length != values.Length) throw new ArgumentException($"{times.Length} times but {values.Length} values", nameof(values));
        if (times.Length < 2) throw new ArgumentException("a path needs at least two observations", nameof(times));
        for (int i = 0; i < times.Length; i++)
        {
            if (!double.IsFinite(times[i]) || !double.IsFinite(values[i])) throw new ArgumentException($"observation {i} is not finite", nameof(values));
            if (i > 0 && !(times[i] > times[i - 1])) throw new ArgumentException($"times must increase (observation {i})", nameof(times));
        }
        Name = name;
        Times = times;
        Values = values;
    }

    /// <summary>The path's name (the CSV's path column, or "1").</summary>
    public string Name { get; }

    /// <summary>Observation times, strictly increasing.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>Observed values.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>Number of observations.</summary>
    public int Count => Times.Count;

    /// <summary>The index of the first observation held out when the last <paramref name="holdoutFraction"/> of the path
    /// is (rounded down): <see cref="Count"/> when none is.</summary>
    public int FirstHeldOut(double holdoutFraction) => Count - (int)Math.Floor(holdoutFraction * Count);
}
