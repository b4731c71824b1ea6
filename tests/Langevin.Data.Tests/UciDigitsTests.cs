using System.IO.Compression;
using static TorchSharp.torch;

namespace Langevin.Data.Tests;

/// <summary>The shipped UCI digits: read as 28×28 images of their scikit-learn file, and a damaged file is one line.</summary>
public sealed class UciDigitsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-digits-").FullName;

    public UciDigitsTests() => Langevin.Torch.TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_shipped_file_holds_scikit_learns_1797_digits()
    {
        string? path = UciDigits.Find(DatasetSearchPaths.ForThisProcess(null));
        Assert.NotNull(path);
        using var digits = UciDigits.Load(path);
        Assert.Equal((1L, 28L, 28L), digits.ImageShape);
        // load_digits()'s class counts (scikit-learn's documentation of the data set: about 180 per class).
        long[] counts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
        Assert.Equal(counts, Enumerable.Range(0, 10).Select(d => digits.Labels.eq(d).sum().item<long>()));
    }

    [Fact]
    public void Pixels_scale_to_255_and_resize_bilinearly()
    {
        // A constant image of 16s is 255 everywhere; an image of 8s is 127.5, which float32 interpolation weights leave a
        // last bit above or below, so it rounds to 127 or 128; the labels survive.
        string path = Write(string.Join(",", Enumerable.Repeat("16", 64)) + ",3", string.Join(",", Enumerable.Repeat("8", 64)) + ",0");
        using var digits = UciDigits.Load(path);
        var pixels = digits.Images.data<byte>().ToArray();
        Assert.All(pixels.Take(784), p => Assert.Equal(255, p));
        Assert.All(pixels.Skip(784), p => Assert.InRange(p, 127, 128));
        Assert.Equal([3L, 0L], digits.Labels.data<long>().ToArray());
        // Half-pixel-centred bilinear from 8 to 16 (exact factor 2): output pixel 0 lies at input −0.25, clamped to pixel 0;
        // output 1 at 0.25: ¾ of pixel 0 and ¼ of pixel 1.
        string ramp = Write(string.Join(",", Enumerable.Range(0, 64).Select(i => i % 8 == 1 ? "16" : "0")) + ",1");
        using var small = UciDigits.Load(ramp, size: 16);
        var row = small.Images.data<byte>().ToArray().Take(16).ToArray();
        Assert.Equal(0, row[0]);
        Assert.Equal(64, row[1]);   // ¼·255 = 63.75
        Assert.Equal(191, row[2]);  // ¾·255 = 191.25
        Assert.Equal(191, row[3]);  // at 1.25: ¾ of pixel 1
        Assert.Equal(64, row[4]);   // at 1.75: ¼ of pixel 1
    }

    [Theory]
    [InlineData("1,2,3", "3 values, expected 64 pixels and a digit")]
    [InlineData("17,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1", "'17' is not a pixel count in 0…16")]
    [InlineData("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,x", "'x' is not a digit 0…9")]
    public void A_damaged_file_is_one_line(string row, string expected)
    {
        var error = Assert.Throws<UserErrorException>(() => UciDigits.Load(Write(row)));
        Assert.Contains(expected, error.Message);
        string notGzip = Path.Combine(_root, "plain.csv.gz");
        File.WriteAllText(notGzip, row);
        Assert.Contains("cannot be read as gzip-compressed CSV", Assert.Throws<UserErrorException>(() => UciDigits.Load(notGzip)).Message);
    }

    private string Write(params string[] rows)
    {
        string path = Path.Combine(_root, $"{Guid.NewGuid():N}.csv.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip);
        foreach (string row in rows) writer.WriteLine(row);
        return path;
    }
}
