namespace Langevin.Generative.Text;

/// <summary>
/// One window of token ids for the CLIP text encoder, laid out as Stable Diffusion pipelines feed it:
/// <c>[bos] + tokens + [eos]</c>, then the padding id up to <see cref="ClipTokenizer.MaxLength"/>.
/// </summary>
public sealed class ClipEncoding
{
    internal ClipEncoding(long[] inputIds, long[] attentionMask, float[] weights, int tokenCount, bool truncated, IReadOnlyList<string> tokens)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Weights = weights;
        TokenCount = tokenCount;
        Truncated = truncated;
        Tokens = tokens;
    }

    /// <summary>The <see cref="ClipTokenizer.MaxLength"/> ids (77 for Stable Diffusion).</summary>
    public long[] InputIds { get; }

    /// <summary>1 for bos, the tokens and eos, 0 for the padding (SD 1.x's text encoder ignores it; others use it).</summary>
    public long[] AttentionMask { get; }

    /// <summary>
    /// The attention weight of each id, aligned with <see cref="InputIds"/>: 1 for bos, eos and padding, and for every
    /// token unless the prompt was encoded with its weighting syntax parsed (<see cref="PromptWeights"/>).
    /// </summary>
    public float[] Weights { get; }

    /// <summary>
    /// The number of BPE tokens the text made: of the whole prompt for <see cref="ClipTokenizer.Encode"/> (it may exceed
    /// the window), of this window for <see cref="ClipTokenizer.EncodeChunks"/>.
    /// </summary>
    public int TokenCount { get; }

    /// <summary>Whether tokens were cut off to fit the window (never for a chunk).</summary>
    public bool Truncated { get; }

    /// <summary>The BPE token strings counted by <see cref="TokenCount"/> (byte-level, <c>&lt;/w&gt;</c> ends a word).</summary>
    public IReadOnlyList<string> Tokens { get; }
}
