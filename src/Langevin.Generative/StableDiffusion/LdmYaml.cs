using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// The parts of an original (CompVis/Stability "LDM") YAML config that a single-file checkpoint's configuration needs:
/// the UNet's heads, projection and prediction type, the autoencoder's scale factor, the noise schedule's betas
/// (what diffusers reads from <c>original_config</c>).
/// </summary>
public sealed class LdmYaml
{
    private readonly YamlMappingNode _model;

    private LdmYaml(string path, YamlMappingNode model)
    {
        Path = path;
        _model = model;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing, not YAML, or has no <c>model.params</c>.</exception>
    public static LdmYaml Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new UserErrorException($"'{path}' does not exist; give the checkpoint's original LDM config (.yaml)");
        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new UserErrorException($"'{path}' is not valid YAML ({e.Message.ReplaceLineEndings(" ")}); give the checkpoint's original LDM config");
        }
        if (stream.Documents.Count == 0 || Find(stream.Documents[0].RootNode, "model", "params") is not YamlMappingNode model)
            throw new UserErrorException($"'{path}' has no model.params section; it is not an LDM config of a Stable Diffusion checkpoint");
        return new LdmYaml(path, model);
    }

    /// <summary>A scalar under <c>model.params</c> by its path (e.g. "unet_config", "params", "num_heads"), or null.</summary>
    public string? Scalar(params string[] path) => (Find(_model, path) as YamlScalarNode)?.Value;

    /// <summary>An integer list under <c>model.params</c>, or null.</summary>
    public IReadOnlyList<int>? Ints(params string[] path) =>
        Find(_model, path) is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlScalarNode>().Select(s => int.Parse(s.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : null;

    /// <summary>An integer scalar, or null when absent (or when it is a list, as num_heads may be).</summary>
    public int? Int(params string[] path) =>
        Scalar(path) is { } s && int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>A real scalar, or null when absent.</summary>
    public double? Double(params string[] path) =>
        Scalar(path) is { } s && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : null;

    /// <summary>A boolean scalar, or null when absent.</summary>
    public bool? Bool(params string[] path) => Scalar(path) is { } s && bool.TryParse(s, out bool v) ? v : null;

    private static YamlNode? Find(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child)) return null;
            node = child;
        }
        return node;
    }
}
