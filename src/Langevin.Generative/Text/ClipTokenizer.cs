using Microsoft.ML.Tokenizers;

namespace Langevin.Generative.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer exactly as Stable Diffusion pipelines use it: OpenAI's clip/simple_tokenizer.py
/// (which transformers' CLIPTokenizer reproduces) on a diffusers <c>tokenizer/</c> folder, and the pipelines' layout of
/// <see cref="MaxLength"/> ids, <c>[bos] + bpe[:MaxLength-2] + [eos]</c> padded with the padding id.
/// </summary>
/// <remarks>
/// The text is cleaned as simple_tokenizer does (<see cref="ClipTextCleaner"/>: ftfy is taken as the identity, HTML
/// unescaped twice, whitespace collapsed, lower-cased), split with its pattern, and each piece encoded as UTF-8 bytes
/// mapped to printable characters, its last character marked with <c>&lt;/w&gt;</c>, and merged by merges.txt's ranks.
/// The byte mapping and the merging are Microsoft.ML.Tokenizers' BPE (byte-level, with an end-of-word suffix): it gives
/// the same tokens as simple_tokenizer on every reference case, on every whole word of the vocabulary and on random
/// words checked against a port of simple_tokenizer's bpe() (in the tests), caches words as simple_tokenizer does,
/// and saves keeping a BPE implementation here.
/// </remarks>
public sealed class ClipTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly HashSet<int> _special;
    private readonly string?[] _tokens;

    private ClipTokenizer(BpeTokenizer bpe, string?[] tokens, int bos, int eos, int pad, int unknown, int maxLength)
    {
        _bpe = bpe;
        _tokens = tokens;
        BosId = bos;
        EosId = eos;
        PadId = pad;
        UnknownId = unknown;
        MaxLength = maxLength;
        _special = [bos, eos, pad];
    }

    /// <summary>Id of the begin-of-text token (<c>&lt;|startoftext|&gt;</c>, 49406, in CLIP).</summary>
    public int BosId { get; }

    /// <summary>Id of the end-of-text token (<c>&lt;|endoftext|&gt;</c>, 49407, in CLIP).</summary>
    public int EosId { get; }

    /// <summary>Id the windows are padded with (the end-of-text token in SD 1.x; "!" in SD 2.x).</summary>
    public int PadId { get; }

    /// <summary>Id of the unknown token; byte-level BPE never needs it, since every byte has a token.</summary>
    public int UnknownId { get; }

    /// <summary>Length of every window of ids, bos and eos included (model_max_length, 77 for Stable Diffusion).</summary>
    public int MaxLength { get; }

    /// <summary>How many BPE tokens fit in one window between bos and eos (75 for Stable Diffusion).</summary>
    public int ChunkLength => MaxLength - 2;

    /// <summary>One more than the largest id of vocab.json (49408 for CLIP, whose ids are 0 to 49407).</summary>
    public int VocabularySize => _tokens.Length;

    /// <summary>
    /// Loads a diffusers <c>tokenizer/</c> folder: vocab.json and merges.txt, and the special tokens and
    /// model_max_length from tokenizer_config.json / special_tokens_map.json when present (CLIP's
    /// <c>&lt;|startoftext|&gt;</c>, <c>&lt;|endoftext|&gt;</c>, padding with end-of-text and 77 otherwise).
    /// </summary>
    /// <exception cref="UserErrorException">A file is missing or corrupt; the message names it.</exception>
    public static ClipTokenizer Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw new UserErrorException($"Tokenizer folder {folder} does not exist.");
        string vocabPath = Path.Combine(folder, "vocab.json");
        var vocabulary = ClipTokenizerFiles.ReadVocabulary(vocabPath);
        var merges = ClipTokenizerFiles.ReadMerges(Path.Combine(folder, "merges.txt"), vocabulary);
        var settings = ClipTokenizerFiles.ReadSettings(folder);

        int Id(string token, string role) => vocabulary.TryGetValue(token, out int id)
            ? id
            : throw ClipTokenizerFiles.Corrupt(vocabPath, $"lacks the {role} token \"{token}\" the tokenizer settings name");

        // Checked before the BPE model is built, which would throw its own error for an unknown token it is given.
        int bos = Id(settings.Bos, "bos"), eos = Id(settings.Eos, "eos"), pad = Id(settings.Pad, "pad"), unknown = Id(settings.Unknown, "unk");

        // The pattern keeps CLIP's two special tokens whole, and simple_tokenizer maps them straight to their ids.
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in (string[])[ClipTokenizerFiles.StartOfText, ClipTokenizerFiles.EndOfText])
            if (vocabulary.TryGetValue(token, out int id)) specials[token] = id;

        var bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
            Normalizer = ClipTextCleaner.Instance,
            PreTokenizer = new RegexPreTokenizer(ClipTextCleaner.Pieces(), specials),
            SpecialTokens = specials,
            UnknownToken = settings.Unknown,
        });
        var tokens = new string?[vocabulary.Values.Max() + 1];
        foreach (var (token, id) in vocabulary) tokens[id] = token;
        return new ClipTokenizer(bpe, tokens, bos, eos, pad, unknown, settings.MaxLength);
    }

    /// <summary>
    /// This tokenizer padding with <paramref name="padId"/> instead (SD 2.x's OpenCLIP pads with "!", id 0, where SD 1.x
    /// pads with end-of-text): for single-file checkpoints, which carry no tokenizer settings.
    /// </summary>
    public ClipTokenizer WithPadId(int padId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(padId, VocabularySize);
        return new ClipTokenizer(_bpe, _tokens, BosId, EosId, padId, UnknownId, MaxLength);
    }

    /// <summary>
    /// Encodes <paramref name="prompt"/> into one window as the pipelines do: the first <see cref="ChunkLength"/> BPE
    /// tokens between bos and eos, the rest cut off (<see cref="ClipEncoding.Truncated"/>).
    /// </summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parseWeights">Whether to read the web UIs' weighting syntax (<see cref="PromptWeights"/>) into
    /// <see cref="ClipEncoding.Weights"/> instead of tokenizing the brackets as text; a BREAK is then ignored.</param>
    public ClipEncoding Encode(string prompt, bool parseWeights = false)
    {
        var tokens = Tokenize(prompt, parseWeights).Where(t => !t.IsBreak).ToList();
        var window = tokens.Take(ChunkLength).ToList();
        return Window(window, tokens.Count, tokens.Count > ChunkLength, tokens.Select(t => t.Text).ToList());
    }

    /// <summary>
    /// Encodes <paramref name="prompt"/> into as many windows as its tokens need, <see cref="ChunkLength"/> tokens each,
    /// every one with its own bos and eos, as the web UIs do for prompts longer than one window (their encodings are
    /// concatenated along the sequence). An empty prompt gives one window.
    /// </summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parseWeights">Whether to read the web UIs' weighting syntax (<see cref="PromptWeights"/>); each BREAK
    /// then starts a new window, as in AUTOMATIC1111.</param>
    public IReadOnlyList<ClipEncoding> EncodeChunks(string prompt, bool parseWeights = false)
    {
        var chunks = new List<ClipEncoding>();
        var current = new List<WeightedToken>();
        void Flush()
        {
            chunks.Add(Window(current, current.Count, false, current.Select(t => t.Text).ToList()));
            current = [];
        }
        foreach (var token in Tokenize(prompt, parseWeights))
        {
            if (token.IsBreak)
            {
                Flush();
                continue;
            }
            current.Add(token);
            if (current.Count == ChunkLength) Flush();
        }
        if (current.Count > 0 || chunks.Count == 0) Flush();
        return chunks;
    }

    /// <summary>
    /// Turns ids back into text as simple_tokenizer's decode does (less its trailing space): bos, eos and padding are
    /// dropped, each word's bytes decoded as UTF-8, words (up to a token ending in <c>&lt;/w&gt;</c>) separated by one
    /// space. Lower-case words separated by single spaces come back as they were; every piece of the pattern is a word,
    /// so "it's 4k" comes back as "it 's 4 k".
    /// </summary>
    public string Decode(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var words = new List<string>();
        var word = new List<int>();
        foreach (long id in ids)
        {
            string token = id >= 0 && id < VocabularySize && _tokens[id] is { } t
                ? t
                : throw new ArgumentOutOfRangeException(nameof(ids), id, "not an id of vocab.json");
            if (_special.Contains((int)id)) continue;
            word.Add((int)id);
            if (token.EndsWith("</w>", StringComparison.Ordinal))
            {
                words.Add(_bpe.Decode(word));
                word.Clear();
            }
        }
        if (word.Count > 0) words.Add(_bpe.Decode(word));
        return string.Join(' ', words);
    }

    private List<WeightedToken> Tokenize(string prompt, bool parseWeights)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var spans = parseWeights ? PromptWeights.Parse(prompt) : [new PromptSpan(prompt, 1.0)];
        var tokens = new List<WeightedToken>();
        foreach (var span in spans)
        {
            if (span.IsBreak)
            {
                tokens.Add(new WeightedToken(-1, "", 1f, IsBreak: true));
                continue;
            }
            // Each span is tokenized on its own, as AUTOMATIC1111 does, so a weight never splits a token.
            foreach (var token in _bpe.EncodeToTokens(span.Text, out _))
                tokens.Add(new WeightedToken(token.Id, token.Value, (float)span.Weight));
        }
        return tokens;
    }

    private ClipEncoding Window(List<WeightedToken> tokens, int tokenCount, bool truncated, IReadOnlyList<string> strings)
    {
        var ids = new long[MaxLength];
        var mask = new long[MaxLength];
        var weights = new float[MaxLength];
        Array.Fill(ids, PadId);
        Array.Fill(weights, 1f);
        ids[0] = BosId;
        for (int i = 0; i < tokens.Count; i++)
        {
            ids[i + 1] = tokens[i].Id;
            weights[i + 1] = tokens[i].Weight;
        }
        ids[tokens.Count + 1] = EosId;
        Array.Fill(mask, 1L, 0, tokens.Count + 2);
        return new ClipEncoding(ids, mask, weights, tokenCount, truncated, strings);
    }

    private readonly record struct WeightedToken(int Id, string Text, float Weight, bool IsBreak = false);
}
