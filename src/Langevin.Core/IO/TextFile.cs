namespace Langevin.IO;

/// <summary>
/// Reads a text file that a user named, with the project's error contract: a missing or unreadable file is one
/// <see cref="UserErrorException"/> line naming the file and what sets it, never an I/O exception. Every reader of
/// user files (data, fields, draws, problem files) opens them here.
/// </summary>
public static class TextFile
{
    /// <summary>Opens <paramref name="path"/> and returns what <paramref name="parse"/> makes of it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What the file is, for the message: "data", "field", "draws", …</param>
    /// <param name="setBy">What names the file, for the message: a library parameter such as <c>{LongFormCsv.path}</c>
    /// (shown to CLI users as its flag) or a flag.</param>
    /// <param name="parse">Reads the content; its <see cref="UserErrorException"/>s pass through.</param>
    /// <exception cref="UserErrorException">When the file does not exist or cannot be read.</exception>
    public static T Read<T>(string path, string kind, string setBy, Func<TextReader, T> parse)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parse);
        if (!File.Exists(path)) throw new UserErrorException($"{kind} file '{path}' does not exist; check {setBy}");
        try
        {
            using var reader = new StreamReader(path);
            return parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{kind} file '{path}' cannot be read ({e.Message.TrimEnd('.')}); check {setBy} and its permissions", e);
        }
    }
}
