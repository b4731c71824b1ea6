using System.Globalization;
using System.Security.Cryptography;
using Langevin.IO;

namespace Langevin.Generative.Pipeline;

/// <summary>
/// SHA-256 checksums of saved weights, in <c>sha256sum</c>'s format ("hex  name" per line, checkable with
/// <c>sha256sum -c</c>), so that a damaged weights file is refused when it is loaded instead of loading silently.
/// </summary>
internal static class WeightChecksums
{
    /// <summary>The checksum file of a model folder.</summary>
    public const string FolderFile = "weights.sha256";

    /// <summary>Writes the checksums of <paramref name="names"/> (files of <paramref name="folder"/>) to <paramref name="list"/>.</summary>
    public static void Write(string folder, string list, IEnumerable<string> names) =>
        AtomicFile.WriteAllText(list, string.Concat(names.Select(name => $"{Hash(Path.Combine(folder, name))}  {name}\n")));

    /// <summary>
    /// Checks every file named in <paramref name="list"/> (relative to <paramref name="folder"/>); a folder saved
    /// before checksums existed has no list and is loaded unchecked.
    /// </summary>
    /// <exception cref="UserErrorException">When a file differs from its checksum.</exception>
    public static void Verify(string folder, string list)
    {
        if (!File.Exists(list)) return;
        foreach (string line in File.ReadAllLines(list).Where(l => l.Length > 0))
        {
            int gap = line.IndexOf("  ", StringComparison.Ordinal);
            if (gap != 64) throw new UserErrorException($"{list} is not a sha256sum list (line '{line}'); copy the model folder again");
            string path = Path.Combine(folder, line[(gap + 2)..]);
            if (!File.Exists(path)) throw new UserErrorException($"{path} is missing; the model folder is incomplete — retrain or copy the whole folder");
            if (!string.Equals(Hash(path), line[..gap], StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"{path} does not match its checksum in {list} (the file is damaged); copy it again or retrain");
        }
    }

    /// <summary>Writes the checksum of one weights file beside it, as <c>PATH.sha256</c>.</summary>
    public static void WriteBeside(string file) => Write(Folder(file), file + ".sha256", [Path.GetFileName(file)]);

    /// <summary>Checks one weights file against <c>PATH.sha256</c> beside it, when that is there.</summary>
    public static void VerifyBeside(string file) => Verify(Folder(file), file + ".sha256");

    private static string Folder(string file) => Path.GetDirectoryName(Path.GetFullPath(file))!;

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLower(CultureInfo.InvariantCulture);
    }
}
