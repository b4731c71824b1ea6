using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>What loading a checkpoint into a component did.</summary>
/// <param name="Loaded">Parameters filled.</param>
/// <param name="Unused">Checkpoint tensors under the component's prefix that no parameter took (ignored).</param>
public sealed record WeightLoadReport(int Loaded, IReadOnlyList<string> Unused);

/// <summary>
/// Fills a component's parameters from a safetensors file one tensor at a time (no second copy of the model in memory),
/// by parameter name, optionally through a key map (a single-file checkpoint's original names). Every parameter must be
/// filled: the components allocate their weights uninitialised.
/// </summary>
internal static class WeightLoader
{
    public static WeightLoadReport Load(nn.Module module, SafeTensorsFile file, Func<string, string>? keyOf = null, string prefix = "")
    {
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        int loaded = 0;
        foreach (var (name, parameter) in module.named_parameters())
        {
            string key = keyOf is null ? prefix + name : keyOf(name);
            if (!file.Contains(key))
            {
                missing.Add(key);
                continue;
            }
            file.CopyTo(key, parameter);
            used.Add(key);
            loaded++;
        }
        if (missing.Count > 0)
            throw new UserErrorException(
                $"'{file.Path}' lacks {missing.Count} of the {module.GetType().Name}'s tensors (first: {string.Join(", ", missing.Take(3))}); the file is not a checkpoint of this architecture, or its configuration was inferred wrongly");
        var unused = file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !used.Contains(n)).ToArray();
        return new WeightLoadReport(loaded, unused);
    }
}
