namespace Langevin.IO;

/// <summary>Folders of the Langevin checkout that a program or a working directory lies in (the shipped data and models).</summary>
public static class CheckoutFolder
{
    /// <summary>The file that marks the checkout's root, so that an unrelated folder of the same name higher up is never picked.</summary>
    public const string RootMarker = "Langevin.slnx";

    /// <summary>
    /// The folder <paramref name="name"/> at the root of the checkout that contains <paramref name="start"/> (walking up
    /// to the folder holding <see cref="RootMarker"/>), or null when there is none.
    /// </summary>
    public static string? Find(string start, string name)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, RootMarker)) && Directory.Exists(Path.Combine(dir.FullName, name)))
                return Path.Combine(dir.FullName, name);
        }
        return null;
    }
}
