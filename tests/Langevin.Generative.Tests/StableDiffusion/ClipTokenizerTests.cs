using System.Text;
using System.Text.Json;
using Langevin.Generative.Text;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The CLIP tokenizer against the reference cases (simple_tokenizer on the real BPE files), and beyond them against
/// the vocabulary's own definition: its whole words, merges.txt's ranks, and a straight port of simple_tokenizer's bpe().
/// </summary>
public sealed class ClipTokenizerTests
{
    private static readonly Lazy<ClipTokenizer> _tokenizer = new(() => ClipTokenizer.Load(Folder));
    private static readonly Lazy<Dictionary<string, int>> _vocabulary = new(() =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(Path.Combine(Folder, "vocab.json")))!);
    private static readonly Lazy<string[]> _merges = new(() =>
        File.ReadAllLines(Path.Combine(Folder, "merges.txt")).Skip(1).Where(l => l.Length > 0).ToArray());

    private static string Folder => SdFixture.PathOf("tiny-sd", "tokenizer");
    private static ClipTokenizer Tokenizer => _tokenizer.Value;

    [Fact]
    public void Sd2_padding_pads_with_the_given_id_and_changes_nothing_else()
    {
        var sd1 = Tokenizer.Encode("a photo of a cat");
        var sd2 = Tokenizer.WithPadId(0).Encode("a photo of a cat");
        Assert.Equal(sd1.InputIds[..7], sd2.InputIds[..7]);
        Assert.Equal(Tokenizer.EosId, sd2.InputIds[6]);
        Assert.All(sd2.InputIds[7..], id => Assert.Equal(0L, id));
        Assert.Equal(sd1.AttentionMask, sd2.AttentionMask);
    }
    private static JsonElement Reference => SdFixture.Reference.GetProperty("tokenizer");

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var c in SdFixture.Reference.GetProperty("tokenizer").GetProperty("cases").EnumerateArray())
            data.Add(i++, c.GetProperty("prompt").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encodes_each_reference_prompt_exactly(int index, string prompt)
    {
        var expected = Reference.GetProperty("cases")[index];
        var encoding = Tokenizer.Encode(prompt);

        Assert.Equal(Longs(expected.GetProperty("input_ids")), encoding.InputIds);
        Assert.Equal(Longs(expected.GetProperty("attention_mask")), encoding.AttentionMask);
        Assert.Equal(expected.GetProperty("num_bpe_tokens").GetInt32(), encoding.TokenCount);
        Assert.Equal(expected.GetProperty("truncated").GetBoolean(), encoding.Truncated);
        // The fixture keeps at most the first 80 token strings of a prompt; all the others are compared in full.
        var tokens = expected.GetProperty("bpe_tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(encoding.TokenCount, encoding.Tokens.Count);
        Assert.Equal(tokens, encoding.Tokens.Take(tokens.Count));
        Assert.All(encoding.Weights, w => Assert.Equal(1f, w));
    }

    [Fact]
    public void Special_tokens_and_length_are_the_references()
    {
        Assert.Equal(Reference.GetProperty("bos_token_id").GetInt32(), Tokenizer.BosId);
        Assert.Equal(Reference.GetProperty("eos_token_id").GetInt32(), Tokenizer.EosId);
        Assert.Equal(Reference.GetProperty("pad_token_id").GetInt32(), Tokenizer.PadId);
        Assert.Equal(Reference.GetProperty("max_length").GetInt32(), Tokenizer.MaxLength);
        Assert.Equal(75, Tokenizer.ChunkLength);
        Assert.Equal(_vocabulary.Value.Count, Tokenizer.VocabularySize);
    }

    [Fact]
    public void Every_whole_word_of_the_vocabulary_is_one_token()
    {
        // Every 10th letters-only word (about 3,300 of 33,000), in id order: deterministic and spread over the ranks.
        var words = _vocabulary.Value.Where(e => e.Key.EndsWith("</w>") && e.Key.Length > 4 && e.Key[..^4].All(char.IsAsciiLetterLower))
            .OrderBy(e => e.Value).Where((_, i) => i % 10 == 0).ToList();
        Assert.True(words.Count > 3000);
        foreach (var (token, id) in words)
        {
            var encoding = Tokenizer.Encode(token[..^4]);
            Assert.Equal([token], encoding.Tokens);
            Assert.Equal(id, encoding.InputIds[1]);
        }
    }

    [Fact]
    public void Merge_ranks_are_the_vocabulary_order()
    {
        // CLIP's vocabulary is the 256 byte characters, the same with </w>, then each merge's result in rank order.
        var merges = _merges.Value;
        for (int rank = 0; rank < merges.Length; rank++)
            Assert.Equal(512 + rank, _vocabulary.Value[merges[rank].Replace(" ", "")]);
    }

    [Fact]
    public void Words_tokenize_as_simple_tokenizer_bpe_does()
    {
        var reference = new ReferenceBpe(_merges.Value);
        var random = new Random(11);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzéüßøπжλ東京猫";
        for (int n = 0; n < 3000; n++)
        {
            var word = new StringBuilder();
            int length = random.Next(1, 14);
            for (int i = 0; i < length; i++) word.Append(alphabet[random.Next(alphabet.Length)]);
            var encoding = Tokenizer.Encode(word.ToString());
            Assert.Equal(reference.Encode(word.ToString()), encoding.Tokens);
            Assert.Equal(encoding.Tokens.Select(t => (long)_vocabulary.Value[t]), encoding.InputIds.Skip(1).Take(encoding.TokenCount));
        }
    }

    [Fact]
    public void Ids_are_below_the_vocabulary_size()
    {
        var random = new Random(3);
        for (int n = 0; n < 200; n++)
        {
            // Any UTF-16 text, lone surrogates included (they become U+FFFD's bytes).
            var text = new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => (char)random.Next(1, 0x10000)).ToArray());
            foreach (var chunk in Tokenizer.EncodeChunks(text))
                Assert.All(chunk.InputIds, id => Assert.InRange(id, 0, Tokenizer.VocabularySize - 1));
        }
    }

    [Fact]
    public void Decoding_gives_back_clean_lower_case_text()
    {
        var words = _vocabulary.Value.Keys.Where(k => k.EndsWith("</w>") && k.Length > 4 && k[..^4].All(char.IsAsciiLetterLower))
            .Select(k => k[..^4]).Order(StringComparer.Ordinal).ToArray();
        var random = new Random(5);
        for (int n = 0; n < 300; n++)
        {
            string prompt = string.Join(' ', Enumerable.Range(0, random.Next(1, 20)).Select(_ => words[random.Next(words.Length)]));
            Assert.Equal(prompt, Tokenizer.Decode(Tokenizer.Encode(prompt).InputIds));
        }
        Assert.Equal("café straße in zürich", Tokenizer.Decode(Tokenizer.Encode("  Café\tStraße in  Zürich ").InputIds));
        // Split words come back joined, pieces of the pattern as words.
        Assert.Equal("supercalifragilisticexpialidocious it 's", Tokenizer.Decode(Tokenizer.Encode("supercalifragilisticexpialidocious it's").InputIds));
    }

    [Fact]
    public void Html_entities_are_unescaped_twice_and_special_tokens_kept_whole()
    {
        Assert.Equal(Tokenizer.Encode("salt & pepper").InputIds, Tokenizer.Encode("salt &amp;amp; pepper").InputIds);
        Assert.Equal(["a</w>", "<|endoftext|>", "b</w>"], Tokenizer.Encode("a <|endoftext|> b").Tokens);
        Assert.Equal(Tokenizer.EosId, Tokenizer.Encode("a <|endoftext|> b").InputIds[2]);
    }

    [Theory]
    [InlineData("ΟΔΟΣ ΣΑ", "οδος σα")]
    [InlineData("İSTANBUL", "i\u0307stanbul")]
    [InlineData("ÉCOLE", "école")]
    public void Lower_cases_as_python(string text, string lower)
    {
        // Python's str.lower() of the left column; the tokens must be those of the already lower-cased text.
        Assert.Equal(Tokenizer.Encode(lower).Tokens, Tokenizer.Encode(text).Tokens);
    }

    [Fact]
    public void Long_prompts_split_into_windows_of_75_tokens()
    {
        var cases = Reference.GetProperty("cases").EnumerateArray().ToList();
        string prompt = cases.First(c => c.GetProperty("truncated").GetBoolean()).GetProperty("prompt").GetString()!;
        var whole = Tokenizer.Encode(prompt);
        var chunks = Tokenizer.EncodeChunks(prompt);

        Assert.Equal((whole.TokenCount + 74) / 75, chunks.Count);
        Assert.Equal(whole.InputIds, chunks[0].InputIds);
        Assert.Equal(whole.Tokens, chunks.SelectMany(c => c.Tokens));
        Assert.All(chunks, c => Assert.False(c.Truncated));
        var last = chunks[^1];
        Assert.Equal(Tokenizer.BosId, last.InputIds[0]);
        Assert.Equal(Tokenizer.EosId, last.InputIds[last.TokenCount + 1]);
        Assert.Equal(last.TokenCount + 2, last.AttentionMask.Sum());

        var empty = Assert.Single(Tokenizer.EncodeChunks(""));
        Assert.Equal(Tokenizer.Encode("").InputIds, empty.InputIds);
    }

    [Fact]
    public void Weighted_prompts_weight_their_tokens()
    {
        var encoding = Tokenizer.Encode("a (red:1.5) cat", parseWeights: true);
        Assert.Equal(["a</w>", "red</w>", "cat</w>"], encoding.Tokens);
        Assert.Equal(Tokenizer.Encode("a red cat").InputIds, encoding.InputIds);
        Assert.Equal([1f, 1f, 1.5f, 1f, 1f, 1f], encoding.Weights.Take(6));
        Assert.All(encoding.Weights.Skip(4), w => Assert.Equal(1f, w));

        Assert.Equal((float)(1 / 1.1), Tokenizer.Encode("[b]", parseWeights: true).Weights[1]);
        Assert.Equal(["(</w>", "red</w>", ":</w>", "1</w>", ".</w>", "5</w>", ")</w>"], Tokenizer.Encode("(red:1.5)").Tokens);

        var chunks = Tokenizer.EncodeChunks("a red cat BREAK on a (mat)", parseWeights: true);
        Assert.Equal(2, chunks.Count);
        Assert.Equal(["a</w>", "red</w>", "cat</w>"], chunks[0].Tokens);
        Assert.Equal(["on</w>", "a</w>", "mat</w>"], chunks[1].Tokens);
        Assert.Equal(1.1f, chunks[1].Weights[3]);
        Assert.Equal(["a</w>", "red</w>", "cat</w>", "on</w>", "a</w>", "mat</w>"], Tokenizer.Encode("a red cat BREAK on a (mat)", parseWeights: true).Tokens);
    }

    public static TheoryData<string, string> SpecialTokenForms() => new()
    {
        { "added tokens", """{"__type": "AddedToken", "content": "<|startoftext|>", "lstrip": false}""" },
        { "content objects", """{"content": "<|startoftext|>", "normalized": true}""" },
        { "strings", "\"<|startoftext|>\"" },
    };

    [Theory]
    [MemberData(nameof(SpecialTokenForms))]
    public void Reads_special_tokens_given_as_strings_or_objects(string form, string bos)
    {
        using var folder = CopyOfTokenizer();
        string eos = bos.Replace("startoftext", "endoftext");
        File.WriteAllText(folder.Combine("tokenizer_config.json"),
            $$"""{"bos_token": {{bos}}, "eos_token": {{eos}}, "unk_token": {{eos}}, "pad_token": {{eos}}, "model_max_length": 77}""");
        File.Delete(folder.Combine("special_tokens_map.json"));

        var tokenizer = ClipTokenizer.Load(folder.Path);
        Assert.True(tokenizer.BosId == 49406 && tokenizer.EosId == 49407 && tokenizer.PadId == 49407 && tokenizer.UnknownId == 49407, form);
        Assert.Equal(Tokenizer.Encode("a photo of a cat").InputIds, tokenizer.Encode("a photo of a cat").InputIds);
    }

    [Fact]
    public void Settings_default_to_clip_and_are_overridden_by_the_special_tokens_map()
    {
        using var folder = CopyOfTokenizer();
        File.Delete(folder.Combine("tokenizer_config.json"));
        File.Delete(folder.Combine("special_tokens_map.json"));
        var plain = ClipTokenizer.Load(folder.Path);
        Assert.Equal((49406, 49407, 49407, 77), (plain.BosId, plain.EosId, plain.PadId, plain.MaxLength));

        // SD 2.x pads with "!" (id 0), and special_tokens_map.json wins over tokenizer_config.json, as in transformers.
        File.WriteAllText(folder.Combine("tokenizer_config.json"), """{"pad_token": "<|endoftext|>", "model_max_length": 20}""");
        File.WriteAllText(folder.Combine("special_tokens_map.json"), """{"pad_token": {"content": "!"}}""");
        var sd2 = ClipTokenizer.Load(folder.Path);
        var encoding = sd2.Encode("a cat");
        Assert.Equal([49406L, 320, 2368, 49407, 0, 0], encoding.InputIds.Take(6));
        Assert.Equal(20, encoding.InputIds.Length);
        Assert.Equal(18, sd2.ChunkLength);
    }

    public static TheoryData<string, string, string> CorruptFiles() => new()
    {
        { "vocab.json", "{\"a\": 1, \"b\": ", "not valid JSON" },
        { "vocab.json", "[1, 2]", "not a JSON object" },
        { "vocab.json", "{\"a\": \"one\"}", "id that is not" },
        { "merges.txt", "#version: 0.2\ni n\nthree words here\n", "line 3" },
        { "merges.txt", "#version: 0.2\nq zzzz\n", "not in vocab.json" },
        { "tokenizer_config.json", "{\"bos_token\": 5}", "bos_token" },
        { "tokenizer_config.json", "{\"model_max_length\": 1e30}", "model_max_length" },
        { "special_tokens_map.json", "{\"bos_token\": \"<|nosuchtoken|>\"}", "lacks the bos token" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_corrupt_file_is_a_user_error_naming_it(string file, string content, string what)
    {
        using var folder = CopyOfTokenizer();
        File.WriteAllText(folder.Combine(file), content);

        var error = Assert.Throws<UserErrorException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains(what, error.Message);
        // A wrong token name is reported on vocab.json, which lacks it; every other problem on the file itself.
        Assert.Contains(what.StartsWith("lacks") ? "vocab.json" : file, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(error.Parameters);
    }

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    public void A_missing_file_is_a_user_error_naming_it(string file)
    {
        using var folder = CopyOfTokenizer();
        File.Delete(folder.Combine(file));
        var error = Assert.Throws<UserErrorException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains(file, error.Message);
        Assert.Contains("does not exist", error.Message);

        Assert.Throws<UserErrorException>(() => ClipTokenizer.Load(folder.Combine("nowhere")));
    }

    private static TempFolder CopyOfTokenizer()
    {
        var folder = new TempFolder();
        foreach (string file in Directory.GetFiles(Folder)) File.Copy(file, folder.Combine(Path.GetFileName(file)));
        return folder;
    }

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>simple_tokenizer.py's bytes_to_unicode and bpe(), ported line by line, for one pattern piece.</summary>
    private sealed class ReferenceBpe(string[] merges)
    {
        private readonly Dictionary<(string, string), int> _ranks =
            merges.Select((m, i) => (Pair: m.Split(' '), Rank: i)).ToDictionary(x => (x.Pair[0], x.Pair[1]), x => x.Rank);
        private readonly char[] _byteChar = BytesToUnicode();

        public List<string> Encode(string piece)
        {
            string token = string.Concat(Encoding.UTF8.GetBytes(piece.ToLowerInvariant()).Select(b => _byteChar[b]));
            var word = token[..^1].Select(c => c.ToString()).Append(token[^1] + "</w>").ToList();
            while (word.Count > 1)
            {
                var pairs = word.Zip(word.Skip(1)).ToList();
                var best = pairs.MinBy(p => _ranks.GetValueOrDefault(p, int.MaxValue));
                if (!_ranks.ContainsKey(best)) break;
                var merged = new List<string>();
                int i = 0;
                while (i < word.Count)
                {
                    int j = word.IndexOf(best.First, i);
                    if (j < 0)
                    {
                        merged.AddRange(word.Skip(i));
                        break;
                    }
                    merged.AddRange(word.Skip(i).Take(j - i));
                    i = j;
                    if (word[i] == best.First && i < word.Count - 1 && word[i + 1] == best.Second)
                    {
                        merged.Add(best.First + best.Second);
                        i += 2;
                    }
                    else
                    {
                        merged.Add(word[i]);
                        i += 1;
                    }
                }
                word = merged;
            }
            return word;
        }

        private static char[] BytesToUnicode()
        {
            var table = new char[256];
            int next = 0;
            for (int b = 0; b < 256; b++)
            {
                bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
                table[b] = printable ? (char)b : (char)(256 + next++);
            }
            return table;
        }
    }
}
