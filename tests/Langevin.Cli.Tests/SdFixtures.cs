namespace Langevin.Cli.Tests;

/// <summary>The Stable Diffusion reference fixtures of the repository (tests/fixtures/stable-diffusion).</summary>
internal static class SdFixtures
{
    /// <summary>The fixture folder.</summary>
    public static string Folder { get; } = Find();

    /// <summary>The tiny diffusers model folder.</summary>
    public static string TinySd => Path.Combine(Folder, "tiny-sd");

    private static string Find()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Langevin.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no Langevin.slnx above the tests");
        return Path.Combine(root, "tests", "fixtures", "stable-diffusion");
    }
}
