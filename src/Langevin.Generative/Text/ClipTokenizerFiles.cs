using System.Text.Json;

namespace Langevin.Generative.Text;

/// <summary>
/// Reads the files of a diffusers <c>tokenizer/</c> folder (as transformers' CLIPTokenizer writes them). Every problem
/// is a <see cref="UserErrorException"/> whose one line names the file and what is wrong with it.
/// </summary>
internal static class ClipTokenizerFiles
{
    /// <summary>The special tokens and window length of a CLIP tokenizer; absent entries take CLIP's own values.</summary>
    public sealed record Settings(string Bos, string Eos, string Pad, string Unknown, int MaxLength);

    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";
    public const int DefaultMaxLength = 77;

    /// <summary>vocab.json: one JSON object from token to non-negative id.</summary>
    public static Dictionary<string, int> ReadVocabulary(string path)
    {
        using var json = ParseJson(path);
        if (json.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "is not a JSON object from token to id");
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw Corrupt(path, $"gives token \"{entry.Name}\" an id that is not a non-negative whole number");
            vocabulary[entry.Name] = id;
        }
        if (vocabulary.Count == 0) throw Corrupt(path, "has no tokens");
        return vocabulary;
    }

    /// <summary>
    /// merges.txt: after an optional <c>#version</c> line, one merge per line, "left right", highest priority first;
    /// both halves and their concatenation must be tokens of the vocabulary.
    /// </summary>
    public static List<string> ReadMerges(string path, IReadOnlyDictionary<string, int> vocabulary)
    {
        string[] lines = ReadLines(path);
        var merges = new List<string>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            string[] pair = line.Split(' ');
            if (pair.Length != 2 || pair[0].Length == 0 || pair[1].Length == 0)
                throw Corrupt(path, $"line {i + 1} is not two tokens separated by one space");
            foreach (string token in (string[])[pair[0], pair[1], pair[0] + pair[1]])
                if (!vocabulary.ContainsKey(token))
                    throw Corrupt(path, $"line {i + 1} uses \"{token}\", which is not in vocab.json (the two files do not belong together)");
            merges.Add(line);
        }
        if (merges.Count == 0) throw Corrupt(path, "has no merges");
        return merges;
    }

    /// <summary>
    /// The special tokens of tokenizer_config.json, overridden by special_tokens_map.json (both optional, as transformers
    /// reads them), each a plain string or an AddedToken object; model_max_length from tokenizer_config.json.
    /// </summary>
    public static Settings ReadSettings(string folder)
    {
        string? bos = null, eos = null, pad = null, unknown = null;
        int maxLength = DefaultMaxLength;
        foreach (string name in (string[])["tokenizer_config.json", "special_tokens_map.json"])
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path)) continue;
            using var json = ParseJson(path);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Corrupt(path, "is not a JSON object");
            bos = Token(path, root, "bos_token") ?? bos;
            eos = Token(path, root, "eos_token") ?? eos;
            pad = Token(path, root, "pad_token") ?? pad;
            unknown = Token(path, root, "unk_token") ?? unknown;
            if (root.TryGetProperty("model_max_length", out var max) && max.ValueKind != JsonValueKind.Null)
            {
                // transformers writes a huge number (1e30) when the length is unset; the text encoder cannot take that.
                if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out maxLength) || maxLength < 3 || maxLength > 4096)
                    throw Corrupt(path, "has a model_max_length that is not a whole number from 3 to 4096 (Stable Diffusion's is 77)");
            }
        }
        eos ??= EndOfText;
        return new Settings(bos ?? StartOfText, eos, pad ?? eos, unknown ?? eos, maxLength);
    }

    public static UserErrorException Corrupt(string path, string what) => new($"Tokenizer file {path} {what}.");

    private static string? Token(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value)) return null;
        // transformers writes special tokens either as strings or as AddedToken objects ({"content": ..., "__type": ...}).
        var content = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var inner) ? inner : value;
        return content.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String when content.GetString()!.Length > 0 => content.GetString(),
            _ => throw Corrupt(path, $"has a {name} that is neither a token string nor an object with a \"content\" string"),
        };
    }

    private static JsonDocument ParseJson(string path)
    {
        byte[] bytes = ReadBytes(path);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"Tokenizer file {path} is not valid JSON (line {e.LineNumber + 1}).", e);
        }
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"Tokenizer file {path} cannot be read: {Reason(e)}.", e);
        }
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"Tokenizer file {path} cannot be read: {Reason(e)}.", e);
        }
    }

    private static string Reason(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : e.GetType().Name;
}
