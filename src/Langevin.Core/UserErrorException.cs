using System.Text.RegularExpressions;

namespace Langevin;

/// <summary>
/// An error the user caused and can fix: a bad path, a corrupt file, a bad argument, unstable parameters,
/// a diverging run. The message is one line that names the problem and the fix; the command-line tool
/// prints it without a stack trace and exits with code 2. Anything else that is thrown is a bug.
/// </summary>
/// <remarks>
/// The message names the library's parameters as <c>{Owner.Name}</c>, an options property or a method's argument
/// (e.g. <c>{TrainingConfig.LearningRate}</c>, <c>{HeatSolver.dt}</c>):
/// <see cref="Exception.Message"/> shows the identifiers themselves, and a front end shows its own names for them
/// with <see cref="Describe(Func{string, string?})"/> (the command line its flags), so the library never names a flag.
/// </remarks>
public sealed partial class UserErrorException : Exception
{
    private readonly string template;

    /// <summary>Creates the error with its one-line message (parameters, if any, written as <c>{Identifier}</c>).</summary>
    public UserErrorException(string message) : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates the error with its one-line message and the low-level cause.</summary>
    public UserErrorException(string message, Exception? inner) : base(Fill(message, static id => id), inner)
    {
        template = message;
        Parameters = Placeholder().Matches(message).Select(m => m.Groups[1].Value).Distinct().ToArray();
    }

    /// <summary>The identifiers of the parameters the message names, in order of appearance (the first is the one at fault).</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The message with each parameter shown by <paramref name="displayName"/> (its identifier when that returns null).</summary>
    public string Describe(Func<string, string?> displayName) => Describe(template, displayName);

    /// <summary>
    /// Any library text written like a user error's message (a hint, a how-to) with each parameter shown by
    /// <paramref name="displayName"/> (its identifier when that returns null).
    /// </summary>
    public static string Describe(string text, Func<string, string?> displayName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(displayName);
        return Fill(text, id => displayName(id) ?? id);
    }

    private static string Fill(string text, Func<string, string> name) => Placeholder().Replace(text, m => name(m.Groups[1].Value));

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+)\}")]
    private static partial Regex Placeholder();
}
