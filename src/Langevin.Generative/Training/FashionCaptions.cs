namespace Langevin.Generative.Training;

/// <summary>
/// Captions for Fashion-MNIST, made from each class by templates and synonyms ("a sneaker", "photo of
/// a running shoe", "a pair of trainers"…), so the text encoder learns words rather than ten fixed
/// strings. Every (template, synonym) pair is one caption; training draws one at random per image and step.
/// </summary>
public static class FashionCaptions
{
    /// <summary>Templates; {0} is the noun phrase with its article ("a coat", "a pair of jeans").</summary>
    public static readonly IReadOnlyList<string> Templates =
    [
        "{0}",
        "a photo of {0}",
        "photo of {0}",
        "a picture of {0}",
        "an image of {0}",
        "a grayscale photo of {0}",
        "a black and white photo of {0}",
        "a product photo of {0}",
        "a small photo of {0}",
        "a low resolution photo of {0}",
    ];

    /// <summary>
    /// Synonyms per Fashion-MNIST label (0 T-shirt/top … 9 Ankle boot). A leading '+' marks a plural
    /// noun, which takes "a pair of" (trousers, sandals) or no article.
    /// </summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> Synonyms =
    [
        ["t-shirt", "tee", "top", "tshirt", "tank top"],
        ["+trousers", "+pants", "+jeans", "trouser", "+slacks"],
        ["pullover", "sweater", "jumper", "sweatshirt", "knit sweater"],
        ["dress", "gown", "frock", "summer dress", "evening dress"],
        ["coat", "jacket", "overcoat", "parka", "winter coat"],
        ["sandal", "+sandals", "flip-flop", "summer sandal", "strappy sandal"],
        ["shirt", "blouse", "button-down shirt", "collared shirt", "flannel shirt"],
        ["sneaker", "+sneakers", "running shoe", "trainer", "sports shoe"],
        ["bag", "handbag", "purse", "tote bag", "shoulder bag"],
        ["ankle boot", "boot", "+boots", "chelsea boot", "bootie"],
    ];

    /// <summary>The noun phrase with its article: "a coat", "an overcoat", "a pair of jeans".</summary>
    public static string WithArticle(string synonym)
    {
        if (synonym.StartsWith('+')) return "a pair of " + synonym[1..];
        return ("aeiou".Contains(synonym[0]) ? "an " : "a ") + synonym;
    }

    /// <summary>All captions of class <paramref name="label"/>.</summary>
    public static IReadOnlyList<string> ForClass(int label) =>
        Synonyms[label].SelectMany(s => Templates.Select(t => string.Format(System.Globalization.CultureInfo.InvariantCulture, t, WithArticle(s)))).ToList();

    /// <summary>All captions of every class, indexed by label.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> All() => Enumerable.Range(0, Synonyms.Count).Select(ForClass).ToList();

    /// <summary>The canonical prompt of a class used for grids and evaluation: "a photo of a sneaker".</summary>
    public static string CanonicalPrompt(int label) => "a photo of " + WithArticle(Synonyms[label][0]);
}
