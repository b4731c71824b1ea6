namespace Langevin.NativeFix;

/// <summary>
/// Decides and applies the libstdc++ symbol-version fix for a shared object built against a newer GCC
/// than the system's. A version the system library lacks is marked weak only when every symbol bound
/// to it is known to be referenced but never called; otherwise the object is left alone, because
/// weakening it would turn a load-time error into a crash at the first call.
/// </summary>
public static class LibStdCxxVersionFix
{
    /// <summary>The library whose versions are examined.</summary>
    public const string LibraryName = "libstdc++.so.6";

    /// <summary>
    /// Symbols that GCC 13's <c>&lt;iostream&gt;</c> references (a bare <c>.globl</c> to pull in the
    /// stream initialiser) and that no code path calls.
    /// </summary>
    public static readonly IReadOnlySet<string> NeverCalledSymbols = new HashSet<string>(StringComparer.Ordinal)
    {
        "_ZSt21ios_base_library_initv",
    };

    /// <summary>Where Linux distributions keep the system libstdc++.</summary>
    public static readonly IReadOnlyList<string> SystemLibraryCandidates =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    ];

    /// <summary>Works out what to do with <paramref name="target"/> given the versions the system library defines.</summary>
    public static FixPlan Plan(ElfImage target, IReadOnlySet<string> systemVersions)
    {
        var toWeaken = new List<NeededVersion>();
        var alreadyWeak = new List<NeededVersion>();
        var unfixable = new List<(NeededVersion Version, IReadOnlyList<string> Symbols)>();
        foreach (var needed in target.NeededVersions())
        {
            if (needed.Library != LibraryName || systemVersions.Contains(needed.Name)) continue;
            if (needed.IsWeak) { alreadyWeak.Add(needed); continue; }
            var symbols = target.SymbolsBoundTo(needed.Index);
            if (symbols.All(NeverCalledSymbols.Contains)) toWeaken.Add(needed);
            else unfixable.Add((needed, symbols));
        }
        return new FixPlan(toWeaken, alreadyWeak, unfixable);
    }

    /// <summary>
    /// Applies the fix to the file at <paramref name="path"/> in place (write to a temporary file, then
    /// rename, so a hard-linked or cached original is never modified). Idempotent.
    /// </summary>
    /// <returns>One line describing what was done.</returns>
    public static string Apply(string path, string systemLibraryPath)
    {
        var systemVersions = ElfImage.Parse(File.ReadAllBytes(systemLibraryPath)).DefinedVersions().ToHashSet(StringComparer.Ordinal);
        var image = ElfImage.Parse(File.ReadAllBytes(path));
        var plan = Plan(image, systemVersions);

        if (plan.Unfixable.Count > 0)
        {
            var (version, symbols) = plan.Unfixable[0];
            return $"not patched: {Path.GetFileName(path)} needs {version.Name} for {string.Join(", ", symbols)}, which {systemLibraryPath} lacks; install a libstdc++ from GCC 13 or newer";
        }
        if (plan.ToWeaken.Count == 0)
        {
            return plan.AlreadyWeak.Count > 0
                ? $"already patched: {Path.GetFileName(path)} ({string.Join(", ", plan.AlreadyWeak.Select(v => v.Name))} weak)"
                : $"nothing to do: {systemLibraryPath} has every version {Path.GetFileName(path)} needs";
        }

        foreach (var version in plan.ToWeaken)
            image.SetNeededVersionFlags(version, (ushort)(version.Flags | ElfImage.VersionFlagWeak));

        string temporary = path + ".langevin-tmp";
        File.WriteAllBytes(temporary, image.Bytes.ToArray());
        File.Move(temporary, path, overwrite: true);
        return $"patched: {Path.GetFileName(path)} now treats {string.Join(", ", plan.ToWeaken.Select(v => v.Name))} as weak (system libstdc++ lacks it)";
    }
}

/// <summary>The outcome of <see cref="LibStdCxxVersionFix.Plan"/>.</summary>
/// <param name="ToWeaken">Missing versions that are safe to mark weak.</param>
/// <param name="AlreadyWeak">Missing versions already marked weak (a previous run).</param>
/// <param name="Unfixable">Missing versions bound to symbols that may be called.</param>
public sealed record FixPlan(
    IReadOnlyList<NeededVersion> ToWeaken,
    IReadOnlyList<NeededVersion> AlreadyWeak,
    IReadOnlyList<(NeededVersion Version, IReadOnlyList<string> Symbols)> Unfixable);
