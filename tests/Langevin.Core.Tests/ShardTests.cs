using Langevin.Runs;

namespace Langevin.Core.Tests;

/// <summary>Shards of a job: the i/n text, the schedulers' index variables, and that the shards cover the job once.</summary>
public sealed class ShardTests
{
    [Fact]
    public void The_shards_of_a_job_own_every_item_exactly_once_round_robin()
    {
        const int items = 11, count = 4;
        var owners = Enumerable.Range(0, items).Select(k => Enumerable.Range(0, count).Single(i => new Shard(i, count).Owns(k))).ToArray();
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2], owners);
        Assert.True(Enumerable.Range(0, items).All(Shard.Whole.Owns));
        Assert.True(default(Shard).IsWhole);
        Assert.Equal(Shard.Whole, new Shard(0, 1));
    }

    [Theory]
    [InlineData("1/1", 0, 1)]
    [InlineData("2/4", 1, 4)]
    [InlineData("4/4", 3, 4)]
    [InlineData(" 3 / 7 ", 2, 7)]
    public void Parse_reads_one_based_i_of_n(string text, int index, int count)
    {
        var shard = Shard.Parse(text);
        Assert.Equal(new Shard(index, count), shard);
        Assert.Equal(shard, Shard.Parse(shard.ToString()));
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("2")]
    [InlineData("1/0")]
    [InlineData("-1/3")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void Parse_refuses_what_is_not_i_of_n_in_one_line(string text)
    {
        var error = Assert.Throws<UserErrorException>(() => Shard.Parse(text));
        Assert.Contains("give i/n with 1 ≤ i ≤ n", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_Kubernetes_indexed_job_gives_a_zero_based_index()
    {
        var env = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "2", ["SLURM_ARRAY_TASK_ID"] = "0" };
        // Kubernetes' variable wins when both are set (a Slurm job does not set it).
        Assert.Equal(new Shard(2, 3), Shard.FromScheduler(3, env.GetValueOrDefault));
    }

    [Fact]
    public void A_Slurm_array_index_counts_from_the_arrays_minimum()
    {
        var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "7", ["SLURM_ARRAY_TASK_MIN"] = "5" };
        Assert.Equal(new Shard(2, 4), Shard.FromScheduler(4, env.GetValueOrDefault));
        var fromOne = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "0" };
        Assert.Equal(new Shard(0, 4), Shard.FromScheduler(4, fromOne.GetValueOrDefault));
    }

    [Theory]
    [InlineData("JOB_COMPLETION_INDEX", "3", "not a shard index in 0…2")]
    [InlineData("JOB_COMPLETION_INDEX", "x", "not a shard index")]
    [InlineData("SLURM_ARRAY_TASK_ID", "-1", "not a shard index")]
    [InlineData("HOME", "/root", "neither JOB_COMPLETION_INDEX")]
    public void A_missing_or_out_of_range_scheduler_index_is_one_line(string variable, string value, string expected)
    {
        var env = new Dictionary<string, string> { [variable] = value };
        var error = Assert.Throws<UserErrorException>(() => Shard.FromScheduler(3, env.GetValueOrDefault));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Throws<UserErrorException>(() => Shard.FromScheduler(0, env.GetValueOrDefault));
    }
}
