using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Langevin.IO;
using static TorchSharp.torch;

namespace Langevin.Torch;

/// <summary>
/// Writes <c>.safetensors</c> files as Hugging Face's Rust writer does, so that every reader (Python's safetensors,
/// the web UIs, <see cref="SafeTensorsFile"/>) takes them: the 8-byte little-endian header length, the JSON header
/// (<c>__metadata__</c> strings first, then each tensor's dtype, shape and data_offsets) padded with spaces to a multiple
/// of 8 bytes so that the data starts aligned, then the tensors' raw little-endian bytes back to back, in the order given.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (CPU or not; stored in their own dtype) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, a name is empty or "__metadata__", or a dtype has no safetensors code.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var list = Check(tensors);
        AtomicFile.Write(path, stream => WriteChecked(stream, list, metadata));
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="stream"/> (see <see cref="Write(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string}?)"/>).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteChecked(stream, Check(tensors), metadata);
    }

    /// <summary>The safetensors code of a torch dtype (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL).</summary>
    public static string DTypeCode(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"dtype {type} has no safetensors code", nameof(type)),
    };

    private static List<KeyValuePair<string, Tensor>> Check(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in list)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__") throw new ArgumentException($"'{name}' is not a usable tensor name", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"two tensors are named '{name}'", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            DTypeCode(tensor.dtype);
        }
        return list;
    }

    private static void WriteChecked(Stream stream, List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                long bytes = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeCode(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Spaces after the JSON up to a multiple of 8 bytes: the Rust writer's padding, so the data is 8-byte aligned.
        int padding = (int)((8 - header.Length % 8) % 8);
        header.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var (_, tensor) in tensors)
        {
            using var scope = NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            stream.Write(cpu.bytes);
        }
        stream.Flush();
    }
}
