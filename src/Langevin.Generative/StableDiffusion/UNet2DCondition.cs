using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// Stable Diffusion 1.x/2.x's denoiser, diffusers' <c>UNet2DConditionModel</c> with the same parameter names, so a
/// diffusers checkpoint loads key for key: predicts the noise (or v) of latents at a timestep, conditioned on the text
/// encoder's states by cross-attention.
/// </summary>
public sealed class UNet2DCondition : nn.Module
{
    private readonly SdConv2d _convIn;
    private readonly SdLinear _timeLinear1;
    private readonly SdLinear _timeLinear2;
    private readonly ModuleList<UNetLevel> _down;
    private readonly UNetMiddle _mid;
    private readonly ModuleList<UNetLevel> _up;
    private readonly SdGroupNorm _normOut;
    private readonly SdConv2d _convOut;

    /// <summary>Builds the network for <paramref name="config"/> with unfilled weights (load a checkpoint into it).</summary>
    public UNet2DCondition(UNetConfig config) : base("unet")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("UNet configuration");
        Config = config;
        var channels = config.BlockOutChannels;
        long timeDim = channels[0] * 4L;
        int levels = channels.Count;
        _convIn = new SdConv2d(config.InChannels, channels[0], 3, padding: 1);
        _timeLinear1 = new SdLinear(channels[0], timeDim);
        _timeLinear2 = new SdLinear(timeDim, timeDim);

        var down = new List<UNetLevel>();
        long output = channels[0];
        for (int i = 0; i < levels; i++)
        {
            long input = output;
            output = channels[i];
            down.Add(UNetLevel.Down(config, i, input, output, timeDim, addDownsample: i < levels - 1));
        }
        _mid = new UNetMiddle(config, channels[^1], timeDim);

        var up = new List<UNetLevel>();
        output = channels[^1];
        for (int i = 0; i < levels; i++)
        {
            long previous = output;
            int level = levels - 1 - i;
            output = channels[level];
            long input = channels[Math.Max(level - 1, 0)];
            up.Add(UNetLevel.Up(config, i, level, previous, output, input, timeDim, addUpsample: i < levels - 1));
        }
        _down = nn.ModuleList(down.ToArray());
        _up = nn.ModuleList(up.ToArray());
        _normOut = new SdGroupNorm(config.NormGroups, channels[0], config.NormEps);
        _convOut = new SdConv2d(channels[0], config.OutChannels, 3, padding: 1);

