namespace Langevin.Data.Tests;

public sealed class Cifar10Tests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_records_as_channel_planes_in_file_order()
    {
        CifarFixtures.WriteBatches(_temp.Path, records: 3);

        using var train = Cifar10.Load(_temp.Path, DatasetSplit.Train);
        using var test = Cifar10.Load(_temp.Path, DatasetSplit.Test);

        Assert.Equal([15L, 3, 32, 32], train.Images.shape);
        Assert.Equal([3L, 3, 32, 32], test.Images.shape);
        // Record 2 of data_batch_4.bin (file index 3) is image 3·3 + 2 = 11.
        Assert.Equal(CifarFixtures.Pixel(3, 2, 1, 5, 9), train.Images[11, 1, 5, 9].item<byte>());
        Assert.Equal(CifarFixtures.Pixel(3, 2, 2, 31, 0), train.Images[11, 2, 31, 0].item<byte>());
        Assert.Equal((3 + 2) % 10, train.Labels[11].item<long>());
        Assert.Equal(CifarFixtures.Pixel(5, 1, 0, 0, 0), test.Images[1, 0, 0, 0].item<byte>());
        Assert.Equal("airplane", train.ClassNames[0]);
    }

    [Fact]
    public void A_truncated_batch_is_named_with_its_size()
    {
        CifarFixtures.WriteBatches(_temp.Path, records: 2);
        string file = _temp.Combine("test_batch.bin");
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^10]);

        var error = Assert.Throws<UserErrorException>(() => Cifar10.Load(_temp.Path, DatasetSplit.Test));

        Assert.Contains(file, error.Message);
        Assert.Contains($"{2 * Cifar10.RecordLength - 10} bytes", error.Message);
    }

    [Fact]
    public void A_label_outside_the_ten_classes_is_named()
    {
        CifarFixtures.WriteBatches(_temp.Path, records: 2);
        string file = _temp.Combine("test_batch.bin");
        var bytes = File.ReadAllBytes(file);
        bytes[Cifar10.RecordLength] = 42;
        File.WriteAllBytes(file, bytes);

        var error = Assert.Throws<UserErrorException>(() => Cifar10.Load(_temp.Path, DatasetSplit.Test));

        Assert.Contains("label 42 in record 1", error.Message);
    }
}
