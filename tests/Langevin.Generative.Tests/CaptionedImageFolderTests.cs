using Langevin.Generative.Imaging;
using Langevin.Generative.Training;
using Langevin.Torch;

namespace Langevin.Generative.Tests;

/// <summary>A user's own captioned images: the imagefolder layout, merged captions, and one clear line for every bad input.</summary>
public sealed class CaptionedImageFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public CaptionedImageFolderTests()
    {
        TorchRuntime.EnsureLoaded();
        // Three 4×4 gray images of constant brightness 10, 20, 30.
        foreach (int i in new[] { 1, 2, 3 })
            PngWriter.Write(_folder.Combine($"img{i}.png"), 4, 4, 1, Enumerable.Repeat((byte)(10 * i), 16).ToArray());
    }

    public void Dispose() => _folder.Dispose();

    private string Captions(params string[] lines)
    {
        string path = _folder.Combine("metadata.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Reads_images_in_file_order_with_their_captions_merged_per_file()
    {
        string captions = Captions(
            """{"file_name": "img2.png", "text": "a dim square"}""",
            "",
            """{"file_name": "img1.png", "text": ["a dark square", "a black tile"]}""",
            """{"file_name": "img2.png", "text": "a grey square"}""",
            """{"file_name": "img3.png", "text": "a light square", "extra": 1}""");

        using var data = CaptionedImageFolder.Load(_folder.Path, captions, channels: 1, size: 4);

        Assert.Equal(3, data.Count);
        Assert.Equal(new long[] { 3, 1, 4, 4 }, data.Images.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Byte, data.Images.dtype);
        Assert.Equal(new[] { 20, 10, 30 }, Enumerable.Range(0, 3).Select(i => (int)data.Images[i, 0, 0, 0].item<byte>()));
        Assert.Equal(new long[] { 0, 1, 2 }, data.GroupOfImage);
        Assert.Equal(["a dim square", "a grey square"], data.CaptionGroups[0]);
        Assert.Equal(["a dark square", "a black tile"], data.CaptionGroups[1]);
        Assert.Equal(["a dim square", "a dark square", "a light square"], data.GridPrompts);

        using var first = data.Take(2);
        Assert.Equal(2, first.Count);
        Assert.Equal(new long[] { 0, 1 }, first.GroupOfImage);
    }

    [Fact]
    public void Colour_images_become_three_channels()
    {
        PngWriter.Write(_folder.Combine("red.png"), 2, 2, 3, [255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
        using var data = CaptionedImageFolder.Load(_folder.Path, Captions("""{"file_name": "red.png", "text": "red"}"""), channels: 3, size: 2);
        Assert.Equal(new long[] { 1, 3, 2, 2 }, data.Images.shape);
        Assert.Equal(new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0 }, data.Images.data<byte>().ToArray());
    }

    [Theory]
    [InlineData("""{"file_name": "img1.png", "text": "ok"}""", """not json""", "metadata.jsonl:2 is not JSON")]
    [InlineData("""{"text": "no file"}""", "", "metadata.jsonl:1 has no \"file_name\"")]
    [InlineData("""{"file_name": "img1.png"}""", "", "metadata.jsonl:1 has no \"text\"")]
    [InlineData("""{"file_name": "img1.png", "text": 5}""", "", "metadata.jsonl:1: \"text\" must be a string")]
    [InlineData("""{"file_name": "gone.png", "text": "lost"}""", "", "gone.png does not exist")]
    [InlineData("", "", "names no images")]
    [InlineData("""{"file_name": "../img1.png", "text": "escapes"}""", "", "which is outside")]
    [InlineData("""{"file_name": "/etc/passwd", "text": "absolute"}""", "", "which is outside")]
    [InlineData("""{"file_name": "a\u0000.png", "text": "nul"}""", "", "which is not a valid file name")]
    [InlineData("""{"file_name": "img1.png", "text": ["ok", "  "]}""", "", "metadata.jsonl:1: a caption is empty")]
    [InlineData("""{"file_name": "img1.png", "text": "\ud800"}""", "", "metadata.jsonl:1 holds a string that is not valid Unicode")]
    public void Bad_input_is_a_user_error_that_names_the_line_or_file(string line1, string line2, string expected)
    {
        string captions = Captions(line1, line2);
        var error = Assert.Throws<UserErrorException>(() => CaptionedImageFolder.Load(_folder.Path, captions, 1, 4));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_missing_folder_or_captions_file_names_the_parameter()
    {
        Assert.Equal(["CaptionedImageFolder.imageFolder"], Assert.Throws<UserErrorException>(() => CaptionedImageFolder.Load(_folder.Combine("nope"), "x.jsonl", 1, 4)).Parameters);
        Assert.Equal(["CaptionedImageFolder.captionsFile"], Assert.Throws<UserErrorException>(() => CaptionedImageFolder.Load(_folder.Path, _folder.Combine("none.jsonl"), 1, 4)).Parameters);
    }
}
