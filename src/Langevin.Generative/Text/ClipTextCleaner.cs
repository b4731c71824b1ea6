using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Langevin.Generative.Text;

/// <summary>
/// The clean-up OpenAI's clip/simple_tokenizer.py applies before BPE (<c>whitespace_clean(basic_clean(text)).lower()</c>)
/// and its pre-tokenizer pattern, as the normalizer and pre-tokenizer of the BPE model.
/// </summary>
/// <remarks>
/// basic_clean is <c>ftfy.fix_text</c>, then <c>html.unescape</c> twice. ftfy is treated as the identity: it only repairs
/// mojibake, curly quotes, ligatures, full-width forms and control characters, and the reference fixtures were made
/// without it too. HTML is unescaped twice with <see cref="WebUtility.HtmlDecode(string?)"/>, as simple_tokenizer and
/// transformers' CLIPTokenizer both do; unlike Python's html.unescape it leaves the HTML5 entities written without
/// their semicolon ("&amp;amp" without ";") alone.
/// </remarks>
internal sealed partial class ClipTextCleaner : Normalizer
{
    public static readonly ClipTextCleaner Instance = new();

    public override string Normalize(string original) => Clean(original);

    public override string Normalize(ReadOnlySpan<char> original) => Clean(original.ToString());

    /// <summary>The text simple_tokenizer hands to its pre-tokenizer.</summary>
    public static string Clean(string text)
    {
        text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        return PythonLower(Whitespace().Replace(text, " ").Trim(' '));
    }

    /// <summary>
    /// Python's <c>str.lower()</c>: the invariant simple case mapping plus the two full mappings Python applies that
    /// .NET does not, İ (U+0130) → "i̇" and a word-final Σ → ς (here: Σ after a letter and not before one).
    /// </summary>
    public static string PythonLower(string text)
    {
        if (!text.Contains('\u0130') && !text.Contains('Σ')) return text.ToLowerInvariant();
        var sb = new StringBuilder(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u0130') sb.Append("i\u0307");
            else if (c == 'Σ' && i > 0 && char.IsLetter(text[i - 1]) && (i + 1 == text.Length || !char.IsLetter(text[i + 1]))) sb.Append('ς');
            else sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>simple_tokenizer's pattern (with IGNORECASE); the two special tokens come out whole.</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    public static partial Regex Pieces();

    // Python's \s also matches the separators U+001C–U+001F, which .NET's does not.
    [GeneratedRegex(@"[\s\x1C-\x1F]+")]
    private static partial Regex Whitespace();
}
