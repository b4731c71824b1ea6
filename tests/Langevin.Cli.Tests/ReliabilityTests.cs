namespace Langevin.Cli.Tests;

/// <summary>
/// Bad input as a careless user types it, one kind per row: every one is a single line and exit 2, found before any
/// work starts, and leaves nothing behind. (The PDE commands' rows are in <see cref="PdeCommandTests"/>.)
/// </summary>
public sealed class ReliabilityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string[], string> Cases => new()
    {
        // Numbers that reach torch unchecked, or work that cannot finish.
        { ["train", "--out", "{run}", "--lr", "1e300", "--epochs", "1"], "--lr, --diffusion and --weight-decay must be at most" },
        { ["train", "--out", "{run}", "--threads", "100000", "--epochs", "1"], "--threads 100000 is more than the" },
        { ["train", "--out", "{run}", "--batch-size", "100000000", "--train-limit", "64", "--epochs", "1"], "--batch-size 100000000 is more than the 64 training images" },
        { ["generate", "a sneaker", "-n", "1000000", "--out-dir", "{run}"], "image-steps, over the limit" },
        { ["generate", "a sneaker", "--guidance", "1e300", "--out", "{run}/g.png"], "--guidance 1E+300 is over 100" },
        { ["generate", "a sneaker", "--sampler", "ddpm", "--eta", "0.5", "--out", "{run}/g.png"], "--eta applies to the DDIM sampler only" },
        { ["diffusion", "train", "--out", "{run}", "--width", "3"], "--width must be a multiple of the 4 attention heads" },
        { ["diffusion", "train", "--out", "{run}", "--width", "100000"], "--width must be a multiple of the 4 attention heads from 4 to 512" },
        // Nonsense that used to succeed (found by BadInputProperties' exploration, 2026-12-05).
        { ["diffusion", "train", "--out", "{run}", "--caption-dropout", "nan"], "--caption-dropout must be in [0, 1), got NaN" },
        { ["diffusion", "train", "--out", "{run}", "--limit", "-1"], "--limit must be 0 (all images) or a positive count, got -1" },
        { ["diffusion", "classifier", "--out", "{run}/c.bin", "--epochs", "0"], "--epochs must be ≥ 1, got 0" },
        { ["diffusion", "evaluate", "--report", "{run}/r.md", "--fid-guidance", "nan"], "--fid-guidance must be a finite scale ≥ 0, got NaN" },
        // Nonsense that used to succeed.
        { ["diffusion", "train", "--out", "{run}", "--resume"], "--resume: " },
        { ["sweep", "--out", "{run}", "--diffusion", "0,0", "--epochs", "1"], "--diffusion lists a value twice" },
        // Paths that cannot be written or read.
        { ["train", "--out", "/proc/run", "--epochs", "1"], "--out '/proc/run' is a system path" },
        { ["generate", "a sneaker", "--out", "/proc/g.png"], "--out '/proc/g.png' is a system path" },
        { ["generate", "a sneaker", "--model", "/proc/self/mem"], "--model '/proc/self/mem' is a system path" },
        { ["data", "download", "cifar10", "--cache", "/sys/c"], "--cache '/sys/c' is a system path" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_one_line_and_exit_2_before_any_work(string[] args, string expected)
    {
        string run = _folder.Combine("run");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (exit, _, error) = Cli.Run(args.Select(a => a.Replace("{run}", run, StringComparison.Ordinal)).ToArray());
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        // Refused up front: no training epoch, no image, nothing written.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        Assert.False(Directory.Exists(run) && Directory.EnumerateFileSystemEntries(run, "*", SearchOption.AllDirectories).Any(), "something was written");
    }
}
