using Langevin.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Torch.Tests;

/// <summary>The safetensors writer: what <see cref="SafeTensorsFile"/> reads back, and the header layout of the Rust writer.</summary>
public sealed class SafeTensorsWriterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public SafeTensorsWriterTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_back_float32_float16_and_int64_tensors_with_metadata()
    {
        string path = Path.Combine(_temp.Path, "t.safetensors");
        using var generator = new Generator(7);
        using var f32 = randn([3, 5], generator: generator);
        using var f16 = randn([2, 2, 3], generator: generator).to_type(ScalarType.Float16);
        using var i64 = tensor(new long[] { 1, -2, 1L << 40 });
        using var scalar = tensor(4f);
        SafeTensorsWriter.Write(path, new Dictionary<string, Tensor> { ["a.weight"] = f32, ["b"] = f16, ["ids"] = i64, ["alpha"] = scalar },
            new Dictionary<string, string> { ["ss_network_dim"] = "4", ["note"] = "quote \" and ünïcode" });

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["a.weight", "b", "ids", "alpha"], file.Names);
        Assert.Equal("4", file.Metadata["ss_network_dim"]);
        Assert.Equal("quote \" and ünïcode", file.Metadata["note"]);
        Assert.Equal("F16", file.Info("b").DType);
        Assert.Equal(new long[] { 2, 2, 3 }, file.Info("b").Shape);
        Assert.Empty(file.Info("alpha").Shape);
        using var a = file.Read("a.weight");
        Assert.Equal(f32.data<float>().ToArray(), a.data<float>().ToArray());
        using var b = file.Read("b");
        using var bExpected = f16.to_type(ScalarType.Float32);
        Assert.Equal(bExpected.data<float>().ToArray(), b.data<float>().ToArray());
        using var ids = file.Read("ids");
        Assert.Equal([1L, -2L, 1L << 40], ids.data<long>().ToArray());
        using var alpha = file.Read("alpha");
        Assert.Equal(4f, alpha.item<float>());
    }

    [Fact]
    public void The_header_is_padded_with_spaces_to_a_multiple_of_8()
    {
        string path = Path.Combine(_temp.Path, "p.safetensors");
        using var x = ones(3);
        SafeTensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = x });
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", header);
        Assert.Matches("^\\{.*\\} *$", header);
        Assert.Equal(8 + headerLength + 12, bytes.Length);
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        using var x = ones(1);
        var error = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(new MemoryStream(), [new("x", x), new("x", x)]));
        Assert.Equal("tensors", error.ParamName);
    }
}
