using Langevin.NativeFix;

namespace Langevin.Torch.Tests;

/// <summary>
/// The build-time fix of build/TorchNativeFix.targets, checked on the real libLibTorchSharp.so that the
/// build copied (and patched, where needed) into this test's output folder.
/// </summary>
public sealed class NativeFixTests : IDisposable
{
    private const string Gcc13Version = "GLIBCXX_3.4.32";
    private readonly string _outputCopy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    private readonly string _scratch = Directory.CreateTempSubdirectory("langevin-nativefix-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void The_only_symbol_bound_to_the_gcc13_version_is_the_never_called_iostream_initialiser()
    {
        var image = ElfImage.Parse(File.ReadAllBytes(_outputCopy));
        var needed = Assert.Single(image.NeededVersions(), v => v.Name == Gcc13Version);
        Assert.Equal(LibStdCxxVersionFix.LibraryName, needed.Library);
        Assert.Equal(["_ZSt21ios_base_library_initv"], image.SymbolsBoundTo(needed.Index));
    }

    [Fact]
    public void A_system_without_the_version_gets_exactly_that_version_weakened_and_nothing_else()
    {
        string copy = UnpatchedCopy();
        byte[] before = File.ReadAllBytes(copy);

        string message = LibStdCxxVersionFix.Apply(copy, FakeSystemLibrary(withGcc13: false));

        Assert.StartsWith("patched", message);
        byte[] after = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        var needed = ElfImage.Parse(after).NeededVersions().Single(v => v.Name == Gcc13Version);
        Assert.Equal([needed.FlagsOffset], changed); // one byte: the low byte of vna_flags
        Assert.True(needed.IsWeak);
        Assert.All(ElfImage.Parse(after).NeededVersions().Where(v => v.Name != Gcc13Version),
            v => Assert.Equal(ElfImage.Parse(before).NeededVersions().Single(b => b.Name == v.Name && b.Library == v.Library).Flags, v.Flags));
    }

    [Fact]
    public void Applying_twice_changes_nothing_the_second_time()
    {
        string copy = UnpatchedCopy();
        string system = FakeSystemLibrary(withGcc13: false);
        LibStdCxxVersionFix.Apply(copy, system);
        byte[] once = File.ReadAllBytes(copy);

        string message = LibStdCxxVersionFix.Apply(copy, system);

        Assert.StartsWith("already patched", message);
        Assert.Equal(once, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_system_that_has_the_version_is_left_alone()
    {
        string copy = UnpatchedCopy();
        byte[] before = File.ReadAllBytes(copy);

        string message = LibStdCxxVersionFix.Apply(copy, FakeSystemLibrary(withGcc13: true));

        Assert.StartsWith("nothing to do", message);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_missing_version_that_real_code_calls_is_refused()
    {
        var image = ElfImage.Parse(File.ReadAllBytes(UnpatchedCopy()));
        // Pretend the system libstdc++ is GCC 9's (up to 3.4.28): 3.4.29+ symbols are really called.
        var old = Enumerable.Range(0, 29).Select(i => $"GLIBCXX_3.4.{i}").Append("GLIBCXX_3.4").ToHashSet();

        var plan = LibStdCxxVersionFix.Plan(image, old);

        Assert.Contains(plan.Unfixable, u => u.Version.Name != Gcc13Version && u.Symbols.Count > 0);
    }

    [Fact]
    public void The_nuget_cache_copy_is_never_modified()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string original = Path.Combine(cache, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(original), $"TorchSharp's package copy not found at {original}");
        Assert.False(ElfImage.Parse(File.ReadAllBytes(original)).NeededVersions().Single(v => v.Name == Gcc13Version).IsWeak);
    }

    [Fact]
    public void Non_elf_input_is_rejected_with_a_clear_reason()
    {
        var error = Assert.Throws<InvalidDataException>(() => ElfImage.Parse("not an elf file at all, just text.................................."u8.ToArray()));
        Assert.Contains("bad magic", error.Message);
    }

    /// <summary>A copy of the output library with the weak bit cleared, i.e. as TorchSharp ships it.</summary>
    private string UnpatchedCopy()
    {
        var image = ElfImage.Parse(File.ReadAllBytes(_outputCopy));
        var needed = image.NeededVersions().Single(v => v.Name == Gcc13Version);
        image.SetNeededVersionFlags(needed, (ushort)(needed.Flags & ~ElfImage.VersionFlagWeak));
        string path = Path.Combine(_scratch, $"lib-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, image.Bytes.ToArray());
        return path;
    }

    /// <summary>
    /// The machine's real libstdc++ with GLIBCXX_3.4.32 present or absent: the real file is used as is
    /// when it already matches; otherwise a version definition is renamed to add or remove it.
    /// </summary>
    private string FakeSystemLibrary(bool withGcc13)
    {
        string real = LibStdCxxVersionFix.SystemLibraryCandidates.First(File.Exists);
        byte[] bytes = File.ReadAllBytes(real);
        bool has = ElfImage.Parse(bytes).DefinedVersions().Contains(Gcc13Version);
        if (has != withGcc13)
        {
            // Rename one defined version string in place (same length). To add 3.4.32, rename a version
            // of the same length that the library does not need, so nothing else goes missing.
            var needed = ElfImage.Parse(File.ReadAllBytes(_outputCopy)).NeededVersions().Select(v => v.Name).ToHashSet();
            string from = withGcc13
                ? ElfImage.Parse(bytes).DefinedVersions().First(v => v.Length == Gcc13Version.Length && v.StartsWith("GLIBCXX_3.4.") && !needed.Contains(v))
                : Gcc13Version;
            string to = withGcc13 ? Gcc13Version : "GLIBCXX_3.4.99";
            int at = IndexOf(bytes, System.Text.Encoding.ASCII.GetBytes(from + "\0"));
            Assert.True(at >= 0, $"{from} not found in {real}");
            System.Text.Encoding.ASCII.GetBytes(to).CopyTo(bytes, at);
        }
        string path = Path.Combine(_scratch, $"libstdc++-{withGcc13}.so.6");
        File.WriteAllBytes(path, bytes);
        Assert.Equal(withGcc13, ElfImage.Parse(bytes).DefinedVersions().Contains(Gcc13Version));
        return path;
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
