using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>What loading a checkpoint into a component did.</summary>
/// <param name="Loaded">Parameters filled.</param>
/// <param name="Unused">Checkpoint tensors under the component's prefix that no parameter took (ignored).</param>
public sealed record WeightLoadReport(int Loaded, IReadOnlyList<string> Unused);

/// <summary>
/// Fills a component's parameters from a checkpoint file (safetensors or torch.save) one tensor at a time (no second
/// copy of the model in memory), by parameter name, optionally through a map to the tensor holding it (a single-file
/// checkpoint's original names). Every parameter must be filled: the components allocate their weights uninitialised.
/// </summary>
internal static class WeightLoader
{
    public static WeightLoadReport Load(nn.Module module, TensorFile file, Func<string, TensorSource>? sourceOf = null)
    {
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        int loaded = 0;
        foreach (var (name, parameter) in module.named_parameters())
        {
            var source = sourceOf?.Invoke(name) ?? new TensorSource(name);
            if (!file.Contains(source.Key))
            {
                missing.Add(source.Key);
                continue;
            }
            if (source.Parts == 1) file.CopyTo(source.Key, parameter);
            else
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                parameter.copy_(file.Read(source.Key).chunk(source.Parts, 0)[source.Part]);
            }
            used.Add(source.Key);
            loaded++;
        }
        if (missing.Count > 0)
            throw new UserErrorException(
                $"'{file.Path}' lacks {missing.Count} of the {module.GetType().Name}'s tensors (first: {string.Join(", ", missing.Take(3))}); the file is not a checkpoint of this architecture, or its configuration was inferred wrongly");
        // Only names of the component's own kind count as unused (a single file holds the other components too).
        string? family = sourceOf is null ? "" : used.Select(k => k[..(k.IndexOf('.') + 1)]).FirstOrDefault();
        var unused = file.Names.Where(n => family is not null && n.StartsWith(family, StringComparison.Ordinal) && !used.Contains(n)).ToArray();
        return new WeightLoadReport(loaded, unused);
    }
}
