using Langevin.Cli.Terminal;

namespace Langevin.Cli.Tests;

public sealed class ConsoleProgressTests
{
    [Fact]
    public void Without_a_terminal_progress_is_one_plain_line_at_the_start_and_per_tenth()
    {
        var output = new StringWriter();

        int result = ConsoleProgress.Run(output, "work", 1000, sink =>
        {
            for (int i = 0; i < 1000; i++) sink.Advance(1);
            sink.Message("done");
            return 42;
        });

        Assert.Equal(42, result);
        string[] lines = output.ToString().TrimEnd().Split('\n');
        Assert.Equal(12, lines.Length); // the first unit, each of the 10 tenths, the message
        Assert.Equal("work: 1/1000", lines[0].TrimEnd());
        Assert.Equal("work: 100/1000", lines[1].TrimEnd());
        Assert.Equal("work: 1000/1000", lines[10].TrimEnd());
        Assert.Equal("done", lines[11].TrimEnd());
        Assert.DoesNotContain('\u001b', output.ToString()); // no ANSI escapes in logs
    }

    [Fact]
    public async Task The_async_form_reports_the_same_way()
    {
        var output = new StringWriter();

        string result = await ConsoleProgress.RunAsync(output, "download", 100, async sink =>
        {
            await Task.Yield();
            sink.Advance(100, "all");
            return "ok";
        });

        Assert.Equal("ok", result);
        Assert.Equal("download: 100/100 all", output.ToString().TrimEnd());
    }
}
