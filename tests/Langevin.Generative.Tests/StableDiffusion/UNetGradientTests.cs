using Langevin.Generative.StableDiffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The UNet frees its activations as it goes and works in place on fresh outputs (for the memory a full-size call
/// needs); a LoRA trains through that same forward. Autograd's gradients through it must equal central differences of
/// the output, computed in float64 where the difference quotient is accurate to ~1e-9 relative.
/// </summary>
public sealed class UNetGradientTests
{
    public static TheoryData<string> Parameters() => new()
    {
        "down_blocks.0.resnets.0.conv1.weight",
        // In the first level GroupNorm has one channel per group and cancels the time embedding exactly; here two share one.
        "down_blocks.1.resnets.1.time_emb_proj.weight",
        "down_blocks.0.attentions.0.proj_in.weight",
        "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight",
        "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_v.weight",
        "down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight",
        "down_blocks.0.attentions.0.transformer_blocks.0.norm3.weight",
        "mid_block.resnets.1.norm2.weight",
        "up_blocks.1.resnets.0.conv_shortcut.weight",
        "conv_norm_out.bias",
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Autograd_through_the_unet_equals_central_differences(string name)
    {
        using var scope = NewDisposeScope();
        using var unet = ComponentReferenceTests.LoadUNet();
        unet.to(ScalarType.Float64);
        var generator = new Generator(7, device: CPU);
        var sample = randn([1, 4, 8, 8], ScalarType.Float64, generator: generator);
        var context = randn([1, 5, 32], ScalarType.Float64, generator: generator);
        var weights = randn([1, 4, 8, 8], ScalarType.Float64, generator: generator);
        var timestep = tensor(321L);
        double Loss() => (unet.Forward(sample, timestep, context) * weights).sum().item<double>();

        var parameter = unet.named_parameters().Single(p => p.name == name).parameter;
        foreach (var p in unet.parameters()) p.requires_grad_(p.Handle == parameter.Handle);
        (unet.Forward(sample, timestep, context) * weights).sum().backward();
        var flat = parameter.grad!.flatten();
        // Three entries spread over the tensor: its first, one in the middle, its last.
        foreach (long k in new[] { 0, flat.shape[0] / 2, flat.shape[0] - 1 })
        {
            double analytic = flat[k].item<double>();
            const double h = 1e-5;
            double Shifted(double by)
            {
                using (no_grad()) parameter.flatten()[k].add_(by);
                return Loss();
            }
            double numeric;
            using (no_grad())
            {
                double plus = Shifted(h), minus = Shifted(-2 * h);
                Shifted(h);
                numeric = (plus - minus) / (2 * h);
            }
            // Central differences: truncation h²·f'''/6 and rounding ~1e-16·|L|/h, both below 1e-8 for these sizes.
            Assert.True(Math.Abs(analytic - numeric) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"{name}[{k}]: autograd {analytic:R}, central difference {numeric:R}");
        }
    }
}
