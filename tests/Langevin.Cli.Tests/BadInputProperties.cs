using CsCheck;

namespace Langevin.Cli.Tests;

/// <summary>
/// Property-based: any command given any of its bad values — alone or two at once — answers with one line and exit 2,
/// no stack trace, nothing written. The values are the kinds a careless user types: negative, zero where a count is
/// needed, NaN, infinity, text for a number, a value past its range.
/// </summary>
public sealed class BadInputProperties
{
    /// <summary>Per command: its arguments before the options, whether it takes --threads, and each option's bad values.</summary>
    private static readonly (string[] Command, bool Threads, (string Option, string[] Bad)[] Options)[] Commands =
    [
        (["train", "--out", "{run}", "--epochs", "1"], true,
        [
            ("--lr", ["-1", "0", "nan", "inf", "abc"]), ("--momentum", ["1", "-0.1", "nan"]), ("--weight-decay", ["-1", "nan"]),
            ("--epochs", ["0", "-1", "99999999999"]), ("--batch-size", ["0", "-5"]), ("--validation", ["-1", "60000"]),
            ("--samples", ["-1"]), ("--burn-in", ["-1", "nan"]), ("--thin", ["-1"]), ("--train-limit", ["-1"]),
            ("--log-every", ["0", "-1"]), ("--threads", ["-1", "100000"]), ("--diffusion", ["-1", "nan", "inf"]),
            ("--seed", ["abc"]), ("--diffusion-schedule", ["cyclical:cycles=0", "wobbly"]), ("--optimizer", ["adamw"]),
            ("--chains", ["0", "-1"]),
        ]),
        (["sweep", "--out", "{run}", "--epochs", "1"], true,
        [
            ("--seeds", ["0", "-1"]), ("--diffusion", ["-1", "nan", "0,0"]), ("--lr", ["-1", "nan"]),
            ("--shard", ["0/2", "3/2", "x"]), ("--shard-count", ["0", "-1"]),
        ]),
        (["rl", "train", "--out", "{run}", "--episodes", "1"], true,
        [
            ("--env", ["pong"]), ("--agent", ["ppo"]), ("--size", ["1", "-3", "1000"]), ("--lr", ["0", "-1", "nan", "inf"]),
            ("--diffusion", ["-1", "nan"]), ("--momentum", ["1", "-0.5"]), ("--seed", ["abc"]), ("--target-tau", ["0", "1.5", "nan"]),
        ]),
        (["generate", "a bag", "--out", "{run}/g.png"], true,
        [
            ("-n", ["0", "-1", "1000000"]), ("--steps", ["0", "-1", "100000"]), ("--guidance", ["-1", "nan", "inf", "1e300"]),
            ("--eta", ["-1", "nan"]), ("--scale", ["0", "65"]), ("--threads", ["-1"]), ("--strength", ["0.5"]),
            ("--seed", ["abc"]), ("--sampler", ["euler"]), ("--model", ["/proc/self/mem", "{run}/nowhere"]),
        ]),
        (["generate", "a bag", "--model", SdFixtures.TinySd, "--out", "{run}/g.png"], true,
        [
            ("-n", ["0", "-1", "65", "two"]), ("--steps", ["0", "100000", "1.5"]), ("--guidance", ["-1", "nan", "inf"]), ("--width", ["0", "-8", "63"]),
            ("--height", ["12"]), ("--strength", ["0.5"]), ("--sampler", ["wobbly"]), ("--mask", ["{run}/none.png"]),
            ("--prediction-type", ["x"]), ("--dtype", ["int8"]), ("--device", ["tpu", "cuda"]), ("--from-png", ["{run}/none.png"]),
        ]),
        (["diffusion", "train", "--out", "{run}"], true,
        [
            ("--epochs", ["0", "-1"]), ("--autoencoder-epochs", ["0"]), ("--batch", ["0", "1"]), ("--lr", ["0", "-1", "nan", "inf"]),
            ("--width", ["0", "-4", "3", "100000"]), ("--caption-dropout", ["1", "-0.1", "nan"]), ("--limit", ["-1"]),
            ("--threads", ["-1"]), ("--image-size", ["30"]), ("--schedule", ["wobbly"]), ("--resume", []),
        ]),
        (["diffusion", "classifier", "--out", "{run}/c.bin"], true,
        [
            ("--epochs", ["0", "-1"]), ("--threads", ["-1"]),
        ]),
        (["diffusion", "evaluate", "--report", "{run}/r.md"], true,
        [
            ("--per-class", ["0", "-1"]), ("--fid-samples", ["-1", "5"]), ("--steps", ["0"]), ("--guidance", ["nan", "-1", ""]),
            ("--fid-guidance", ["nan", "-1"]), ("--threads", ["-1"]),
        ]),
        (["sde", "simulate", "--out", "{run}/h.csv"], false,
        [
            ("--particles", ["0", "-1", "2000000000"]), ("--dt", ["0", "-1", "nan", "1e-300"]), ("--t-end", ["-1", "nan", "1e300"]),
            ("--diffusion", ["0", "-1", "nan"]), ("--nx", ["1", "-1"]), ("--theta", ["-1", "nan"]),
            ("--initial", ["gaussian:mean=0,std=-1", "banana"]), ("--potential", ["banana"]),
        ]),
        (["pde", "solve", "--out", "{run}/u.csv"], false,
        [
            ("--alpha", ["-1", "nan"]), ("--nx", ["1", "-1", "100000000"]), ("--dt", ["0", "-1", "nan", "1e-300"]),
            ("--t-end", ["-1", "nan", "1e300"]), ("--length", ["0", "-1", "nan"]), ("--equation", ["banana"]),
        ]),
    ];

