namespace Langevin.Cli.Tests;

/// <summary>The Stable Diffusion reference fixtures of the repository (tests/fixtures/stable-diffusion).</summary>
internal static class SdFixtures
{
    /// <summary>The fixture folder.</summary>
    public static string Folder { get; } = Repository.Fixture("stable-diffusion");

    /// <summary>The tiny diffusers model folder.</summary>
    public static string TinySd => Path.Combine(Folder, "tiny-sd");
}
