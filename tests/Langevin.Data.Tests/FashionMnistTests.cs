namespace Langevin.Data.Tests;

public sealed class FashionMnistTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_shipped_dataset_is_found_and_has_the_official_sizes_and_balanced_classes()
    {
        string? shipped = DatasetSearchPaths.FindShippedDataFolder(AppContext.BaseDirectory);
        Assert.NotNull(shipped);
        string folder = Path.Combine(shipped, FashionMnist.FolderName);
        Assert.True(FashionMnist.IsPresentIn(folder), $"data/fashion-mnist is incomplete at {folder}");

        using var train = FashionMnist.Load(folder, DatasetSplit.Train);
        using var test = FashionMnist.Load(folder, DatasetSplit.Test);

        Assert.Equal([60000L, 1, 28, 28], train.Images.shape);
        Assert.Equal([10000L, 1, 28, 28], test.Images.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Byte, train.Images.dtype);
        // Fashion-MNIST is exactly balanced: 6,000 training and 1,000 test images per class.
        Assert.All(train.Labels.bincount(null, 10).data<long>().ToArray(), c => Assert.Equal(6000, c));
        Assert.All(test.Labels.bincount(null, 10).data<long>().ToArray(), c => Assert.Equal(1000, c));
        Assert.Equal(255, train.Images.max().item<byte>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Loads_pixels_and_labels_in_file_order(bool gzip)
    {
        IdxFixtures.WriteFashionMnist(_temp.Path, train: 12, test: 5, gzip: gzip);

        using var train = FashionMnist.Load(_temp.Path, DatasetSplit.Train);

        Assert.Equal([12L, 1, 28, 28], train.Images.shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)(i % 10)), train.Labels.data<long>().ToArray());
        Assert.Equal((byte)(7 + 3), train.Images[7, 0, 3, 5].item<byte>()); // pixel = (i + row) % 256
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        IdxFixtures.WriteFashionMnist(_temp.Path, train: 12, test: 5);
        File.WriteAllBytes(_temp.Combine("train-labels-idx1-ubyte.gz"), IdxFixtures.Gzip(IdxFixtures.Idx([11], new byte[11])));

        var error = Assert.Throws<UserErrorException>(() => FashionMnist.Load(_temp.Path, DatasetSplit.Train));

        Assert.Contains("12 images", error.Message);
        Assert.Contains("11 labels", error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("train-labels-idx1-ubyte.gz", error.Message);
    }

    [Fact]
    public void A_label_outside_the_ten_classes_is_named()
    {
        IdxFixtures.WriteFashionMnist(_temp.Path, train: 3, test: 2);
        File.WriteAllBytes(_temp.Combine("t10k-labels-idx1-ubyte.gz"), IdxFixtures.Gzip(IdxFixtures.Idx([2], [1, 10])));

        var error = Assert.Throws<UserErrorException>(() => FashionMnist.Load(_temp.Path, DatasetSplit.Test));

        Assert.Contains("label 10 at index 1", error.Message);
    }

    [Fact]
    public void Float_conversion_scales_to_the_unit_interval()
    {
        IdxFixtures.WriteFashionMnist(_temp.Path, train: 2, test: 1);
        using var train = FashionMnist.Load(_temp.Path, DatasetSplit.Train);
        using var floats = ImageDataset.ToFloat(train.Images);
        Assert.Equal(1f / 255f, floats[1, 0, 0, 0].item<float>());
    }
}
