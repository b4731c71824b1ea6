using Langevin.Generative.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Models;

/// <summary>
/// The denoiser: predicts the noise ε in a noisy latent x_t (B×4×7×7) given the step t (B) and the
/// text encoder's token vectors (B×L×D). A two-level UNet — 7×7 at width C, 4×4 at width 2C — of
/// residual blocks with the time embedding, and a transformer block (self- then cross-attention to the
/// text) after each, with skip connections from the down path to the up path.
/// </summary>
public sealed class UNet : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly TimestepEmbedding time_embedding;
    private readonly SafeConv2d conv_in;
    private readonly ResBlock down0_res;
    private readonly SpatialTransformer down0_attn;
    private readonly SafeConv2d downsample;
    private readonly ResBlock down1_res;
    private readonly SpatialTransformer down1_attn;
    private readonly ResBlock mid_res1;
    private readonly SpatialTransformer mid_attn;
    private readonly ResBlock mid_res2;
    private readonly ResBlock up1_res;
    private readonly SpatialTransformer up1_attn;
    private readonly SafeConv2d upsample_conv;
    private readonly ResBlock up0_res;
    private readonly SpatialTransformer up0_attn;
    private readonly ResBlock up0_res2;
    private readonly GroupNorm2d norm_out;
    private readonly SafeConv2d conv_out;
    private readonly long _width;

    /// <summary>Creates a UNet for latents of <paramref name="latentChannels"/> channels with base width <paramref name="width"/>.</summary>
    public UNet(int latentChannels, int width, int contextDim, int heads, Generator generator) : base("unet")
    {
        long c = width, c2 = 2 * width, timeDim = 4 * width;
        _width = width;
        time_embedding = new TimestepEmbedding("time_embedding", c, timeDim, generator);
        conv_in = new SafeConv2d(latentChannels, c, 3, generator, padding: 1);
        down0_res = new ResBlock("down0_res", c, c, timeDim, generator);
        down0_attn = new SpatialTransformer("down0_attn", c, contextDim, heads, generator);
        downsample = new SafeConv2d(c, c, 3, generator, stride: 2, padding: 1);                 // 7 → 4
        down1_res = new ResBlock("down1_res", c, c2, timeDim, generator);
        down1_attn = new SpatialTransformer("down1_attn", c2, contextDim, heads, generator);
        mid_res1 = new ResBlock("mid_res1", c2, c2, timeDim, generator);
        mid_attn = new SpatialTransformer("mid_attn", c2, contextDim, heads, generator);
        mid_res2 = new ResBlock("mid_res2", c2, c2, timeDim, generator);
        up1_res = new ResBlock("up1_res", c2 + c2, c2, timeDim, generator);
        up1_attn = new SpatialTransformer("up1_attn", c2, contextDim, heads, generator);
        upsample_conv = new SafeConv2d(c2, c2, 3, generator, padding: 1);
        up0_res = new ResBlock("up0_res", c2 + c, c, timeDim, generator);
        up0_attn = new SpatialTransformer("up0_attn", c, contextDim, heads, generator);
        up0_res2 = new ResBlock("up0_res2", c + c, c, timeDim, generator);
        norm_out = new GroupNorm2d(Groups.For(c), c);
        conv_out = new SafeConv2d(c, latentChannels, 3, generator, padding: 1);
        RegisterComponents();
        NormInit.Apply(this);
        conv_out.ZeroInit();
    }

    /// <summary>Builds the UNet described by <paramref name="config"/>, with weights drawn from <paramref name="generator"/>.</summary>
    public static UNet Create(LatentDiffusionConfig config, Generator generator) =>
        new(config.LatentChannels, config.UNetWidth, config.TextWidth, config.UNetHeads, generator);

    /// <summary>Predicted noise ε̂(x_t, t, text), same shape as <paramref name="latents"/>.</summary>
    public override Tensor forward(Tensor latents, Tensor timesteps, Tensor context)
    {
        using var scope = NewDisposeScope();
        long side = latents.shape[2];
        var temb = time_embedding.forward(timesteps);
        var h0 = conv_in.forward(latents);
        var h1 = down0_attn.forward(down0_res.forward(h0, temb), context);
        var h2 = down1_attn.forward(down1_res.forward(downsample.forward(h1), temb), context);
        var m = mid_res2.forward(mid_attn.forward(mid_res1.forward(h2, temb), context), temb);
        var u1 = up1_attn.forward(up1_res.forward(cat([m, h2], 1), temb), context);
        var up = upsample_conv.forward(nn.functional.interpolate(u1, size: [side, side], mode: InterpolationMode.Nearest));
        var u0 = up0_attn.forward(up0_res.forward(cat([up, h1], 1), temb), context);
        u0 = up0_res2.forward(cat([u0, h0], 1), temb);
        return conv_out.forward(nn.functional.silu(norm_out.forward(u0))).MoveToOuterDisposeScope();
    }
}
