using System.CommandLine;

namespace Langevin.Cli.Commands;

/// <summary>
/// Validators for path options, run at parse time so that a path that cannot be read or written is one line before
/// any work starts (not a stack trace after an hour of training).
/// </summary>
internal static class PathValidation
{
    // Writing over these replaces a device or a kernel file, not a user's output.
    private static readonly string[] SystemFolders = ["/proc/", "/sys/", "/dev/"];

    /// <summary>The option names a file to write: not empty, not a folder, in a folder that can be written.</summary>
    public static Option<T> WritableFile<T>(this Option<T> option) => Add(option, WritableFileProblem);


    /// <summary>The option names a folder to write into (created when missing): not a file, under a writable folder.</summary>
    public static Option<T> WritableFolder<T>(this Option<T> option) => Add(option, WritableFolderProblem);


    /// <summary>The option names a file to read: it exists, is a file, and its first byte can be read.</summary>
    public static Option<T> ReadableFile<T>(this Option<T> option) => Add(option, ReadableFileProblem);


    /// <summary>The option names a folder to read: it exists and can be listed.</summary>
    public static Option<T> ReadableFolder<T>(this Option<T> option) => Add(option, ReadableFolderProblem);

    /// <summary>The option names a file or a folder to read (e.g. a model: a diffusers folder or one .safetensors file).</summary>
    public static Option<T> ReadablePath<T>(this Option<T> option) =>
        Add(option, path => SystemFolders.Any(s => (Path.GetFullPath(path) + "/").StartsWith(s, StringComparison.Ordinal))
            ? "is a system path; give a model folder or file of your own"
            : Directory.Exists(path) ? ReadableFolderProblem(path) : ReadableFileProblem(path));

    private static Option<T> Add<T>(Option<T> option, Func<string, string?> problem)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            string path = result.Tokens[0].Value;
            if (problem(path) is { } what) result.AddError($"{option.Name} '{path}' {what}");
        });
        return option;
    }

    private static string? WritableFileProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty; give a file name";
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return "is a folder; give a file name";
        if (SystemFolders.Any(full.StartsWith)) return "is a system path; choose a file of your own";
        return FolderProblem(Path.GetDirectoryName(full)!);
    }

    private static string? WritableFolderProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty; give a folder";
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) return "is a file; give a folder";
        if (SystemFolders.Any(s => (full + "/").StartsWith(s, StringComparison.Ordinal))) return "is a system path; choose a folder of your own";
        return FolderProblem(full);
    }

    /// <summary>Whether files can be created in <paramref name="folder"/> (or in its nearest existing ancestor, where it would be created).</summary>
    private static string? FolderProblem(string folder)
    {
        string existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return $"lies under {existing}, which is a file; choose another path";
            existing = Path.GetDirectoryName(existing) ?? "/";
        }
        string probe = Path.Combine(existing, $".langevin-write-test-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written ({existing}: {e.Message.TrimEnd('.')}); choose another path";
        }
    }

    private static string? ReadableFileProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty; give a file name";
        if (Directory.Exists(path)) return "is a folder; give a file";
        if (!File.Exists(path)) return "does not exist (or is a broken link); check the path";
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            stream.ReadByte();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message.TrimEnd('.')}); check the path and its permissions";
        }
    }

    private static string? ReadableFolderProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty; give a folder";
        if (File.Exists(path)) return "is a file; give a folder";
        if (!Directory.Exists(path)) return "does not exist; check the path";
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(path).GetEnumerator();
            entries.MoveNext();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message.TrimEnd('.')}); check its permissions";
        }
    }
}
