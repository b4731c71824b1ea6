using System.IO.Compression;
using System.Text;
using Langevin.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Torch.Tests;

/// <summary>
/// The torch.save reader against files PyTorch 1.13 wrote (tests/fixtures/torch-save, made by its make.py from the
/// safetensors fixtures): every tensor equals its safetensors original bit for bit, including a view into another
/// tensor's storage; the pickle is read as data (a pickle that would run a command builds nothing); broken files are
/// one-line errors.
/// </summary>
public sealed class TorchCheckpointFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("tiny-sd.ckpt", "tiny-sd.safetensors")]
    [InlineData("unet/diffusion_pytorch_model.bin", "tiny-sd/unet/diffusion_pytorch_model.safetensors")]
    public void Every_tensor_equals_the_safetensors_original(string checkpoint, string original)
    {
        TorchRuntime.EnsureLoaded();
        using var file = TensorFile.Open(Repository.Fixture("torch-save", checkpoint));
        using var expected = SafeTensorsFile.Open(Repository.Fixture("stable-diffusion", original));
        Assert.IsType<TorchCheckpointFile>(file);
        foreach (string name in expected.Names)
        {
            Assert.True(file.Contains(name), name);
            var (a, b) = (file.Info(name), expected.Info(name));
            Assert.Equal((b.DType, b.ScalarType, b.ByteLength), (a.DType, a.ScalarType, a.ByteLength));
            Assert.Equal(b.Shape, a.Shape);
            using var x = file.Read(name);
            using var y = expected.Read(name);
            Assert.True(x.eq(y).all().item<bool>(), name);
        }
    }

    [Fact]
    public void The_extra_entries_of_a_training_checkpoint_are_read_or_skipped()
    {
        TorchRuntime.EnsureLoaded();
        using var file = TensorFile.Open(Repository.Fixture("torch-save", "tiny-sd.ckpt"));
        // A view into the second half of another tensor's storage (one storage in the archive for both).
        using var weight = file.Read("model.diffusion_model.time_embed.0.weight");
        using var view = file.Read("lvlb_weights_view");
        using var half = weight.flatten().narrow(0, weight.numel() / 2, weight.numel() - weight.numel() / 2);
        Assert.True(view.eq(half).all().item<bool>());
        // A float64 buffer: β from the scaled-linear schedule (√β linear from √0.00085 to √0.012).
        using var betas = file.Read("betas");
        Assert.Equal(ScalarType.Float64, betas.dtype);
        Assert.Equal(0.00085, betas[0].item<double>(), 15);
        Assert.Equal(0.012, betas[999].item<double>(), 15);
        // global_step, epoch, a numpy scalar, a torch.device and a callback object are not tensors: not listed.
        Assert.DoesNotContain(file.Names, n => !n.StartsWith("model.", StringComparison.Ordinal) && !n.StartsWith("first_stage_model.", StringComparison.Ordinal)
            && !n.StartsWith("cond_stage_model.", StringComparison.Ordinal) && n is not ("lvlb_weights_view" or "betas"));
    }

    [Fact]
    public void A_pickle_that_would_run_a_command_is_only_read()
    {
        // os.system("touch <marker>"), then STOP: Python's pickle would run it; here it becomes inert data, and the file
        // holds no tensors.
        string marker = _temp.Combine("ran");
        byte[] pickle = Encoding.ASCII.GetBytes($"cos\nsystem\n(Vtouch {marker}\ntR.");
        string path = Zip("evil.ckpt", ("archive/data.pkl", pickle, CompressionLevel.NoCompression));
        var error = Assert.Throws<UserErrorException>(() => TensorFile.Open(path));
        Assert.Contains("holds no dictionary of tensors", error.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Broken_files_are_one_line_errors_naming_the_problem()
    {
        byte[] whole = File.ReadAllBytes(Repository.Fixture("torch-save", "tiny-sd.ckpt"));
        string truncated = _temp.Combine("truncated.ckpt");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        Assert.Contains("no zip end-of-directory record (truncated?)", Message(truncated));

        string legacy = _temp.Combine("legacy.ckpt");
        File.WriteAllBytes(legacy, [0x80, 0x02, 0x8a, 0x0a]);
        Assert.Contains("saved in PyTorch's legacy format (before 1.6)", Message(legacy));

        string compressed = Zip("compressed.ckpt", ("archive/data.pkl", Encoding.ASCII.GetBytes("}."), CompressionLevel.Optimal));
        Assert.Contains("is compressed", Message(compressed));

        string noPickle = Zip("empty.ckpt", ("archive/version", Encoding.ASCII.GetBytes("3\n"), CompressionLevel.NoCompression));
        Assert.Contains("0 data.pkl entries", Message(noPickle));

        string badOpcode = Zip("opcode.ckpt", ("archive/data.pkl", [0x80, 0x02, 0xff], CompressionLevel.NoCompression));
        Assert.Contains("opcode 0xff", Message(badOpcode));

        string Message(string path)
        {
            var error = Assert.Throws<UserErrorException>(() => TensorFile.Open(path));
            Assert.Single(error.Message.Split('\n'));
            Assert.Contains(path, error.Message);
            return error.Message;
        }
    }

    [Fact]
    public void A_zip64_archive_is_read_as_PyTorch_writes_those_over_4_GiB()
    {
        TorchRuntime.EnsureLoaded();
        // {"w": tensor [[1, 2], [3, 4]]} in protocol 2, as torch.save pickles a state dict: a persistent id names the
        // storage (data/0, 4 floats), _rebuild_tensor_v2 gives offset, shape, strides.
        var pickle = new List<byte> { 0x80, 0x02, (byte)'}', (byte)'(' };
        void Text(string s) { pickle.Add((byte)'X'); pickle.AddRange(BitConverter.GetBytes(s.Length)); pickle.AddRange(Encoding.ASCII.GetBytes(s)); }
        void Global(string module, string name) => pickle.AddRange(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));
        void Small(byte value) => pickle.AddRange([(byte)'K', value]);
        Text("w");
        Global("torch._utils", "_rebuild_tensor_v2");
        pickle.AddRange([(byte)'(', (byte)'(']);
        Text("storage");
        Global("torch", "FloatStorage");
        Text("0");
        Text("cpu");
        Small(4);
        pickle.AddRange([(byte)'t', (byte)'Q']);
        Small(0);
        Small(2); Small(2); pickle.Add(0x86);
        Small(2); Small(1); pickle.Add(0x86);
        pickle.Add(0x89);
        Global("collections", "OrderedDict");
        pickle.AddRange([(byte)')', (byte)'R', (byte)'t', (byte)'R', (byte)'u', (byte)'.']);
        byte[] floats = [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f), .. BitConverter.GetBytes(3f), .. BitConverter.GetBytes(4f)];

        string path = _temp.Combine("zip64.ckpt");
        File.WriteAllBytes(path, Zip64(("archive/data.pkl", [.. pickle]), ("archive/data/0", floats)));
        using var file = TensorFile.Open(path);
        using var w = file.Read("w");
        Assert.Equal(new long[] { 2, 2 }, w.shape);
        Assert.Equal([1f, 2f, 3f, 4f], w.data<float>().ToArray());
    }

    /// <summary>
    /// A stored zip whose every size and offset is in ZIP64 form (32-bit fields 0xFFFFFFFF, the values in extra fields,
    /// the directory found through the ZIP64 end record and locator), as zip writers do for archives over 4 GiB.
    /// </summary>
    private static byte[] Zip64(params (string Name, byte[] Data)[] entries)
    {
        using var zip = new MemoryStream();
        using var w = new BinaryWriter(zip);
        var offsets = new List<long>();
        foreach (var (name, data) in entries)
        {
            offsets.Add(zip.Position);
            w.Write(0x04034b50u); w.Write((ushort)45); w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write(0u);
            w.Write(uint.MaxValue); w.Write(uint.MaxValue); w.Write((ushort)name.Length); w.Write((ushort)20);
            w.Write(Encoding.ASCII.GetBytes(name));
            w.Write((ushort)1); w.Write((ushort)16); w.Write((long)data.Length); w.Write((long)data.Length);
            w.Write(data);
        }
        long directory = zip.Position;
        for (int i = 0; i < entries.Length; i++)
        {
            var (name, data) = entries[i];
            w.Write(0x02014b50u); w.Write((ushort)45); w.Write((ushort)45); w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write(0u);
            w.Write(uint.MaxValue); w.Write(uint.MaxValue); w.Write((ushort)name.Length); w.Write((ushort)28); w.Write((ushort)0);
            w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write(uint.MaxValue);
            w.Write(Encoding.ASCII.GetBytes(name));
            w.Write((ushort)1); w.Write((ushort)24); w.Write((long)data.Length); w.Write((long)data.Length); w.Write(offsets[i]);
        }
        long size = zip.Position - directory, end64 = zip.Position;
        w.Write(0x06064b50u); w.Write(44L); w.Write((ushort)45); w.Write((ushort)45); w.Write(0u); w.Write(0u);
        w.Write((long)entries.Length); w.Write((long)entries.Length); w.Write(size); w.Write(directory);
        w.Write(0x07064b50u); w.Write(0u); w.Write(end64); w.Write(1u);
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0); w.Write(ushort.MaxValue); w.Write(ushort.MaxValue);
        w.Write(uint.MaxValue); w.Write(uint.MaxValue); w.Write((ushort)0);
        w.Flush();
        return zip.ToArray();
    }

    [Fact]
    public void The_format_is_told_by_the_content_not_the_extension()
    {
        TorchRuntime.EnsureLoaded();
        string renamed = _temp.Combine("really-a-ckpt.safetensors");
        File.Copy(Repository.Fixture("torch-save", "unet", "diffusion_pytorch_model.bin"), renamed);
        using (var file = TensorFile.Open(renamed)) Assert.IsType<TorchCheckpointFile>(file);
        using (var file = TensorFile.Open(Repository.Fixture("stable-diffusion", "tiny-sd.safetensors"))) Assert.IsType<SafeTensorsFile>(file);
    }

    private string Zip(string name, params (string Entry, byte[] Bytes, CompressionLevel Level)[] entries)
    {
        string path = _temp.Combine(name);
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
            foreach (var (entry, bytes, level) in entries)
            {
                using var stream = archive.CreateEntry(entry, level).Open();
                stream.Write(bytes);
            }
        return path;
    }
}
