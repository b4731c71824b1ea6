using System.CommandLine;
using Langevin.Runs;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>--shard i/n</c> and <c>--shard-count n</c> (the index from a Kubernetes Indexed Job or a Slurm array), shared by the
/// commands whose work splits over processes (<c>sweep</c>, <c>train --chains</c>).
/// </summary>
internal sealed class ShardOptions
{
    public ShardOptions(string items)
    {
        Shard = TypedOptions.Parsed<Shard?>("--shard", $"Run only shard i of n (1-based): every n-th of the {items} from the i-th; the shards share --out, then merge.", "1/1", text => Runs.Shard.Parse(text));
        Shard.HelpName = "i/n";
        Count = new Option<int?>("--shard-count")
        {
            Description = "Split into n shards and take this process's index from the scheduler: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array).",
            HelpName = "n",
        };
    }

    public Option<Shard?> Shard { get; }

    public Option<int?> Count { get; }

    public void AddTo(Command command)
    {
        command.Add(Shard);
        command.Add(Count);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Shard) is { Implicit: false } && result.GetResult(Count) is { Implicit: false })
                result.AddError("--shard and --shard-count both say which shard to run; give one of them");
            if (result.GetValue(Count) is < 1 and var n)
                result.AddError($"--shard-count must be ≥ 1, got {n}");
        });
    }

    /// <summary>The shard this process runs: from --shard-count and the scheduler's variable, from --shard, or the whole job.</summary>
    public Shard Resolve(ParseResult parse) => parse.GetValue(Count) is int count
        ? Runs.Shard.FromScheduler(count, Environment.GetEnvironmentVariable)
        : parse.GetValue(Shard) ?? Runs.Shard.Whole;
}
