using Spectre.Console;

namespace Langevin.Cli.Terminal;

/// <summary>
/// Shows the progress of a long operation: a Spectre.Console progress bar in an interactive terminal,
/// plain lines (one per tenth of the work) when the output is redirected or <c>CI</c> is set, so logs
/// stay readable. Commands pass the returned <see cref="IProgressSink"/> into library code.
/// </summary>
internal static class ConsoleProgress
{
    /// <summary>True when stdout is a terminal and we are not under CI.</summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null;

    /// <summary>Runs <paramref name="work"/> with a progress display of <paramref name="total"/> units.</summary>
    public static T Run<T>(TextWriter output, string title, long total, Func<IProgressSink, T> work)
    {
        if (!IsInteractive(output))
            return work(new LineSink(output, title, total));

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                return work(new SpectreSink(task));
            });
    }

    /// <summary>The asynchronous form of <see cref="Run{T}"/>, for work such as downloads.</summary>
    public static async Task<T> RunAsync<T>(TextWriter output, string title, long total, Func<IProgressSink, Task<T>> work)
    {
        if (!IsInteractive(output))
            return await work(new LineSink(output, title, total));

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                return await work(new SpectreSink(task));
            });
    }

    private sealed class SpectreSink(ProgressTask task) : IProgressSink
    {
        public void Advance(long units, string? status = null)
        {
            task.Increment(units);
            if (status is not null) task.Description = Markup.Escape(status);
        }

        public void Message(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));
    }

    private sealed class LineSink(TextWriter output, string title, long total) : IProgressSink
    {
        private long _done;
        private long _lastTenth = -1;

        public void Advance(long units, string? status = null)
        {
            _done += units;
            long tenth = total > 0 ? 10 * _done / total : 0;
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            output.WriteLine($"{title}: {_done}/{total}{(status is null ? "" : " " + status)}");
        }

        public void Message(string line) => output.WriteLine(line);
    }
}

/// <summary>Where a command reports progress and log lines while it works.</summary>
internal interface IProgressSink
{
    /// <summary>Marks <paramref name="units"/> more units done, optionally with a short status.</summary>
    void Advance(long units, string? status = null);

    /// <summary>Prints a log line above the progress display.</summary>
    void Message(string line);
}
