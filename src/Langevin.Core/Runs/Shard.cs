using System.Globalization;

namespace Langevin.Runs;

/// <summary>
/// One part of a job split over <see cref="Count"/> processes (a cluster's array job, or local processes): it owns every
/// <see cref="Count"/>-th item of the job's list, starting at item <see cref="Index"/> (0-based). Round-robin rather than
/// contiguous blocks, so that a list ordered by cost (e.g. growing D, slower to converge) spreads evenly.
/// </summary>
public readonly record struct Shard
{
    /// <summary>Creates shard <paramref name="index"/> (0-based) of <paramref name="count"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1 or <paramref name="index"/> outside [0, count).</exception>
    public Shard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Index = index;
        _count = count;
    }

    private readonly int _count;

    /// <summary>The whole job in one process.</summary>
    public static Shard Whole => new(0, 1);

    /// <summary>0-based index of this shard.</summary>
    public int Index { get; }

    /// <summary>Number of shards the job is split into (≥ 1; the default value of the struct counts as 1).</summary>
    public int Count => Math.Max(_count, 1);

    /// <summary>True when this shard is the whole job.</summary>
    public bool IsWhole => Count == 1;

    /// <summary>Whether item <paramref name="item"/> (0-based) of the job's list belongs to this shard.</summary>
    public bool Owns(int item) => item % Count == Index;

    /// <summary>Reads "i/n" (1-based i, as Slurm and humans count): shard i of n.</summary>
    /// <exception cref="UserErrorException">The text is not i/n with 1 ≤ i ≤ n.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && TryInt(parts[0], out int i) && TryInt(parts[1], out int n) && n >= 1 && i >= 1 && i <= n)
            return new Shard(i - 1, n);
        throw new UserErrorException($"{{Shard.text}} '{text}' is not a shard; give i/n with 1 ≤ i ≤ n, e.g. 2/4");
    }

    /// <summary>
    /// Shard of <paramref name="count"/> whose index the scheduler gives: <c>JOB_COMPLETION_INDEX</c> (a Kubernetes Indexed
    /// Job, 0-based) or else <c>SLURM_ARRAY_TASK_ID</c> (a Slurm job array, counted from <c>SLURM_ARRAY_TASK_MIN</c>, 0 when
    /// that is unset).
    /// </summary>
    /// <param name="count">Number of shards (≥ 1).</param>
    /// <param name="environment">Reads an environment variable (null when unset); pass <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="UserErrorException">No scheduler variable is set, or it is not an index in [0, count).</exception>
    public static Shard FromScheduler(int count, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (count < 1) throw new UserErrorException($"{{Shard.count}} must be ≥ 1, got {count}");
        int index;
        string source;
        if (environment("JOB_COMPLETION_INDEX") is { } kubernetes)
        {
            source = $"JOB_COMPLETION_INDEX={kubernetes}";
            index = TryInt(kubernetes, out int k) ? k : -1;
        }
        else if (environment("SLURM_ARRAY_TASK_ID") is { } slurm)
        {
            string minimum = environment("SLURM_ARRAY_TASK_MIN") ?? "0";
            source = $"SLURM_ARRAY_TASK_ID={slurm} (SLURM_ARRAY_TASK_MIN={minimum})";
            index = TryInt(slurm, out int id) && TryInt(minimum, out int min) ? id - min : -1;
        }
        else
        {
            throw new UserErrorException($"{{Shard.count}} {count} needs the shard's index from the scheduler, but neither JOB_COMPLETION_INDEX (Kubernetes) nor SLURM_ARRAY_TASK_ID (Slurm) is set; give {{Shard.text}} i/n instead");
        }
        if (index < 0 || index >= count)
            throw new UserErrorException($"{source} is not a shard index in 0…{count - 1} for {{Shard.count}} {count}; make the array as large as the shard count");
        return new Shard(index, count);
    }

    /// <summary>"i/n", 1-based, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index + 1}/{Count}");

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
