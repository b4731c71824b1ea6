using System.Diagnostics;

namespace Langevin.Cli.Tests;

/// <summary>The real `langevin` program as a separate process, with the cluster schedulers' variables under the test's control.</summary>
internal static class CliProcess
{
    public static Process Start(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "langevin.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string name in new[] { "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    public static string Finish(Process process)
    {
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {error.Result}");
        return output;
    }
}
