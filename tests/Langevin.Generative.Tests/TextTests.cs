using Langevin.Generative.Text;
using Langevin.Generative.Training;

namespace Langevin.Generative.Tests;

public sealed class TextTests
{
    [Fact]
    public void Tokenizer_wraps_words_in_bos_eos_and_pads_to_max_length()
    {
        var tokenizer = new WordTokenizer(["a", "photo", "of", "t-shirt"], maxLength: 8);
        Assert.Equal(8, tokenizer.VocabularySize);
        long[] ids = tokenizer.Encode("A photo of a T-Shirt!");
        Assert.Equal(new long[] { WordTokenizer.Bos, 4, 5, 6, 4, 7, WordTokenizer.Eos, WordTokenizer.Pad }, ids);
        Assert.Equal("a photo of a t-shirt", tokenizer.Decode(ids));
    }

    [Fact]
    public void Unknown_words_become_unk_and_long_texts_keep_their_eos()
    {
        var tokenizer = new WordTokenizer(["boot"], maxLength: 4);
        Assert.Equal(new long[] { WordTokenizer.Bos, WordTokenizer.Unknown, 4, WordTokenizer.Eos }, tokenizer.Encode("red boot boot boot"));
        Assert.Equal(["red"], tokenizer.UnknownWords("red boot"));
        Assert.Equal(new long[] { WordTokenizer.Bos, WordTokenizer.Eos, 0, 0 }, tokenizer.Encode(""));
    }

    [Fact]
    public void Captions_use_correct_articles_and_every_class_has_fifty_distinct_captions()
    {
        Assert.Equal("an ankle boot", FashionCaptions.WithArticle("ankle boot"));
        Assert.Equal("a pair of jeans", FashionCaptions.WithArticle("+jeans"));
        Assert.Equal("a photo of an ankle boot", FashionCaptions.CanonicalPrompt(9));
        Assert.Equal("a photo of a sneaker", FashionCaptions.CanonicalPrompt(7));
        var all = FashionCaptions.All();
        Assert.Equal(10, all.Count);
        Assert.All(all, captions => Assert.Equal(50, captions.Distinct().Count()));
        Assert.Contains("photo of a running shoe", all[7]);
        Assert.Equal(500, all.SelectMany(c => c).Distinct().Count());
    }

    [Fact]
    public void Caption_vocabulary_covers_every_caption_without_unknown_words()
    {
        var captions = FashionCaptions.All().SelectMany(c => c).ToList();
        var tokenizer = WordTokenizer.FromTexts(captions, 16);
        Assert.All(captions, c => Assert.Empty(tokenizer.UnknownWords(c)));
        Assert.All(captions, c => Assert.Equal(WordTokenizer.Eos, tokenizer.Encode(c)[WordTokenizer.Words(c).Count() + 1]));
    }
}
