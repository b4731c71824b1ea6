using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// The attention computation every attention layer here shares (the own model's, and Stable Diffusion's UNet, VAE and
/// CLIP layers): softmax(q·kᵀ/√d)·v per head, with libtorch's fused kernel.
/// </summary>
internal static class MultiHeadAttention
{
    /// <summary>
    /// softmax(q·kᵀ/√d)·v per head on (B, N, heads·d) queries and (B, M, heads·d) keys and values, back in
    /// (B, N, heads·d); with <paramref name="causal"/> position i sees only positions ≤ i (CLIP's text transformer);
    /// with <paramref name="upcast"/> the scores are computed in float32 whatever the inputs' dtype (SD 2.1's
    /// <c>upcast_attention</c>).
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, long heads, bool upcast = false, bool causal = false)
    {
        using var scope = NewDisposeScope();
        long batch = q.shape[0], n = q.shape[1], m = k.shape[1], inner = q.shape[2], d = inner / heads;
        Tensor Split(Tensor t, long length) => t.reshape(batch, length, heads, d).transpose(1, 2);
        var qh = Split(q, n);
        var kh = Split(k, m);
        var vh = Split(v, m);
        // libtorch's fused kernel (flash attention on CPU) never holds the N×M score matrix: at 512×512 that matrix
        // would be 4096×4096 per head.
        var dtype = q.dtype;
        if (upcast && dtype != ScalarType.Float32)
        {
            qh = qh.to_type(ScalarType.Float32);
            kh = kh.to_type(ScalarType.Float32);
            vh = vh.to_type(ScalarType.Float32);
        }
        var y = nn.functional.scaled_dot_product_attention(qh, kh, vh, is_casual: causal).to_type(dtype);
        return y.transpose(1, 2).reshape(batch, n, inner).MoveToOuterDisposeScope();
    }
}