        register_module("conv_in", _convIn);
        register_module("time_embedding", new ModuleGroup(("linear_1", _timeLinear1), ("linear_2", _timeLinear2)));
        register_module("down_blocks", _down);
        register_module("mid_block", _mid);
        register_module("up_blocks", _up);
        register_module("conv_norm_out", _normOut);
        register_module("conv_out", _convOut);
    }

    /// <summary>The configuration the network was built for.</summary>
    public UNetConfig Config { get; }

    /// <summary>
    /// The model output for latents <paramref name="sample"/> (B, C, H, W) at <paramref name="timesteps"/> (one per
    /// sample, or one for all) given text states <paramref name="context"/> (B, 77, D).
    /// </summary>
    public Tensor Forward(Tensor sample, Tensor timesteps, Tensor context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(timesteps);
        ArgumentNullException.ThrowIfNull(context);
        var output = ForwardInScope(sample, timesteps, context);
        // The call's activations are freed by now; without handing them back the peak grows with every call.
        NativeHeap.Trim();
        return output;
    }

    private Tensor ForwardInScope(Tensor sample, Tensor timesteps, Tensor context)
    {
        using var scope = NewDisposeScope();
        long batch = sample.shape[0];
        var t = timesteps.dim() == 0 ? timesteps.reshape(1) : timesteps;
        t = t.to(sample.device).expand(batch);
        var frequencies = TimestepFrequencies(t, Config.BlockOutChannels[0], Config.FlipSinToCos, Config.FreqShift).to_type(sample.dtype);
        var emb = _timeLinear2.Forward(nn.functional.silu(_timeLinear1.Forward(frequencies)));

        var h = _convIn.Forward(sample);
        var skips = new List<Tensor> { h };
        foreach (var level in _down) h = level.ForwardDown(h, emb, context, skips);
        h = _mid.Forward(h, emb, context);
        foreach (var level in _up) h = level.ForwardUp(h, emb, context, skips);
        using var normed = Activations.Replace(h, _normOut.Forward(h));
        return _convOut.Forward(normed.silu_()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The sinusoidal timestep features of DDPM's UNet as diffusers computes them: frequencies
    /// exp(−ln(10000)·i/(half − shift)), sin and cos of t times each (cos first when flipped), in float32.
    /// </summary>
    internal static Tensor TimestepFrequencies(Tensor timesteps, long dim, bool flipSinToCos, int shift)
    {
        using var scope = NewDisposeScope();
        long half = dim / 2;
        var exponent = arange(half, dtype: ScalarType.Float32, device: timesteps.device) * (-Math.Log(10000) / (half - shift));
        var args = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * exponent.exp().unsqueeze(0);
        var emb = flipSinToCos ? cat([args.cos(), args.sin()], 1) : cat([args.sin(), args.cos()], 1);
        if (dim % 2 == 1) emb = nn.functional.pad(emb, [0, 1]);
        return emb.MoveToOuterDisposeScope();
    }
}

/// <summary>One resolution level of the UNet: residual blocks, optional spatial transformers, and a down- or upsampler.</summary>
internal sealed class UNetLevel : nn.Module
{
    private readonly ModuleList<ResnetBlock> _resnets;
    private readonly ModuleList<SpatialTransformerBlock>? _attentions;
    private readonly Downsample? _downsample;
    private readonly Upsample? _upsample;

    private UNetLevel(List<ResnetBlock> resnets, List<SpatialTransformerBlock>? attentions, Downsample? downsample, Upsample? upsample)
        : base("level")
    {
        _resnets = nn.ModuleList(resnets.ToArray());
        _attentions = attentions is null ? null : nn.ModuleList(attentions.ToArray());
        _downsample = downsample;
        _upsample = upsample;
        if (_attentions is not null) register_module("attentions", _attentions);
        register_module("resnets", _resnets);
        if (_downsample is not null) register_module("downsamplers", nn.ModuleList(_downsample));
        if (_upsample is not null) register_module("upsamplers", nn.ModuleList(_upsample));
    }

    public static UNetLevel Down(UNetConfig config, int level, long input, long output, long timeDim, bool addDownsample)
    {
        bool attention = config.DownBlockTypes[level] == "CrossAttnDownBlock2D";
        var resnets = new List<ResnetBlock>();
        var attentions = attention ? new List<SpatialTransformerBlock>() : null;
        for (int j = 0; j < config.LayersPerBlock; j++)
        {
            resnets.Add(new ResnetBlock(j == 0 ? input : output, output, timeDim, config.NormGroups, config.NormEps));
            attentions?.Add(Transformer(config, output, config.AttentionHeads[level]));
        }
        return new UNetLevel(resnets, attentions, addDownsample ? new Downsample(output, config.DownsamplePadding) : null, null);
    }

    /// <param name="config">The UNet's configuration.</param>
    /// <param name="index">Position among the up blocks (0 = lowest resolution).</param>
    /// <param name="level">The resolution level it mirrors (BlockOutChannels index).</param>
    /// <param name="previous">Channels coming from the block below.</param>
    /// <param name="output">Channels of this level.</param>
    /// <param name="input">Channels of the level above's skip (the last skip this block takes).</param>
    /// <param name="timeDim">Width of the time embedding.</param>
    /// <param name="addUpsample">Whether an upsampler ends the block.</param>
    public static UNetLevel Up(UNetConfig config, int index, int level, long previous, long output, long input, long timeDim, bool addUpsample)
    {
        bool attention = config.UpBlockTypes[index] == "CrossAttnUpBlock2D";
        int layers = config.LayersPerBlock + 1;
        var resnets = new List<ResnetBlock>();
        var attentions = attention ? new List<SpatialTransformerBlock>() : null;
        for (int j = 0; j < layers; j++)
        {
            long skip = j == layers - 1 ? input : output;
            long resnetIn = j == 0 ? previous : output;
            resnets.Add(new ResnetBlock(resnetIn + skip, output, timeDim, config.NormGroups, config.NormEps));
            attentions?.Add(Transformer(config, output, config.AttentionHeads[level]));
        }
        return new UNetLevel(resnets, attentions, null, addUpsample ? new Upsample(output) : null);
    }

    internal static SpatialTransformerBlock Transformer(UNetConfig config, long channels, long heads) =>
        new(channels, heads, channels / heads, config.CrossAttentionDim, config.TransformerLayersPerBlock, config.NormGroups,
            config.UseLinearProjection, config.UpcastAttention);

    // The forward passes release each intermediate as soon as it is consumed (skips when the up path has joined them):
    // at 512×512 one activation of the first level is 10 MB per image, and the whole pass holds over a hundred of them.
    public Tensor ForwardDown(Tensor h, Tensor emb, Tensor context, List<Tensor> skips)
    {
        for (int j = 0; j < _resnets.Count; j++)
        {
            h = _resnets[j].Forward(h, emb);
            if (_attentions is not null) h = Activations.Replace(h, _attentions[j].Forward(h, context));
            skips.Add(h);
        }
        if (_downsample is not null)
        {
            h = _downsample.Forward(h);
            skips.Add(h);
        }
        return h;
    }

    public Tensor ForwardUp(Tensor h, Tensor emb, Tensor context, List<Tensor> skips)
    {
        for (int j = 0; j < _resnets.Count; j++)
        {
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            var joined = cat([h, skip], 1);
            skip.Dispose();
            h.Dispose();
            h = Activations.Replace(joined, _resnets[j].Forward(joined, emb));
            if (_attentions is not null) h = Activations.Replace(h, _attentions[j].Forward(h, context));
        }
        // Upsample to the size of the skip the next level takes, so latents whose side is not a multiple of 2^levels
        // line up as diffusers' forward_upsample_size makes them.
        if (_upsample is not null) h = Activations.Replace(h, _upsample.Forward(h, [skips[^1].shape[2], skips[^1].shape[3]]));
        return h;
    }
}

/// <summary>The UNet's middle: residual block, spatial transformer, residual block (diffusers' <c>UNetMidBlock2DCrossAttn</c>).</summary>
internal sealed class UNetMiddle : nn.Module
{
    private readonly ModuleList<ResnetBlock> _resnets;
    private readonly ModuleList<SpatialTransformerBlock> _attentions;

    public UNetMiddle(UNetConfig config, long channels, long timeDim) : base("mid_block")
    {
        _resnets = nn.ModuleList(
            new ResnetBlock(channels, channels, timeDim, config.NormGroups, config.NormEps),
            new ResnetBlock(channels, channels, timeDim, config.NormGroups, config.NormEps));
        _attentions = nn.ModuleList(UNetLevel.Transformer(config, channels, config.AttentionHeads[^1]));
        register_module("attentions", _attentions);
        register_module("resnets", _resnets);
    }

    public Tensor Forward(Tensor h, Tensor emb, Tensor context)
    {
        h = _resnets[0].Forward(h, emb);
        h = Activations.Replace(h, _attentions[0].Forward(h, context));
        return Activations.Replace(h, _resnets[1].Forward(h, emb));
    }
}
