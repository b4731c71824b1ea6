using System.Text.RegularExpressions;

namespace Langevin.Generative.Text;

/// <summary>
/// A word-level tokenizer with a fixed, documented vocabulary (stored in the model's config.json).
/// Text is lower-cased and split into words of letters and digits, keeping inner hyphens and apostrophes
/// ("t-shirt" is one word). Every sequence is [BOS] words… [EOS] then [PAD] up to <see cref="MaxLength"/>,
/// truncated so that [EOS] always fits. Unknown words map to [UNK]. A word vocabulary is enough for
/// captions of a ten-class dataset and, unlike BPE, every token id is a word a reader can look up.
/// </summary>
public sealed partial class WordTokenizer
{
    /// <summary>Id of the padding token.</summary>
    public const int Pad = 0;

    /// <summary>Id of the begin-of-sequence token.</summary>
    public const int Bos = 1;

    /// <summary>Id of the end-of-sequence token.</summary>
    public const int Eos = 2;

    /// <summary>Id of the unknown-word token.</summary>
    public const int Unknown = 3;

    /// <summary>The four special tokens, ids 0–3.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[BOS]", "[EOS]", "[UNK]"];

    private readonly Dictionary<string, int> _ids;

    /// <summary>Builds a tokenizer from the vocabulary words (without the special tokens); ids follow the list order from 4.</summary>
    public WordTokenizer(IEnumerable<string> words, int maxLength)
    {
        if (maxLength < 3) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "need room for [BOS], one word and [EOS]");
        MaxLength = maxLength;
        var list = new List<string>(SpecialTokens);
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++) _ids[list[i]] = i;
        foreach (var word in words)
        {
            if (_ids.ContainsKey(word)) continue;
            _ids[word] = list.Count;
            list.Add(word);
        }
        Vocabulary = list;
    }

    /// <summary>Every token, indexed by id (special tokens first).</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>Number of distinct token ids.</summary>
    public int VocabularySize => Vocabulary.Count;

    /// <summary>Length of every encoded sequence, including [BOS] and [EOS].</summary>
    public int MaxLength { get; }

    /// <summary>A tokenizer whose vocabulary is every word that occurs in <paramref name="texts"/>, in order of first use.</summary>
    public static WordTokenizer FromTexts(IEnumerable<string> texts, int maxLength) =>
        new(texts.SelectMany(Words).Distinct(StringComparer.Ordinal), maxLength);

    /// <summary>Lower-cases and splits <paramref name="text"/> into words.</summary>
    public static IEnumerable<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value);

    /// <summary>Encodes one text into exactly <see cref="MaxLength"/> ids.</summary>
    public long[] Encode(string text)
    {
        var ids = new long[MaxLength];
        int n = 0;
        ids[n++] = Bos;
        foreach (var word in Words(text))
        {
            if (n == MaxLength - 1) break;
            ids[n++] = _ids.TryGetValue(word, out int id) ? id : Unknown;
        }
        ids[n++] = Eos;
        // The rest stays 0 = [PAD].
        return ids;
    }

    /// <summary>Encodes several texts into one row-major array of <c>texts.Count × MaxLength</c> ids.</summary>
    public long[] EncodeBatch(IReadOnlyList<string> texts)
    {
        var all = new long[texts.Count * MaxLength];
        for (int i = 0; i < texts.Count; i++) Encode(texts[i]).CopyTo(all, i * MaxLength);
        return all;
    }

    /// <summary>The words of <paramref name="text"/> that are not in the vocabulary (they become [UNK]).</summary>
    public IReadOnlyList<string> UnknownWords(string text) => Words(text).Where(w => !_ids.ContainsKey(w)).Distinct().ToList();

    /// <summary>Turns ids back into text, dropping special tokens.</summary>
    public string Decode(IEnumerable<long> ids) =>
        string.Join(' ', ids.Where(id => id >= SpecialTokens.Count || id == Unknown).Select(id => Vocabulary[(int)id]));

    [GeneratedRegex(@"[a-z0-9]+(?:['\-][a-z0-9]+)*")]
    private static partial Regex WordPattern();
}
