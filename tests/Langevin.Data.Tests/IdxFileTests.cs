namespace Langevin.Data.Tests;

public sealed class IdxFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_shape_and_bytes_gzipped_or_not(bool gzip)
    {
        byte[] data = [1, 2, 3, 4, 5, 6];
        byte[] idx = IdxFixtures.Idx([2, 3], data);
        string path = _temp.Combine(gzip ? "x.idx.gz" : "x.idx");
        File.WriteAllBytes(path, gzip ? IdxFixtures.Gzip(idx) : idx);

        var array = IdxFile.Read(path);

        Assert.Equal([2, 3], array.Shape);
        Assert.Equal(data, array.Data);
    }

    [Fact]
    public void Wrong_magic_is_named()
    {
        string path = _temp.Combine("bad.idx");
        File.WriteAllBytes(path, [0x12, 0x34, 0x08, 0x01, 0, 0, 0, 0]);
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("wrong magic number 0x12340801", error.Message);
    }

    [Fact]
    public void Truncated_data_is_named_with_both_sizes()
    {
        byte[] idx = IdxFixtures.Idx([4, 3], new byte[12]);
        string path = _temp.Combine("short.idx");
        File.WriteAllBytes(path, idx[..^5]);
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Read(path));
        Assert.Contains("truncated", error.Message);
        Assert.Contains("promises 12 bytes", error.Message);
        Assert.Contains("has 7", error.Message);
    }

    [Fact]
    public void Truncated_header_is_named()
    {
        string path = _temp.Combine("header.idx");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 1]);
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Read(path));
        Assert.Contains("the header needs 16 bytes", error.Message);
    }

    [Fact]
    public void A_gz_name_without_gzip_content_is_named()
    {
        string path = _temp.Combine("plain.gz");
        File.WriteAllBytes(path, IdxFixtures.Idx([1], [7]));
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Read(path));
        Assert.Contains("not gzip", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_named()
    {
        byte[] gz = IdxFixtures.Gzip(IdxFixtures.Idx([100], new byte[100]));
        string path = _temp.Combine("cut.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void Unsupported_element_type_is_named()
    {
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Parse([0, 0, 0x0D, 1, 0, 0, 0, 0], "floats.idx"));
        Assert.Contains("element type 0x0D", error.Message);
    }

    [Fact]
    public void Messages_are_one_line()
    {
        var error = Assert.Throws<UserErrorException>(() => IdxFile.Parse([1, 2, 3, 4, 5], "x"));
        Assert.DoesNotContain('\n', error.Message);
    }
}
