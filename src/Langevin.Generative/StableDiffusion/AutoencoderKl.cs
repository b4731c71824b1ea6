using System.Text.Json;
using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>The configuration of Stable Diffusion's KL autoencoder (diffusers' <c>AutoencoderKL</c> config.json).</summary>
/// <param name="InChannels">Image channels (3).</param>
/// <param name="OutChannels">Decoded channels (3).</param>
/// <param name="BlockOutChannels">Channels per level; the latent side is the image side / 2^(levels − 1).</param>
/// <param name="LayersPerBlock">Residual blocks per encoder level (one more per decoder level).</param>
/// <param name="LatentChannels">Latent channels (4).</param>
/// <param name="NormGroups">GroupNorm groups.</param>
/// <param name="ScalingFactor">Latents are multiplied by this before diffusion (0.18215 for SD 1.x/2.x).</param>
public sealed record AutoencoderKlConfig(
    int InChannels,
    int OutChannels,
    IReadOnlyList<int> BlockOutChannels,
    int LayersPerBlock,
    int LatentChannels,
    int NormGroups = 32,
    double ScalingFactor = 0.18215)
{
    /// <summary>Image pixels per latent pixel along a side: 2^(levels − 1).</summary>
    public int ScaleFactor => 1 << (BlockOutChannels.Count - 1);

    /// <summary>Reads a diffusers <c>vae/config.json</c>.</summary>
    /// <exception cref="UserErrorException">The file is missing or malformed.</exception>
    public static AutoencoderKlConfig Load(string path)
    {
        JsonElement json = DiffusersJson.Read(path);
        return new AutoencoderKlConfig(
            InChannels: DiffusersJson.Int(json, "in_channels", 3),
            OutChannels: DiffusersJson.Int(json, "out_channels", 3),
            BlockOutChannels: DiffusersJson.Ints(json, "block_out_channels", path),
            LayersPerBlock: DiffusersJson.Int(json, "layers_per_block", 2),
            LatentChannels: DiffusersJson.Int(json, "latent_channels", 4),
            NormGroups: DiffusersJson.Int(json, "norm_num_groups", 32),
            ScalingFactor: DiffusersJson.Double(json, "scaling_factor", 0.18215));
    }
}

/// <summary>
/// Stable Diffusion's variational autoencoder (diffusers' <c>AutoencoderKL</c>, same parameter names): encodes an
/// image in [−1, 1] to a diagonal Gaussian over latents, and decodes latents back to an image.
/// </summary>
public sealed class AutoencoderKl : nn.Module
{
    private readonly VaeCoder _encoder;
    private readonly VaeCoder _decoder;
    private readonly SdConv2d _quantConv;
    private readonly SdConv2d _postQuantConv;

    /// <summary>Builds the autoencoder for <paramref name="config"/> with unfilled weights (load a checkpoint into it).</summary>
    public AutoencoderKl(AutoencoderKlConfig config) : base("vae")
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _encoder = VaeCoder.Encoder(config);
        _decoder = VaeCoder.Decoder(config);
        _quantConv = new SdConv2d(2L * config.LatentChannels, 2L * config.LatentChannels, 1);
        _postQuantConv = new SdConv2d(config.LatentChannels, config.LatentChannels, 1);
        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
        register_module("quant_conv", _quantConv);
        register_module("post_quant_conv", _postQuantConv);
    }

    /// <summary>The configuration the autoencoder was built for.</summary>
    public AutoencoderKlConfig Config { get; }

    /// <summary>The latent distribution of images <paramref name="image"/> (B, 3, H, W) in [−1, 1] (unscaled latents).</summary>
    public LatentDistribution Encode(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        var moments = _quantConv.Forward(_encoder.Forward(image)).chunk(2, 1);
        var mean = moments[0].MoveToOuterDisposeScope();
        // diffusers clamps the log-variance to [−30, 20] before using it.
        var logVariance = moments[1].clamp(-30.0, 20.0).MoveToOuterDisposeScope();
        return new LatentDistribution(mean, logVariance);
    }

    /// <summary>The image (B, 3, 8H, 8W), roughly in [−1, 1], decoded from unscaled latents <paramref name="latents"/>.</summary>
    public Tensor Decode(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        Tensor image;
        using (var scope = NewDisposeScope())
            image = _decoder.Forward(_postQuantConv.Forward(latents)).MoveToOuterDisposeScope();
        // The decoder's activations (gigabytes at 512×512) are freed by now; hand them back to the OS.
        NativeHeap.Trim();
        return image;
    }
}