    /// <summary>A command with one bad value, and a second bad value of another of its options (used when Both).</summary>
    private static readonly Gen<(int Command, (string Option, string Value) First, (string Option, string Value) Second, bool Both)> Case =
        Gen.Int[0, Commands.Length - 1].SelectMany(c =>
        {
            var values = Gen.OneOfConst(Commands[c].Options.SelectMany(o => o.Bad.Length == 0 ? [(o.Option, "")] : o.Bad.Select(v => (o.Option, v))).ToArray());
            return Gen.Select(values, values, Gen.Bool).Select(v => (c, v.Item1, v.Item2, v.Item3));
        });

    [Fact]
    public void Any_bad_value_alone_or_with_another_is_one_line_exit_2_and_writes_nothing()
    {
        // CsCheck's seed fixes the first sample only, so the 150 cases are drawn as one sample: CI runs the same ones
        // every time (about 8 s). Without the seed they are new ones each run: 1,500 random cases passed on 2026-12-05.
        Case.Array[150].Sample(cases =>
        {
            foreach (var (command, first, second, both) in cases) Check(command, first, both && second.Option != first.Option ? second : null);
        }, iter: 1, threads: 1, seed: "3TwUeK5Ygpa1");
    }

    private static void Check(int command, (string Option, string Value) first, (string Option, string Value)? second)
    {
        var (words, threads, _) = Commands[command];
        var args = new List<string>(words);
        Add(args, first.Option, first.Value);
        if (second is { } other) Add(args, other.Option, other.Value);
        // Results of other tests in this process depend on torch's thread count: never let a case change it.
        if (threads && !args.Contains("--threads")) args.AddRange(["--threads", "1"]);

        using var folder = new TempFolder();
        string run = folder.Combine("run");
        var (exit, _, error) = Cli.Run(args.Select(a => a.Replace("{run}", run, StringComparison.Ordinal)).ToArray());
        string shown = string.Join(' ', args);
        Assert.True(exit == 2, $"{shown}: exit {exit}\n{error}");
        Assert.StartsWith("error: ", error);
        Assert.True(error.Trim().Split('\n').Length == 1, $"{shown}: more than one line\n{error}");
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(run) && Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories).Any(), $"{shown}: wrote into {run}");
    }

    private static void Add(List<string> args, string option, string value)
    {
        args.Add(option);
        if (option != "--resume") args.Add(value);
    }
}
