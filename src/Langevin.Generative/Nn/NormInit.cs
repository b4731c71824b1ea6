using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// Sets every GroupNorm and LayerNorm of a module to the identity affine map (weight 1, bias 0).
/// TorchSharp 0.107's GroupNorm leaves its affine parameters uninitialised (torch.empty), which gives
/// NaN on the first forward pass; PyTorch initialises them to 1 and 0, so we do it explicitly.
/// </summary>
internal static class NormInit
{
    public static void Apply(nn.Module root)
    {
        using var _ = no_grad();
        foreach (var (_, module) in root.named_modules())
        {
            switch (module)
            {
                case GroupNorm g:
                    g.weight?.fill_(1);
                    g.bias?.zero_();
                    break;
                case LayerNorm l:
                    l.weight?.fill_(1);
                    l.bias?.zero_();
                    break;
            }
        }
    }
}
