using System.CommandLine;
using Langevin.Cli.Commands;

namespace Langevin.Cli;

/// <summary>
/// Builds the <c>langevin</c> command tree and runs it with the project's error contract: a user error
/// (bad argument, bad file, unstable parameters) prints one line on stderr and exits with
/// <see cref="ExitCodes.UserError"/>; anything else is a bug and keeps its stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>The root command with every subcommand registered.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Langevin: diffusion in three senses — Langevin-noise training, diffusion equations, text-to-image diffusion.");
        root.Add(InfoCommand.Create());
        root.Add(DataCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(SweepCommand.Create());
        root.Add(DiffusionCommand.Create());
        root.Add(GenerateCommand.Create());
        root.Add(ModelCommand.Create());
        root.Add(PdeCommand.Create());
        root.Add(SdeCommand.Create());
        root.Add(ReactionsCommand.Create());
        root.Add(DiagnoseCommand.Create());
        root.Add(ChainsCommand.Create());
        root.Add(OodCommand.Create());
        root.Add(RlCommand.Create());
        root.Add(GanCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot();
        try
        {
            args = ProblemFile.Expand(args, root);
        }
        catch (UserErrorException e)
        {
            error.WriteLine($"error: {e.Describe(FlagNames.Of)}");
            return ExitCodes.UserError;
        }
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"error: {parse.Errors[0].Message} (see 'langevin --help')");
            return ExitCodes.UserError;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (UserErrorException e)
        {
            error.WriteLine($"error: {e.Describe(FlagNames.Of)}");
            return ExitCodes.UserError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
    }
}

/// <summary>Process exit codes of the <c>langevin</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The user can fix the problem (one line on stderr says how).</summary>
    public const int UserError = 2;

    /// <summary>Interrupted (Ctrl+C); the last checkpoint is kept.</summary>
    public const int Cancelled = 130;
}
