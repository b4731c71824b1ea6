using System.Text.Json;
using System.Text.RegularExpressions;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The Stable Diffusion reference fixtures made by diffusers 0.27.2 (tests/fixtures/stable-diffusion, a copy of
/// ../shared/fixtures/stable-diffusion; its README says how each tensor was made). Another model folder with the same
/// kind of reference.json runs through the same tests: point <c>LANGEVIN_SD_FIXTURES</c> at it.
/// </summary>
internal static partial class SdFixture
{
    private static readonly Lazy<string> _directory = new(Locate);
    private static readonly Lazy<JsonElement> _reference = new(() => JsonDocument.Parse(NamedNumbersAsStrings().Replace(
        File.ReadAllText(Path.Combine(Directory, "reference.json")), "\"$1\"")).RootElement);

    /// <summary>The fixture folder (holds reference.json, reference.safetensors, tiny-sd/ …).</summary>
    public static string Directory => _directory.Value;

    /// <summary>reference.json's root: <c>tokenizer</c>, <c>sections</c>, <c>tensors</c>, <c>rng</c>, <c>conventions</c>.</summary>
    public static JsonElement Reference => _reference.Value;

    /// <summary>A path inside the fixture folder.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>The suggested absolute tolerance of reference tensor <paramref name="name"/> (from the fixture, not chosen here).</summary>
    public static double Tolerance(string name) =>
        Reference.GetProperty("tensors").GetProperty(name).GetProperty("tolerance").GetProperty("suggested_atol").GetDouble();

    // Python's json writes -Infinity/NaN as bare words (e.g. DPM-Solver's lambda_min_clipped), which JSON does not
    // allow: they are read as the strings "-Infinity"/"NaN" (double.Parse reads those back).
    [GeneratedRegex(@"(?<=:\s*)(-?Infinity|NaN)(?=\s*[,}\]])")]
    private static partial Regex NamedNumbersAsStrings();

    private static string Locate()
    {
        string? overridden = Environment.GetEnvironmentVariable("LANGEVIN_SD_FIXTURES");
        if (!string.IsNullOrEmpty(overridden)) return overridden;
        return Repository.Fixture("stable-diffusion");
    }
}
