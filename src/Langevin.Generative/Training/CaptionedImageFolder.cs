using System.Text.Json;
using Langevin.Generative.Imaging;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// A user's own captioned images in the layout of Hugging Face's <c>imagefolder</c>: a folder of image files
/// and a JSON Lines file whose lines are <c>{"file_name": "shoe-01.png", "text": "a red shoe"}</c>
/// (<c>file_name</c> relative to the folder; <c>text</c> a caption or an array of captions; several lines
/// naming one file add captions to it). Every image becomes the centred square crop, resized.
/// </summary>
public static class CaptionedImageFolder
{
    /// <summary>Rows of the per-epoch sample grid drawn from the captions.</summary>
    public const int GridRows = 8;

    /// <summary>
    /// Reads <paramref name="captionsFile"/> and the images it names under <paramref name="imageFolder"/>
    /// as <paramref name="channels"/>×<paramref name="size"/>×<paramref name="size"/> uint8 images.
    /// The caller owns (and disposes) the returned images tensor.
    /// </summary>
    /// <exception cref="UserErrorException">A line is not valid, an image is missing or unreadable, or there is nothing to train on.</exception>
    public static CaptionedImages Load(string imageFolder, string captionsFile, int channels, int size)
    {
        if (!Directory.Exists(imageFolder)) throw new UserErrorException($"{{CaptionedImageFolder.imageFolder}} {imageFolder} is not a folder; point it at the folder that holds the image files");
        if (!File.Exists(captionsFile)) throw new UserErrorException($"{{CaptionedImageFolder.captionsFile}} {captionsFile} does not exist; point it at a metadata.jsonl with lines {{\"file_name\": …, \"text\": …}}");

        var captionsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(captionsFile))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var (file, captions) = ParseLine(line, $"{captionsFile}:{lineNumber}");
            if (!captionsOf.TryGetValue(file, out var list))
            {
                captionsOf[file] = list = [];
                order.Add(file);
            }
            list.AddRange(captions);
        }
        if (order.Count == 0) throw new UserErrorException($"{captionsFile} names no images; add lines {{\"file_name\": …, \"text\": …}}");

        var pixels = new byte[(long)order.Count * channels * size * size];
        int imageBytes = channels * size * size;
        for (int i = 0; i < order.Count; i++)
            ImageReader.Read(InsideFolder(imageFolder, order[i], captionsFile), channels, size).CopyTo(pixels, (long)i * imageBytes);

        var groups = order.Select(f => (IReadOnlyList<string>)captionsOf[f]).ToList();
        var images = tensor(pixels, [order.Count, channels, size, size]);
        return new CaptionedImages(images, Enumerable.Range(0, order.Count).Select(i => (long)i).ToArray(), groups, GridPrompts(groups));
    }

    /// <summary>The first caption of up to <see cref="GridRows"/> images spread evenly over the data, without repeats.</summary>
    private static List<string> GridPrompts(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        int rows = Math.Min(GridRows, groups.Count);
        return Enumerable.Range(0, rows).Select(r => groups[(int)((long)r * groups.Count / rows)][0]).Distinct().ToList();
    }

    /// <summary>
    /// The full path of <paramref name="fileName"/> under <paramref name="folder"/>; a name that leaves the folder
    /// ("../x.png" or an absolute path) is refused, as the imagefolder layout is relative to the folder.
    /// </summary>
    private static string InsideFolder(string folder, string fileName, string captionsFile)
    {
        string root = Path.GetFullPath(folder), full;
        try
        {
            full = Path.GetFullPath(Path.Combine(root, fileName));
        }
        catch (ArgumentException)
        {
            throw new UserErrorException($"{captionsFile} names \"{fileName}\", which is not a valid file name; fix that line");
        }
        string relative = Path.GetRelativePath(root, full);
        if (Path.IsPathRooted(fileName) || Path.IsPathRooted(relative) || relative == ".."
            || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new UserErrorException($"{captionsFile} names \"{fileName}\", which is outside {folder}; file_name must be relative to the {{CaptionedImageFolder.imageFolder}} folder");
        return full;
    }

    private static (string File, IReadOnlyList<string> Captions) ParseLine(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{where} is not JSON ({e.Message}); each line must be {{\"file_name\": …, \"text\": …}}");
        }
        using (document)
        {
            try
            {
                return Fields(document.RootElement, where);
            }
            catch (InvalidOperationException)
            {
                // GetString refuses strings that are not valid UTF-16 (a lone "\\ud800" escape).
                throw new UserErrorException($"{where} holds a string that is not valid Unicode; fix the escapes in that line");
            }
        }
    }

    private static (string File, IReadOnlyList<string> Captions) Fields(JsonElement root, string where)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("file_name", out var fileName) || fileName.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(fileName.GetString()))
            throw new UserErrorException($"{where} has no \"file_name\" string; each line must be {{\"file_name\": …, \"text\": …}}");
        if (!root.TryGetProperty("text", out var text))
            throw new UserErrorException($"{where} has no \"text\"; give each image a caption (a string or an array of strings)");
        var captions = text.ValueKind switch
        {
            JsonValueKind.String => [text.GetString()!],
            JsonValueKind.Array when text.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) && text.GetArrayLength() > 0
                => text.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw new UserErrorException($"{where}: \"text\" must be a string or a non-empty array of strings"),
        };
        if (captions.Any(string.IsNullOrWhiteSpace))
            throw new UserErrorException($"{where}: a caption is empty; write what the image shows, or drop the line");
        return (fileName.GetString()!, captions);
    }
}
