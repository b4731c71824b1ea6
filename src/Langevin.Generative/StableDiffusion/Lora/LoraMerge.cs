using Langevin.Torch;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>What merging one LoRA file changed.</summary>
/// <param name="Lora">The file and weight merged.</param>
/// <param name="UNetLayers">UNet layers updated.</param>
/// <param name="TextEncoderLayers">Text-encoder layers updated.</param>
public sealed record LoraReport(LoraSpec Lora, int UNetLayers, int TextEncoderLayers);

/// <summary>
/// Merges a LoRA file into a model's weights, W ← W + weight · alpha/rank · up·down (alpha = rank when the file has
/// none), computed in float64 and rounded once to the weights' float32. Reads kohya/web-UI files
/// (<c>lora_unet_*.lora_down.weight</c>, <c>.lora_up.weight</c>, <c>.alpha</c>; <c>lora_te_*</c>; linear layers and
/// convolutions, LoCon's k×k down with 1×1 up included) and diffusers files (<c>unet.*.lora_A.weight</c>/<c>lora_B.weight</c>
/// of PEFT, <c>*.lora.down.weight</c>/<c>up</c> and <c>*.lora_linear_layer.*</c> of older diffusers; text encoder under
/// <c>text_encoder.</c>). Merging is what inference wants: no extra work per step, and weight 0 leaves W as it was.
/// </summary>
internal static class LoraMerge
{
    private enum Part { Down, Up, Alpha }

    private static readonly (string Suffix, Part Part)[] DiffusersSuffixes =
    [
        (".lora_A.weight", Part.Down), (".lora_B.weight", Part.Up),
        (".lora.down.weight", Part.Down), (".lora.up.weight", Part.Up),
        (".lora_linear_layer.down.weight", Part.Down), (".lora_linear_layer.up.weight", Part.Up),
        (".alpha", Part.Alpha),
    ];

    /// <exception cref="UserErrorException">The file is missing or not safetensors, names layers the model lacks, or its shapes do not fit.</exception>
    public static LoraReport Apply(StableDiffusionModel model, LoraSpec lora)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lora);
        if (!double.IsFinite(lora.Weight)) throw new ArgumentException($"LoRA weight {lora.Weight} is not finite", nameof(lora));
        using var file = SafeTensorsFile.Open(lora.Path);
        var targets = new LoraTargets(model);
        var layers = new Dictionary<string, Dictionary<Part, string>>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (string name in file.Names)
        {
            var (key, part) = Locate(name, targets);
            if (key is null) unknown.Add(name);
            else if (!(layers.TryGetValue(key, out var parts) ? parts : layers[key] = []).TryAdd(part, name))
                throw new UserErrorException($"'{lora.Path}' holds two {part.ToString().ToLowerInvariant()} tensors for one layer ('{layers[key][part]}' and '{name}'); the file mixes two LoRAs, give each its own file");
        }
        if (unknown.Count > 0)
            throw new UserErrorException(
                $"'{lora.Path}': {unknown.Count} of its {file.Names.Count} tensors name no layer of this model (first: {string.Join(", ", unknown.Take(3))}); it is a LoRA for another architecture (e.g. SDXL) or of a kind Langevin does not merge (LoHa, LoKr), use a LoRA/LoCon for this model");
        if (layers.Count == 0) throw new UserErrorException($"'{lora.Path}' holds no LoRA tensors; give a kohya/web-UI or diffusers LoRA .safetensors file");

        int unet = 0, text = 0;
        using var noGrad = no_grad();
        foreach (var (key, parts) in layers)
        {
            string module = key[(key.IndexOf(':') + 1)..];
            if (!parts.TryGetValue(Part.Down, out var downName) || !parts.TryGetValue(Part.Up, out var upName))
                throw new UserErrorException($"'{lora.Path}' has only part of the LoRA of layer '{module}' (a down and an up matrix are both needed); the file is incomplete, download it again");
            using var scope = NewDisposeScope();
            var down = file.Read(downName).to_type(ScalarType.Float64);
            var up = file.Read(upName).to_type(ScalarType.Float64);
            var weight = targets.Weight(key);
            long rank = down.shape[0], outputs = weight.shape[0], inputs = weight.shape[1], perOutput = weight.numel() / outputs;
            if (down.dim() < 2 || down.shape[1] != inputs || down.numel() != rank * perOutput || up.shape[0] != outputs || up.numel() != outputs * rank)
                throw new UserErrorException(
                    $"'{lora.Path}': the LoRA of layer '{module}' has down [{string.Join(", ", down.shape)}] and up [{string.Join(", ", up.shape)}], which do not fit the model's weight [{string.Join(", ", weight.shape)}]; the LoRA was trained for another architecture (SD 1.x, 2.x or SDXL), use one made for this model");
            double alpha = parts.TryGetValue(Part.Alpha, out var alphaName) ? file.Read(alphaName).to_type(ScalarType.Float64).item<double>() : rank;
            double scale = lora.Weight * alpha / rank;
            var delta = up.reshape(outputs, rank).mm(down.reshape(rank, perOutput)).reshape(weight.shape);
            weight.copy_(weight.to_type(ScalarType.Float64) + delta * scale);
            if (key.StartsWith(LoraTargets.UNet + ":", StringComparison.Ordinal)) unet++;
            else text++;
        }
        return new LoraReport(lora, unet, text);
    }

    /// <summary>The canonical layer key and part of tensor <paramref name="name"/>, or (null, _) when the model has no such layer.</summary>
    private static (string? Key, Part Part) Locate(string name, LoraTargets targets)
    {
        if (name.StartsWith(LoraTargets.KohyaUNet, StringComparison.Ordinal) || name.StartsWith(LoraTargets.KohyaText, StringComparison.Ordinal))
        {
            int dot = name.IndexOf('.');
            if (dot < 0) return (null, default);
            Part? part = name[(dot + 1)..] switch
            {
                "lora_down.weight" => Part.Down,
                "lora_up.weight" => Part.Up,
                "alpha" => Part.Alpha,
                _ => null,
            };
            return part is null ? (null, default) : (targets.FromKohya(name[..dot]), part.Value);
        }
        foreach (string component in new[] { LoraTargets.UNet, LoraTargets.TextEncoder })
        {
            if (!name.StartsWith(component + ".", StringComparison.Ordinal)) continue;
            foreach (var (suffix, part) in DiffusersSuffixes)
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                    return (targets.FromDiffusers(component, name[(component.Length + 1)..^suffix.Length]), part);
        }
        return (null, default);
    }
}
