using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Torch;

/// <summary>
/// A <c>.safetensors</c> file (Hugging Face's format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data), memory-mapped so that a multi-gigabyte
/// checkpoint is read one tensor at a time straight into its destination, never held twice in memory.
/// </summary>
/// <remarks>
/// Every tensor's entry is checked when the file is opened (known dtype, offsets inside the file, size = shape × item
/// size), so a truncated or corrupt file fails at once with a message naming the file and the problem, not half-way
/// through loading a model.
/// </remarks>
public sealed unsafe partial class SafeTensorsFile : IDisposable
{
    // Larger headers than this are not written by any tool; a bigger number means the file is not safetensors.
    private const long MaxHeaderBytes = 100L << 20;
    private const int MadviseDontNeed = 4;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start, _data;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;
    private bool _disposed;

    private SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* start, byte* data,
        Dictionary<string, SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _start = start;
        _data = data;
        _tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors' names, in the header's order.</summary>
    public IReadOnlyCollection<string> Names => _tensors.Keys;

    /// <summary>The header's free-form <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing, truncated, or not a valid safetensors file.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new UserErrorException($"'{path}' does not exist; give the path of a .safetensors file");
        long length = new FileInfo(path).Length;
        if (length < 8) throw Corrupt(path, $"it has {length} bytes, fewer than the 8-byte header length");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            start += view.PointerOffset;
            long headerBytes = BitConverter.IsLittleEndian ? *(long*)start : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(*(long*)start);
            if (headerBytes <= 0 || headerBytes > MaxHeaderBytes || 8 + headerBytes > length)
                throw Corrupt(path, $"its header length {headerBytes} does not fit the file's {length} bytes (truncated, or not safetensors)");
            var (tensors, metadata) = ParseHeader(path, new ReadOnlySpan<byte>(start + 8, (int)headerBytes), length - 8 - headerBytes);
            return new SafeTensorsFile(path, map, view, start, start + 8 + headerBytes, tensors, metadata);
        }
        catch
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }
            map.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The stored dtype and shape of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafeTensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"'{Path}' has no tensor '{name}'");

    /// <summary>
    /// Reads tensor <paramref name="name"/> as a new CPU tensor: floating-point data as float32 (float16 and bfloat16
    /// are upcast, float64 kept), integers as int64, booleans as bool.
    /// </summary>
    public Tensor Read(string name)
    {
        var info = Info(name);
        using var scope = NewDisposeScope();
        var stored = ReadStored(info);
        var wanted = info.ScalarType switch
        {
            ScalarType.Float16 or ScalarType.BFloat16 => ScalarType.Float32,
            ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Byte => ScalarType.Int64,
            var same => same,
        };
        return (stored.dtype == wanted ? stored : stored.to_type(wanted)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Copies tensor <paramref name="name"/> into <paramref name="destination"/> (a parameter or buffer of the same
    /// number of elements), converting the dtype and moving it to the destination's device. Float32 data goes from the
    /// mapped file straight into the destination's memory; other dtypes pass through one temporary of that one tensor.
    /// </summary>
    /// <exception cref="UserErrorException">The sizes differ (a checkpoint of another architecture).</exception>
    public void CopyTo(string name, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var info = Info(name);
        if (info.ElementCount != destination.numel())
            throw new UserErrorException(
                $"'{Path}': tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but the model expects [{string.Join(", ", destination.shape)}]; the checkpoint does not match the model's configuration");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (info.ScalarType == destination.dtype && destination.device_type == DeviceType.CPU && destination.is_contiguous())
        {
            CopyOut(info, destination.bytes);
            return;
        }
        destination.copy_(ReadStored(info).reshape(destination.shape));
    }

    /// <summary>Releases the memory map.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private Tensor ReadStored(SafeTensorInfo info)
    {
        var tensor = empty(info.Shape, info.ScalarType);
        CopyOut(info, tensor.bytes);
        return tensor;
    }

    /// <summary>
    /// Copies a tensor's bytes out of the map, then drops its pages from the process's resident set. Mapped pages once
    /// read stay resident until the map is closed, so loading a model would count its weights twice at the peak (the
    /// mapped file and the parameters); after madvise(MADV_DONTNEED) they are in the page cache only, and a later read
    /// faults them in again.
    /// </summary>
    private void CopyOut(SafeTensorInfo info, Span<byte> destination)
    {
        Bytes(info).CopyTo(destination);
        if (!OperatingSystem.IsLinux() || info.ByteLength == 0) return;
        long begin = _data - _start + info.Offset;
        long first = begin / Environment.SystemPageSize * Environment.SystemPageSize;
        // Advice only: a refusal leaves the pages resident, as they were.
        _ = Madvise(_start + first, (nuint)(begin + info.ByteLength - first), MadviseDontNeed);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(byte* address, nuint length, int advice);

    private ReadOnlySpan<byte> Bytes(SafeTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Span lengths are int: a single tensor over 2 GiB (none in Stable Diffusion) would need chunked copies.
        if (info.ByteLength > int.MaxValue)
            throw new NotSupportedException($"tensor '{info.Name}' is {info.ByteLength} bytes; tensors over 2 GiB are not supported");
        return new ReadOnlySpan<byte>(_data + info.Offset, (int)info.ByteLength);
    }

    private static (Dictionary<string, SafeTensorInfo>, IReadOnlyDictionary<string, string>) ParseHeader(
        string path, ReadOnlySpan<byte> header, long dataBytes)
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
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object)
                        foreach (var item in entry.Value.EnumerateObject()) metadata[item.Name] = item.Value.ToString();
                    continue;
                }
                tensors.Add(entry.Name, ParseEntry(path, entry.Name, entry.Value, dataBytes));
            }
            return (tensors, metadata);
        }
    }

    private static SafeTensorInfo ParseEntry(string path, string name, JsonElement entry, long dataBytes)
    {
        try
        {
            string dtype = entry.GetProperty("dtype").GetString() ?? "";
            var (scalarType, itemBytes) = dtype switch
            {
                "F32" => (ScalarType.Float32, 4),
                "F16" => (ScalarType.Float16, 2),
                "BF16" => (ScalarType.BFloat16, 2),
                "F64" => (ScalarType.Float64, 8),
                "I64" => (ScalarType.Int64, 8),
                "I32" => (ScalarType.Int32, 4),
                "I16" => (ScalarType.Int16, 2),
                "I8" => (ScalarType.Int8, 1),
                "U8" => (ScalarType.Byte, 1),
                "BOOL" => (ScalarType.Bool, 1),
                _ => throw Corrupt(path, $"tensor '{name}' has dtype '{dtype}', which is not supported (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)"),
            };
            long[] shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw Corrupt(path, $"tensor '{name}' has a negative dimension");
            long count = shape.Aggregate(1L, (a, d) => checked(a * d));
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataBytes)
                throw Corrupt(path, $"tensor '{name}' lies at bytes [{string.Join(", ", offsets)}] outside the file's {dataBytes} data bytes (truncated?)");
            if (offsets[1] - offsets[0] != count * itemBytes)
                throw Corrupt(path, $"tensor '{name}' has {offsets[1] - offsets[0]} bytes but its shape [{string.Join(", ", shape)}] of {dtype} needs {count * itemBytes}");
            return new SafeTensorInfo(name, dtype, scalarType, shape, offsets[0], offsets[1] - offsets[0]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Corrupt(path, $"tensor '{name}' has a malformed header entry ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    private static UserErrorException Corrupt(string path, string problem) =>
        new($"'{path}' is not a valid safetensors file: {problem}; download it again or check that it is a .safetensors file");
}

/// <summary>One tensor's entry in a <see cref="SafeTensorsFile"/> header.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The stored dtype as the file writes it (F32, F16, BF16, …).</param>
/// <param name="ScalarType">The stored dtype as torch's scalar type.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Offset">Byte offset of the data from the end of the header.</param>
/// <param name="ByteLength">Number of data bytes.</param>
public sealed record SafeTensorInfo(string Name, string DType, ScalarType ScalarType, long[] Shape, long Offset, long ByteLength)
{
    /// <summary>Number of elements (the product of the shape).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
