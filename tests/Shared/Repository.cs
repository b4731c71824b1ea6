namespace Langevin.Tests;

/// <summary>The checkout the tests run from (the folder holding Langevin.slnx above the test binaries). Linked into every test project.</summary>
internal static class Repository
{
    /// <summary>The checkout's root folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under tests/fixtures (the fixtures committed with the tests).</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    private static string FindRoot()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Langevin.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no Langevin.slnx above the tests");
        return root;
    }
}
