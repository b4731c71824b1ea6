using System.Globalization;

namespace Langevin.Generative.StableDiffusion;

/// <summary>A LoRA file to merge into a model with a weight (the web UIs' <c>&lt;lora:name:0.8&gt;</c> multiplier).</summary>
/// <param name="Path">The .safetensors file (kohya/web-UI or diffusers/PEFT layout).</param>
/// <param name="Weight">The multiplier: the layer update is Weight · alpha / rank · up·down.</param>
public sealed record LoraSpec(string Path, double Weight = 1)
{
    /// <summary>The name the web UIs show: the file name without its extension.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Reads <c>FILE</c> or <c>FILE:WEIGHT</c> (the weight after the last colon, when it is a number).</summary>
    /// <exception cref="UserErrorException">The text is empty or the weight is not finite.</exception>
    public static LoraSpec Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UserErrorException("{LoraSpec.text} is empty; give FILE or FILE:WEIGHT, e.g. style.safetensors:0.8");
        int colon = text.LastIndexOf(':');
        // A colon followed by something other than a number belongs to the path (C:\…, or a name with a colon).
        if (colon > 0 && double.TryParse(text[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight))
        {
            if (!double.IsFinite(weight)) throw new UserErrorException($"{{LoraSpec.text}} '{text}' has weight {text[(colon + 1)..]}; give a finite number such as 0.8");
            return new LoraSpec(text[..colon], weight);
        }
        return new LoraSpec(text);
    }

    /// <summary>FILE:WEIGHT as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => $"{Path}:{Weight.ToString("R", CultureInfo.InvariantCulture)}";
}
