using TorchSharp;

namespace Langevin.Torch;

/// <summary>
/// A PyTorch <c>torch.save</c> file of tensors — an original Stable Diffusion <c>.ckpt</c> (<c>{"state_dict": …}</c>,
/// with whatever else a training run saved beside it) or a diffusers <c>diffusion_pytorch_model.bin</c> (the state dict
/// itself) — memory-mapped like a safetensors file (<see cref="TensorFile"/>): the archive's stored entries are read in
/// place, one tensor at a time.
/// </summary>
/// <remarks>
/// Unpickling a checkpoint with Python's pickle runs whatever code the file names; here the pickle is only read as
/// data (<see cref="TorchPickle"/>): nothing it names is called, so a file can describe its tensors but do nothing
/// else. Read: the zip format of PyTorch 1.6 and later (every Stable Diffusion checkpoint); the legacy format before it
/// is refused with the way out. Tensors must be contiguous (as <c>state_dict()</c> gives them); others are left out.
/// </remarks>
public sealed class TorchCheckpointFile : TensorFile
{
    private static readonly byte[] ZipSignature = [0x50, 0x4b, 0x03, 0x04];
    private const byte PickleOpcodeProto = 0x80;

    private TorchCheckpointFile(MappedBytes file, Dictionary<string, StoredTensor> tensors) : base(file, tensors)
    {
    }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing, truncated, of PyTorch's legacy format, or not a torch.save archive of tensors.</exception>
    public static new TorchCheckpointFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new UserErrorException($"'{path}' does not exist; give the path of a PyTorch checkpoint (.ckpt, .bin)");
        var start = FirstBytes(path);
        if (IsPickle(start))
            throw new UserErrorException($"'{path}' was saved in PyTorch's legacy format (before 1.6), which Langevin does not read; load it and save it again with a current PyTorch, or convert it to .safetensors");
        if (!IsZip(start)) throw Corrupt(path, "it is not a zip archive as torch.save writes");
        return Map(path, file =>
        {
            try
            {
                return new TorchCheckpointFile(file, Catalog(file));
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(path, e.Message);
            }
        });
    }

    /// <summary>
    /// Whether <paramref name="path"/> starts as a torch.save file does: a zip archive (PyTorch 1.6 and later) or a
    /// pickle (the legacy format).
    /// </summary>
    internal static bool IsTorchSave(string path)
    {
        var start = FirstBytes(path);
        return IsZip(start) || IsPickle(start);
    }

    private static bool IsZip(byte[] start) => start.AsSpan().StartsWith(ZipSignature);

    private static bool IsPickle(byte[] start) => start is [PickleOpcodeProto, ..];

    /// <summary>The file's first bytes (as many as a signature needs, fewer for a shorter file; none for a missing one).</summary>
    private static byte[] FirstBytes(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = File.OpenRead(path);
        var start = new byte[ZipSignature.Length];
        return start[..stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)];
    }

    /// <summary>The tensors of the archive's state dict, in its order, each located in its storage's entry.</summary>
    private static Dictionary<string, StoredTensor> Catalog(MappedBytes file)
    {
        ReadOnlySpan<byte> Bytes(long offset, int count) =>
            offset >= 0 && count >= 0 && offset + count <= file.Length ? file.Span(offset, count) : throw new InvalidDataException("a zip record lies past the end of the file (truncated?)");
        var entries = ZipDirectory.Read(Bytes, file.Length);
        var pickles = entries.Where(e => e.Name == "data.pkl" || e.Name.EndsWith("/data.pkl", StringComparison.Ordinal)).ToList();
        if (pickles.Count != 1) throw new InvalidDataException($"it has {pickles.Count} data.pkl entries where a torch.save archive has one");
        var pickle = pickles[0];
        string prefix = pickle.Name[..^"data.pkl".Length];
        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var root = TorchPickle.Load(Stored(pickle, Bytes));
        var stateDict = (root as PickledDictionary)?.GetValueOrDefault("state_dict") as PickledDictionary ?? root as PickledDictionary
            ?? throw new InvalidDataException("it holds no dictionary of tensors (a state dict, or one under \"state_dict\")");

        var tensors = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        foreach (var (key, value) in stateDict)
        {
            if (key is not string name || value is not PickledTensor tensor) continue;
            var known = StoredTensor.DTypes.FirstOrDefault(d => d.Storage == tensor.Storage.TypeName);
            if (known.Name is null || !IsContiguous(tensor)) continue;
            var (dtype, _, scalarType, itemBytes) = known;
            if (!byName.TryGetValue(prefix + "data/" + tensor.Storage.Key, out var storage))
                throw new InvalidDataException($"tensor '{name}' refers to storage data/{tensor.Storage.Key}, which the archive lacks");
            RequireStored(storage);
            long count = tensor.Shape.Aggregate(1L, (a, d) => checked(a * d));
            long begin = checked(tensor.Offset * itemBytes), bytes = checked(count * itemBytes);
            if (tensor.Offset < 0 || tensor.Shape.Any(d => d < 0) || begin + bytes > storage.Size)
                throw new InvalidDataException($"tensor '{name}' of shape [{string.Join(", ", tensor.Shape)}] does not fit its storage's {storage.Size} bytes");
            tensors.Add(name, new StoredTensor(name, dtype, scalarType, tensor.Shape, storage.DataOffset + begin, bytes));
        }
        if (tensors.Count == 0) throw new InvalidDataException("its state dict holds no tensor Langevin can read");
        return tensors;
    }

    /// <summary>Refuses a compressed entry: its data are not the file's bytes as they are (torch.save stores every entry).</summary>
    private static void RequireStored(ZipDirectory.Entry entry)
    {
        if (entry.Method != 0) throw new InvalidDataException($"entry '{entry.Name}' is compressed (method {entry.Method}), which torch.save never does");
    }

    private static ReadOnlySpan<byte> Stored(ZipDirectory.Entry entry, ZipDirectory.ByteRange bytes)
    {
        RequireStored(entry);
        if (entry.Size > int.MaxValue) throw new InvalidDataException($"entry '{entry.Name}' is {entry.Size} bytes, more than a pickle can be");
        return bytes(entry.DataOffset, (int)entry.Size);
    }

    // Row-major strides, ignoring dimensions of size 1 (whose stride does not matter).
    private static bool IsContiguous(PickledTensor tensor)
    {
        if (tensor.Shape.Length != tensor.Stride.Length) return false;
        long expected = 1;
        for (int d = tensor.Shape.Length - 1; d >= 0; d--)
        {
            if (tensor.Shape[d] != 1 && tensor.Stride[d] != expected) return false;
            expected *= tensor.Shape[d];
        }
        return true;
    }

    private static UserErrorException Corrupt(string path, string problem) =>
        new($"'{path}' is not a readable PyTorch checkpoint: {problem}; download it again, or convert it to .safetensors");
}