/// <summary>A diagonal Gaussian over latents (diffusers' <c>DiagonalGaussianDistribution</c>).</summary>
public sealed class LatentDistribution : IDisposable
{
    internal LatentDistribution(Tensor mean, Tensor logVariance)
    {
        Mean = mean;
        LogVariance = logVariance;
    }

    /// <summary>The mean (the latents image-to-image uses with a deterministic encode).</summary>
    public Tensor Mean { get; }

    /// <summary>The log-variance, clamped to [−30, 20].</summary>
    public Tensor LogVariance { get; }

    /// <summary>mean + exp(logvar/2)·ε with ε drawn by <paramref name="generator"/> (diffusers' <c>latent_dist.sample(generator)</c>).</summary>
    public Tensor Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var noise = randn(Mean.shape, dtype: Mean.dtype, generator: generator).to(Mean.device);
        return (Mean + (LogVariance * 0.5).exp() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>mean + exp(logvar/2)·<paramref name="noise"/>, for a caller that has drawn the noise itself.</summary>
    public Tensor Sample(Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        return (Mean + (LogVariance * 0.5).exp() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the mean and log-variance.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        LogVariance.Dispose();
    }
}

/// <summary>The autoencoder's encoder or decoder (diffusers' <c>Encoder</c>/<c>Decoder</c>): levels of residual blocks, a middle with one attention head, norm, conv out.</summary>
internal sealed class VaeCoder : nn.Module
{
    private const double Eps = 1e-6;
    private readonly SdConv2d _convIn;
    private readonly ModuleList<VaeLevel> _levels;
    private readonly VaeMiddle _mid;
    private readonly SdGroupNorm _normOut;
    private readonly SdConv2d _convOut;
    private readonly bool _isEncoder;

    private VaeCoder(bool isEncoder, SdConv2d convIn, List<VaeLevel> levels, VaeMiddle mid, SdGroupNorm normOut, SdConv2d convOut)
        : base(isEncoder ? "encoder" : "decoder")
    {
        _isEncoder = isEncoder;
        _convIn = convIn;
        _levels = nn.ModuleList(levels.ToArray());
        _mid = mid;
        _normOut = normOut;
        _convOut = convOut;
        register_module("conv_in", _convIn);
        register_module(isEncoder ? "down_blocks" : "up_blocks", _levels);
        register_module("mid_block", _mid);
        register_module("conv_norm_out", _normOut);
        register_module("conv_out", _convOut);
    }

    public static VaeCoder Encoder(AutoencoderKlConfig c)
    {
        var channels = c.BlockOutChannels;
        var levels = new List<VaeLevel>();
        long output = channels[0];
        for (int i = 0; i < channels.Count; i++)
        {
            long input = output;
            output = channels[i];
            levels.Add(new VaeLevel(input, output, c.LayersPerBlock, c.NormGroups, downsample: i < channels.Count - 1, upsample: false));
        }
        return new VaeCoder(true, new SdConv2d(c.InChannels, channels[0], 3, padding: 1), levels, new VaeMiddle(channels[^1], c.NormGroups),
            new SdGroupNorm(c.NormGroups, channels[^1], Eps), new SdConv2d(channels[^1], 2L * c.LatentChannels, 3, padding: 1));
    }

    public static VaeCoder Decoder(AutoencoderKlConfig c)
    {
        var channels = c.BlockOutChannels;
        var levels = new List<VaeLevel>();
        long output = channels[^1];
        for (int i = 0; i < channels.Count; i++)
        {
            long input = output;
            output = channels[channels.Count - 1 - i];
            levels.Add(new VaeLevel(input, output, c.LayersPerBlock + 1, c.NormGroups, downsample: false, upsample: i < channels.Count - 1));
        }
        return new VaeCoder(false, new SdConv2d(c.LatentChannels, channels[^1], 3, padding: 1), levels, new VaeMiddle(channels[^1], c.NormGroups),
            new SdGroupNorm(c.NormGroups, channels[0], Eps), new SdConv2d(channels[0], c.OutChannels, 3, padding: 1));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // Each level's input is freed once its output exists: at 512×512 one activation is 134–268 MB.
        var h = _convIn.Forward(x);
        if (_isEncoder) foreach (var level in _levels) h = Activations.Replace(h, level.Forward(h));
        h = Activations.Replace(h, _mid.Forward(h));
        if (!_isEncoder) foreach (var level in _levels) h = Activations.Replace(h, level.Forward(h));
        using var normed = Activations.Replace(h, _normOut.Forward(h));
        return _convOut.Forward(normed.silu_()).MoveToOuterDisposeScope();
    }

    /// <summary>Residual blocks without time embedding, then a downsampler (padding 0) or an upsampler.</summary>
    private sealed class VaeLevel : nn.Module
    {
        private readonly ModuleList<ResnetBlock> _resnets;
        private readonly Downsample? _down;
        private readonly Upsample? _up;

        public VaeLevel(long input, long output, int layers, long groups, bool downsample, bool upsample) : base("level")
        {
            _resnets = nn.ModuleList(Enumerable.Range(0, layers).Select(j => new ResnetBlock(j == 0 ? input : output, output, null, groups, Eps)).ToArray());
            register_module("resnets", _resnets);
            if (downsample) register_module("downsamplers", nn.ModuleList(_down = new Downsample(output, padding: 0)));
            if (upsample) register_module("upsamplers", nn.ModuleList(_up = new Upsample(output)));
        }

        public Tensor Forward(Tensor input)
        {
            // The intermediate outputs are freed as the next exists; the level's input belongs to the caller.
            var h = input;
            foreach (var resnet in _resnets) h = Next(input, h, resnet.Forward(h, null));
            if (_down is not null) h = Next(input, h, _down.Forward(h));
            if (_up is not null) h = Next(input, h, _up.Forward(h));
            return h;
        }

        private static Tensor Next(Tensor input, Tensor consumed, Tensor result) =>
            ReferenceEquals(consumed, input) ? result : Activations.Replace(consumed, result);
    }

    /// <summary>Residual block, single-head self-attention over all positions (with its own GroupNorm and residual), residual block.</summary>
    private sealed class VaeMiddle : nn.Module
    {
        private readonly ModuleList<ResnetBlock> _resnets;
        private readonly SdGroupNorm _attentionNorm;
        private readonly CrossAttention _attention;

        public VaeMiddle(long channels, long groups) : base("mid_block")
        {
            _resnets = nn.ModuleList(new ResnetBlock(channels, channels, null, groups, Eps), new ResnetBlock(channels, channels, null, groups, Eps));
            _attentionNorm = new SdGroupNorm(groups, channels, Eps);
            _attention = new CrossAttention(channels, channels, heads: 1, headDim: channels, qkvBias: true, upcast: false);
            _attention.register_module("group_norm", _attentionNorm);
            register_module("attentions", nn.ModuleList(_attention));
            register_module("resnets", _resnets);
        }

        public Tensor Forward(Tensor h)
        {
            using var scope = NewDisposeScope();
            h = _resnets[0].Forward(h, null);
            long b = h.shape[0], c = h.shape[1], height = h.shape[2], width = h.shape[3];
            var sequence = _attentionNorm.Forward(h).reshape(b, c, height * width).transpose(1, 2);
            h = _attention.Forward(sequence).transpose(1, 2).reshape(b, c, height, width) + h;
            return _resnets[1].Forward(h, null).MoveToOuterDisposeScope();
        }
    }
}
