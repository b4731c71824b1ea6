using System.Text.Json;
using System.Text.RegularExpressions;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The Stable Diffusion reference fixtures made by diffusers 0.27.2 (tests/fixtures/stable-diffusion, a copy of
/// ../shared/fixtures/stable-diffusion; its README says how each tensor was made). Another model folder with the same
/// kind of reference.json runs through the same tests: point <c>LANGEVIN_SD_FIXTURES</c> at it.
/// </summary>
internal static class SdFixture
{
    private static readonly Lazy<string> _directory = new(Locate);
    private static readonly Lazy<JsonElement> _reference = new(() =>
        JsonDocument.Parse(QuoteNonFinite(File.ReadAllText(Path.Combine(Directory, "reference.json")))).RootElement);

    /// <summary>The fixture folder (holds reference.json, reference.safetensors, tiny-sd/ …).</summary>
    public static string Directory => _directory.Value;

    /// <summary>reference.json's root: <c>tokenizer</c>, <c>sections</c>, <c>tensors</c>, <c>rng</c>, <c>conventions</c>.</summary>
    public static JsonElement Reference => _reference.Value;

    /// <summary>A path inside the fixture folder.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>The suggested absolute tolerance of reference tensor <paramref name="name"/> (from the fixture, not chosen here).</summary>
    public static double Tolerance(string name) =>
        Reference.GetProperty("tensors").GetProperty(name).GetProperty("tolerance").GetProperty("suggested_atol").GetDouble();

    // Python's json writes -Infinity/Infinity/NaN (e.g. DPM-Solver's lambda_min_clipped) as bare tokens, which are not
    // JSON; quote them so that System.Text.Json reads them as strings.
    private static string QuoteNonFinite(string json) =>
        Regex.Replace(json, @"(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])", "\"$1\"");

    private static string Locate()
    {
        string? overridden = Environment.GetEnvironmentVariable("LANGEVIN_SD_FIXTURES");
        if (!string.IsNullOrEmpty(overridden)) return overridden;
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Langevin.slnx")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no Langevin.slnx above the tests");
        return Path.Combine(root, "tests", "fixtures", "stable-diffusion");
    }
}
