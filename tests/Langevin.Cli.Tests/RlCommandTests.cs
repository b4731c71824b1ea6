namespace Langevin.Cli.Tests;

/// <summary>`langevin rl train`: the files and lines it promises, resume, and bad input.</summary>
public sealed class RlCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-rl-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_short_run_writes_its_returns_and_resumes_to_the_same_returns()
    {
        string straight = Path.Combine(_root, "straight"), resumed = Path.Combine(_root, "resumed");
        string[] args = ["rl", "train", "--env", "deepsea", "--size", "6", "--agent", "lmc", "--seed", "2", "--threads", "1", "--no-stop"];
        var (exit, output, error) = Cli.Run([.. args, "--episodes", "250", "--out", straight]);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("deepsea N=6 lmc lr=0.0001 D=1E-05 seed=2, 250 episodes at most", output);
        Assert.Contains("episode 250: return", output);
        Assert.Equal(251, File.ReadAllLines(Path.Combine(straight, "returns.csv")).Length);
        Assert.True(File.Exists(Path.Combine(straight, "returns.png")));
        TensorBoardEvents.AssertHolds(Path.Combine(straight, "tensorboard"), "episode/return", "episode/mean_return_100");

        Assert.Equal(0, Cli.Run([.. args, "--episodes", "125", "--out", resumed]).Exit);
        var again = Cli.Run([.. args, "--episodes", "250", "--out", resumed, "--resume"]);
        Assert.Equal(0, again.Exit);
        Assert.Contains("resuming after episode 125", again.Out);
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "returns.csv")), File.ReadAllText(Path.Combine(resumed, "returns.csv")));
    }

    [Theory]
    [InlineData("--env", "pong", "--env 'pong' is unknown; use cartpole or deepsea")]
    [InlineData("--agent", "ppo", "unknown agent 'ppo'; use dqn, lmc or sghmc")]
    [InlineData("--episodes", "0", "--episodes must be ≥ 1")]
    [InlineData("--size", "1", "--size must be in 2…100")]
    [InlineData("--lr", "nan", "--lr must be a finite number > 0")]
    [InlineData("--momentum", "1", "--momentum must be in [0, 1)")]
    [InlineData("--target-tau", "0", "--target-tau must be in (0, 1]")]
    [InlineData("--updates-per-step", "0", "--updates-per-step must be in 1…64")]
    public void Bad_arguments_are_one_line_with_exit_code_2(string option, string value, string expected)
    {
        var (exit, _, error) = Cli.Run("rl", "train", "--out", Path.Combine(_root, "bad"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_root, "bad")) && Directory.EnumerateFiles(Path.Combine(_root, "bad")).Any(f => !f.EndsWith("run.lock", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_second_run_in_a_folder_without_resume_is_refused()
    {
        string dir = Path.Combine(_root, "once");
        string[] args = ["rl", "train", "--env", "deepsea", "--size", "4", "--episodes", "30", "--threads", "1", "--out", dir];
        Assert.Equal(0, Cli.Run(args).Exit);
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains("already holds a run (checkpoint.bin); pass --resume", error);
    }
}
