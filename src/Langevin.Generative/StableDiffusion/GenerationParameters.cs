using System.Globalization;
using System.Text;
using Langevin.Generative.Schedulers;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// A generation's settings in the popular web UIs' <c>parameters</c> text (AUTOMATIC1111's infotext), which they and
/// Langevin store in each PNG: the prompt, a "Negative prompt:" line, then "Key: value" pairs ("Steps: 20, Sampler: DPM++
/// 2M Karras, CFG scale: 7.5, Seed: 1, Size: 512x512, Model: …"). With "Batch size" and "Batch pos", image k of a batch
/// records where in the batch's draws it came from, since a diffusers batch draws all its latents at once.
/// </summary>
public sealed record GenerationParameters
{
    /// <summary>The prompt.</summary>
    public required string Prompt { get; init; }

    /// <summary>The negative prompt, or null.</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>Sampling steps.</summary>
    public int Steps { get; init; }

    /// <summary>The sampler in the web UIs' spelling ("Euler a").</summary>
    public string Sampler { get; init; } = "";

    /// <summary>Classifier-free guidance scale ("CFG scale").</summary>
    public double Guidance { get; init; }

    /// <summary>The batch's seed.</summary>
    public long Seed { get; init; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; }

    /// <summary>The model's name (file or folder name), or null.</summary>
    public string? Model { get; init; }

    /// <summary>Images in the batch the image came from.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>The image's position in its batch (from 0).</summary>
    public int BatchPosition { get; init; }

    /// <summary>Image-to-image strength ("Denoising strength"), or null for text-to-image.</summary>
    public double? Strength { get; init; }

    /// <summary>
    /// The LoRAs merged into the model, by name (the file name without extension; <see cref="LoraSpec.Path"/> holds the
    /// name only) and weight, written as <c>Lora: "name:0.8, other:0.5"</c> (the web UIs put <c>&lt;lora:name:0.8&gt;</c>
    /// in the prompt instead, which Langevin's prompts do not read).
    /// </summary>
    public IReadOnlyList<LoraSpec> Loras { get; init; } = [];

    /// <summary>The settings as the web UIs write them.</summary>
    public string ToText()
    {
        var text = new StringBuilder(Prompt);
        if (!string.IsNullOrEmpty(NegativePrompt)) text.Append("\nNegative prompt: ").Append(NegativePrompt);
        var pairs = new List<(string, string)>
        {
            ("Steps", Steps.ToString(CultureInfo.InvariantCulture)), ("Sampler", Sampler),
            ("CFG scale", Guidance.ToString("R", CultureInfo.InvariantCulture)), ("Seed", Seed.ToString(CultureInfo.InvariantCulture)),
            ("Size", $"{Width}x{Height}"),
        };
        if (Model is not null) pairs.Add(("Model", Model));
        if (Loras.Count > 0) pairs.Add(("Lora", string.Join(", ", Loras.Select(l => $"{l.Name}:{l.Weight.ToString("R", CultureInfo.InvariantCulture)}"))));
        if (Strength is { } s) pairs.Add(("Denoising strength", s.ToString("R", CultureInfo.InvariantCulture)));
        if (BatchSize > 1) pairs.AddRange([("Batch size", BatchSize.ToString(CultureInfo.InvariantCulture)), ("Batch pos", BatchPosition.ToString(CultureInfo.InvariantCulture))]);
        text.Append('\n').Append(string.Join(", ", pairs.Select(p => $"{p.Item1}: {Quote(p.Item2)}")));
        return text.ToString();
    }

    /// <summary>Reads the web UIs' <c>parameters</c> text.</summary>
    /// <exception cref="UserErrorException">The text has no settings line (Steps, Sampler, Seed …).</exception>
    public static GenerationParameters Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        int last = Array.FindLastIndex(lines, l => l.StartsWith("Steps: ", StringComparison.Ordinal));
        if (last < 0) throw new UserErrorException("the PNG's parameters have no settings line (\"Steps: …, Sampler: …, Seed: …\"); it was not written by langevin generate or a web UI");
        var values = Pairs(lines[last]);
        int negative = Array.FindIndex(lines, 0, last, l => l.StartsWith("Negative prompt:", StringComparison.Ordinal));
        string prompt = string.Join("\n", lines.Take(negative >= 0 ? negative : last));
        string? negativePrompt = negative >= 0 ? string.Join("\n", lines[negative..last]).Substring("Negative prompt:".Length).TrimStart() : null;
        string? Get(string key) => values.TryGetValue(key, out var v) ? v : null;
        int Int(string key, int fallback) => int.TryParse(Get(key), CultureInfo.InvariantCulture, out int v) ? v : fallback;
        var size = (Get("Size") ?? "").Split('x');
        return new GenerationParameters
        {
            Prompt = prompt,
            NegativePrompt = negativePrompt,
            Steps = Int("Steps", 20),
            Sampler = Get("Sampler") ?? "",
            Guidance = double.TryParse(Get("CFG scale"), CultureInfo.InvariantCulture, out double g) ? g : 7.0,
            Seed = long.TryParse(Get("Seed"), CultureInfo.InvariantCulture, out long seed) ? seed : 0,
            Width = size.Length == 2 && int.TryParse(size[0], CultureInfo.InvariantCulture, out int w) ? w : 0,
            Height = size.Length == 2 && int.TryParse(size[1], CultureInfo.InvariantCulture, out int h) ? h : 0,
            Model = Get("Model"),
            BatchSize = Int("Batch size", 1),
            BatchPosition = Int("Batch pos", 0),
            Strength = double.TryParse(Get("Denoising strength"), CultureInfo.InvariantCulture, out double s) ? s : null,
            Loras = Get("Lora") is { } loras ? loras.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(LoraSpec.Parse).ToArray() : [],
        };
    }

    /// <summary>The sampler's command-line name, or null when the web UI's sampler is not one Langevin has.</summary>
    public string? SamplerName() => Samplers.TryCanonical(Sampler);

    // The web UIs quote a value holding a comma, colon or quote, JSON-style.
    private static string Quote(string value) =>
        value.IndexOfAny([',', ':', '"', '\n']) >= 0 ? System.Text.Json.JsonSerializer.Serialize(value) : value;

    private static Dictionary<string, string> Pairs(string line)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 0;
        while (i < line.Length)
        {
            int colon = line.IndexOf(": ", i, StringComparison.Ordinal);
            if (colon < 0) break;
            string key = line[i..colon].Trim();
            int start = colon + 2, end;
            string value;
            if (start < line.Length && line[start] == '"')
            {
                end = start + 1;
                while (end < line.Length && (line[end] != '"' || line[end - 1] == '\\')) end++;
                value = System.Text.Json.JsonSerializer.Deserialize<string>(line[start..Math.Min(end + 1, line.Length)]) ?? "";
                end = line.IndexOf(',', Math.Min(end, line.Length - 1));
            }
            else
            {
                end = line.IndexOf(", ", start, StringComparison.Ordinal);
                value = line[start..(end < 0 ? line.Length : end)];
            }
            pairs[key] = value;
            if (end < 0) break;
            i = end + 1;
            while (i < line.Length && line[i] == ' ') i++;
        }
        return pairs;
    }
}
