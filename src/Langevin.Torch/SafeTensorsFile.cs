using System.Text.Json;
using TorchSharp;

namespace Langevin.Torch;

/// <summary>
/// A <c>.safetensors</c> file (Hugging Face's format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data), memory-mapped (<see cref="TensorFile"/>).
/// </summary>
public sealed class SafeTensorsFile : TensorFile
{
    // Larger headers than this are not written by any tool; a bigger number means the file is not safetensors.
    private const long MaxHeaderBytes = 100L << 20;

    private SafeTensorsFile(MappedBytes file, Dictionary<string, StoredTensor> tensors, IReadOnlyDictionary<string, string> metadata)
        : base(file, tensors) => Metadata = metadata;

    /// <summary>The header's free-form <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing, truncated, or not a valid safetensors file.</exception>
    public static new SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new UserErrorException($"'{path}' does not exist; give the path of a .safetensors file");
        long length = new FileInfo(path).Length;
        if (length < 8) throw Corrupt(path, $"it has {length} bytes, fewer than the 8-byte header length");
        return Map(path, file =>
        {
            long headerBytes = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(file.Span(0, 8));
            if (headerBytes <= 0 || headerBytes > MaxHeaderBytes || 8 + headerBytes > file.Length)
                throw Corrupt(path, $"its header length {headerBytes} does not fit the file's {file.Length} bytes (truncated, or not safetensors)");
            var (tensors, metadata) = ParseHeader(path, file.Span(8, (int)headerBytes), 8 + headerBytes, file.Length - 8 - headerBytes);
            return new SafeTensorsFile(file, tensors, metadata);
        });
    }

    private static (Dictionary<string, StoredTensor>, IReadOnlyDictionary<string, string>) ParseHeader(
        string path, ReadOnlySpan<byte> header, long dataStart, long dataBytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"its header is not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "its header is not a JSON object");
            var tensors = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object)
                        foreach (var item in entry.Value.EnumerateObject()) metadata[item.Name] = item.Value.ToString();
                    continue;
                }
                tensors.Add(entry.Name, ParseEntry(path, entry.Name, entry.Value, dataStart, dataBytes));
            }
            return (tensors, metadata);
        }
    }

    private static StoredTensor ParseEntry(string path, string name, JsonElement entry, long dataStart, long dataBytes)
    {
        try
        {
            string dtype = entry.GetProperty("dtype").GetString() ?? "";
            var known = StoredTensor.DTypes.FirstOrDefault(d => d.Name == dtype);
            if (known.Name is null)
                throw Corrupt(path, $"tensor '{name}' has dtype '{dtype}', which is not supported ({string.Join(", ", StoredTensor.DTypes.Select(d => d.Name))})");
            var (_, _, scalarType, itemBytes) = known;
            long[] shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw Corrupt(path, $"tensor '{name}' has a negative dimension");
            long count = shape.Aggregate(1L, (a, d) => checked(a * d));
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataBytes)
                throw Corrupt(path, $"tensor '{name}' lies at bytes [{string.Join(", ", offsets)}] outside the file's {dataBytes} data bytes (truncated?)");
            if (offsets[1] - offsets[0] != count * itemBytes)
                throw Corrupt(path, $"tensor '{name}' has {offsets[1] - offsets[0]} bytes but its shape [{string.Join(", ", shape)}] of {dtype} needs {count * itemBytes}");
            return new StoredTensor(name, dtype, scalarType, shape, dataStart + offsets[0], offsets[1] - offsets[0]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Corrupt(path, $"tensor '{name}' has a malformed header entry ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    private static UserErrorException Corrupt(string path, string problem) =>
        new($"'{path}' is not a valid safetensors file: {problem}; download it again or check that it is a .safetensors file");
}
