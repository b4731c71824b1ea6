using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Torch;

/// <summary>
/// A checkpoint file of named tensors, memory-mapped so that a multi-gigabyte checkpoint is read one tensor at a time
/// straight into its destination, never held twice in memory: a <see cref="SafeTensorsFile"/> or a PyTorch
/// <c>torch.save</c> file (<see cref="TorchCheckpointFile"/>). <see cref="Open"/> tells them apart by their content.
/// </summary>
/// <remarks>
/// Every tensor's entry is checked when the file is opened (known dtype, bytes inside the file, size = shape × item
/// size), so a truncated or corrupt file fails at once with a message naming the file and the problem, not half-way
/// through loading a model.
/// </remarks>
public abstract unsafe partial class TensorFile : IDisposable
{
    private const int MadviseDontNeed = 4;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;
    private readonly Dictionary<string, StoredTensor> _tensors;
    private bool _disposed;

    private protected TensorFile(MappedBytes file, Dictionary<string, StoredTensor> tensors)
    {
        Path = file.Path;
        _map = file.Map;
        _view = file.View;
        _start = (byte*)file.Start;
        _tensors = tensors;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors' names, in the file's order.</summary>
    public IReadOnlyCollection<string> Names => _tensors.Keys;

    /// <summary>
    /// Opens and validates <paramref name="path"/>: a PyTorch <c>torch.save</c> file (a zip archive: <c>.ckpt</c>,
    /// <c>.bin</c>, <c>.pt</c>) or otherwise a safetensors file, whatever its extension.
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing, truncated, or neither format.</exception>
    public static TensorFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return TorchCheckpointFile.IsTorchSave(path) ? TorchCheckpointFile.Open(path) : SafeTensorsFile.Open(path);
    }

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The stored dtype, shape and place of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public StoredTensor Info(string name) =>
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
    /// number of elements), converting the dtype and moving it to the destination's device. Data of the destination's
    /// dtype goes from the mapped file straight into the destination's memory; other dtypes pass through one temporary
    /// of that one tensor.
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
        GC.SuppressFinalize(this);
    }

    /// <summary>Maps <paramref name="path"/> read-only and hands the bytes to <paramref name="parse"/>; the map is released if it throws.</summary>
    private protected static T Map<T>(string path, Func<MappedBytes, T> parse)
    {
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            start += view.PointerOffset;
            return parse(new MappedBytes(path, map, view, (nint)start, new FileInfo(path).Length));
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

    private Tensor ReadStored(StoredTensor info)
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
    private void CopyOut(StoredTensor info, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Span lengths are int: a single tensor over 2 GiB (none in Stable Diffusion) would need chunked copies.
        if (info.ByteLength > int.MaxValue)
            throw new NotSupportedException($"tensor '{info.Name}' is {info.ByteLength} bytes; tensors over 2 GiB are not supported");
        new ReadOnlySpan<byte>(_start + info.Offset, (int)info.ByteLength).CopyTo(destination);
        if (!OperatingSystem.IsLinux() || info.ByteLength == 0) return;
        long first = info.Offset / Environment.SystemPageSize * Environment.SystemPageSize;
        // Advice only: a refusal leaves the pages resident, as they were.
        _ = Madvise(_start + first, (nuint)(info.Offset + info.ByteLength - first), MadviseDontNeed);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(byte* address, nuint length, int advice);

    /// <summary>A file mapped read-only: its path, map, view and the address and length of its bytes.</summary>
    private protected readonly record struct MappedBytes(string Path, MemoryMappedFile Map, MemoryMappedViewAccessor View, nint Start, long Length)
    {
        /// <summary>The bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>) of the file (the caller checks the range).</summary>
        public ReadOnlySpan<byte> Span(long offset, int count) => new((byte*)Start + offset, count);
    }
}

/// <summary>One tensor of a <see cref="TensorFile"/>.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The stored dtype as safetensors writes it (F32, F16, BF16, …), whatever the file's format.</param>
/// <param name="ScalarType">The stored dtype as torch's scalar type.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Offset">Byte offset of the data from the start of the file.</param>
/// <param name="ByteLength">Number of data bytes.</param>
public sealed record StoredTensor(string Name, string DType, ScalarType ScalarType, long[] Shape, long Offset, long ByteLength)
{
    /// <summary>Number of elements (the product of the shape).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>Each dtype both readers accept: its safetensors name, torch.save's storage type, torch's scalar type, item size.</summary>
    internal static readonly IReadOnlyList<(string Name, string Storage, ScalarType Type, int Bytes)> DTypes =
    [
        ("F32", "FloatStorage", ScalarType.Float32, 4), ("F16", "HalfStorage", ScalarType.Float16, 2),
        ("BF16", "BFloat16Storage", ScalarType.BFloat16, 2), ("F64", "DoubleStorage", ScalarType.Float64, 8),
        ("I64", "LongStorage", ScalarType.Int64, 8), ("I32", "IntStorage", ScalarType.Int32, 4),
        ("I16", "ShortStorage", ScalarType.Int16, 2), ("I8", "CharStorage", ScalarType.Int8, 1),
        ("U8", "ByteStorage", ScalarType.Byte, 1), ("BOOL", "BoolStorage", ScalarType.Bool, 1),
    ];
}
