using System.Text;
using Langevin.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Torch.Tests;

/// <summary>The safetensors reader against files written byte by byte to the format's definition.</summary>
public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_float32_float16_bfloat16_and_int64_with_their_shapes()
    {
        // 1.5 and -2 are exact in every float format: float16 0x3E00 / 0xC000, bfloat16 0x3FC0 / 0xC000.
        string path = Write(
            ("f32", "F32", [2, 2], Floats(1f, 2f, 3f, 4f)),
            ("f16", "F16", [2], Shorts(0x3E00, 0xC000)),
            ("bf16", "BF16", [2], Shorts(0x3FC0, 0xC000)),
            ("i64", "I64", [3], BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-1L)).Concat(BitConverter.GetBytes(1L << 40)).ToArray()));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["f32", "f16", "bf16", "i64"], file.Names);
        Assert.Equal("value", file.Metadata["format"]);
        using var f32 = file.Read("f32");
        Assert.Equal(new long[] { 2, 2 }, f32.shape);
        Assert.Equal([1f, 2f, 3f, 4f], f32.data<float>().ToArray());
        using var f16 = file.Read("f16");
        Assert.Equal(ScalarType.Float32, f16.dtype);
        Assert.Equal([1.5f, -2f], f16.data<float>().ToArray());
        using var bf16 = file.Read("bf16");
        Assert.Equal([1.5f, -2f], bf16.data<float>().ToArray());
        using var i64 = file.Read("i64");
        Assert.Equal([7L, -1L, 1L << 40], i64.data<long>().ToArray());
    }

    [Fact]
    public void Copies_into_an_existing_tensor_converting_the_dtype()
    {
        string path = Write(("w", "F16", [2, 1], Shorts(0x3E00, 0xC000)), ("v", "F32", [2], Floats(5f, 6f)));
        using var file = SafeTensorsFile.Open(path);
        using var half = zeros(2, 1);
        file.CopyTo("w", half);
        Assert.Equal([1.5f, -2f], half.data<float>().ToArray());
        using var direct = zeros(2);
        file.CopyTo("v", direct);
        Assert.Equal([5f, 6f], direct.data<float>().ToArray());
        using var wrong = zeros(3);
        var error = Assert.Throws<UserErrorException>(() => file.CopyTo("v", wrong));
        Assert.Contains("tensor 'v' has shape [2] but the model expects [3]", error.Message);
    }

    [Fact]
    public void Copied_tensors_do_not_stay_resident_in_the_map()
    {
        if (!OperatingSystem.IsLinux()) return; // the resident set of one mapping is read from /proc/self/smaps
        // Two tensors of 8 MiB: with their mapped pages left resident after the copies, loading a model would count its
        // weights twice (mapping + parameters) at the peak.
        const int count = 2 << 20;
        var values = Enumerable.Range(0, count).Select(i => (float)i).ToArray();
        byte[] bytes = new byte[count * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        string path = Write(("a", "F32", [count], bytes), ("b", "F32", [count], bytes));
        using var file = SafeTensorsFile.Open(path);
        using var copied = empty(count);
        file.CopyTo("a", copied);
        using var read = file.Read("b");
        Assert.Equal(values, copied.data<float>().ToArray());
        Assert.Equal(values, read.data<float>().ToArray());
        // What may stay: the header's page and the pages a tensor shares with its neighbours, a few KiB.
        Assert.InRange(MappedResidentKiB(path), 0, 64);
    }

    /// <summary>The Rss of <paramref name="path"/>'s mapping in /proc/self/smaps, in KiB.</summary>
    private static long MappedResidentKiB(string path)
    {
        string full = Path.GetFullPath(path);
        bool inMapping = false;
        long total = 0;
        int found = 0;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-'))
            {
                inMapping = line.EndsWith(" " + full, StringComparison.Ordinal);
                found += inMapping ? 1 : 0;
            }
            else if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
                total += long.Parse(line["Rss:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(found > 0, $"{full} is not mapped");
        return total;
    }

    [Fact]
    public void A_truncated_file_is_refused_at_open_naming_the_tensor()
    {
        string path = Write(("a", "F32", [4], Floats(1f, 2f, 3f, 4f)));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var error = Assert.Throws<UserErrorException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("tensor 'a' lies at bytes [0, 16] outside the file's 12 data bytes", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "fewer than the 8-byte header length")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, (byte)'{', (byte)'}' }, "does not fit the file's 10 bytes")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x' }, "its header is not valid JSON")]
    public void Garbage_is_one_clear_error(byte[] content, string expected)
    {
        string path = _temp.Combine("bad.safetensors");
        File.WriteAllBytes(path, content);
        var error = Assert.Throws<UserErrorException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("is not a valid safetensors file", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_unknown_dtype_or_a_wrong_size_is_refused()
    {
        var unknown = Assert.Throws<UserErrorException>(() => SafeTensorsFile.Open(Write(("a", "F8_E4M3", [2], [1, 2]))));
        Assert.Contains("dtype 'F8_E4M3', which is not supported", unknown.Message);
        var size = Assert.Throws<UserErrorException>(() => SafeTensorsFile.Open(Write(("a", "F32", [3], Floats(1f, 2f)))));
        Assert.Contains("has 8 bytes but its shape [3] of F32 needs 12", size.Message);
    }

    [Fact]
    public void A_missing_file_names_itself()
    {
        var error = Assert.Throws<UserErrorException>(() => SafeTensorsFile.Open(_temp.Combine("none.safetensors")));
        Assert.Contains("none.safetensors' does not exist", error.Message);
    }

    private string Write(params (string Name, string DType, long[] Shape, byte[] Data)[] tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"value\"}");
        long offset = 0;
        foreach (var (name, dtype, shape, data) in tensors)
        {
            header.Append($",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }
        header.Append('}');
        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        string path = _temp.Combine($"t{Guid.NewGuid():N}.safetensors");
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((long)json.Length));
        stream.Write(json);
        foreach (var tensor in tensors) stream.Write(tensor.Data);
        return path;
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] Shorts(params ushort[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
