namespace Langevin;

/// <summary>
/// An error the user caused and can fix: a bad path, a corrupt file, a bad argument, unstable parameters,
/// a diverging run. The message is one line that names the problem and the fix; the command-line tool
/// prints it without a stack trace and exits with code 2. Anything else that is thrown is a bug.
/// </summary>
public sealed class UserErrorException : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public UserErrorException(string message) : base(message) { }

    /// <summary>Creates the error with its one-line message and the low-level cause.</summary>
    public UserErrorException(string message, Exception inner) : base(message, inner) { }
}
