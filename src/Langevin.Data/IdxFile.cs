using System.Buffers.Binary;
using System.IO.Compression;

namespace Langevin.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (gzipped or not): a magic number
/// <c>00 00 08 rank</c> (8 = unsigned bytes), <c>rank</c> big-endian int32 dimensions, then the data.
/// Every defect is reported as a <see cref="UserErrorException"/> naming the file and what is wrong.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an IDX file of unsigned bytes.</summary>
    public static IdxArray Read(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot be read ({e.Message})");
        }
        return Parse(Decompress(raw, path), path);
    }

    /// <summary>Parses IDX bytes (already decompressed); <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Parse(byte[] bytes, string name)
    {
        if (bytes.Length < 4)
            throw new UserErrorException($"{name}: truncated: {bytes.Length} bytes is too short for an IDX header; download the file again");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new UserErrorException($"{name}: wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8}: not an IDX file (expected 0x000008NN); check the path");
        if (bytes[2] != UnsignedByteType)
            throw new UserErrorException($"{name}: IDX element type 0x{bytes[2]:X2} is not supported (expected 0x08, unsigned bytes)");
        int rank = bytes[3];
        if (rank is < 1 or > 4)
            throw new UserErrorException($"{name}: IDX rank {rank} is not supported (expected 1 to 4)");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new UserErrorException($"{name}: truncated: the header needs {headerLength} bytes, the file has {bytes.Length}; download the file again");

        var shape = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (shape[d] < 0) throw new UserErrorException($"{name}: dimension {d} is negative ({shape[d]}); the file is corrupt");
            count *= shape[d];
        }
        long available = bytes.Length - headerLength;
        if (available < count)
            throw new UserErrorException($"{name}: truncated: the header promises {count} bytes of data, the file has {available}; download the file again");
        if (available > count)
            throw new UserErrorException($"{name}: {available - count} bytes of trailing data after the {count} the header declares; the file is corrupt");
        return new IdxArray(shape, bytes.AsSpan(headerLength).ToArray());
    }

    private static byte[] Decompress(byte[] raw, string path)
    {
        bool isGzip = raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
        if (!isGzip)
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"{path}: not gzip data although the name ends in .gz; download the file again");
            return raw;
        }
        try
        {
            using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            // GZipStream stops quietly at the end of a cut-off file; the trailer's ISIZE (length mod 2^32)
            // is what reveals it.
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
            if (raw.Length < 18 || declared != (uint)output.Length)
                throw new UserErrorException($"{path}: truncated or corrupt gzip data (decompressed {output.Length} bytes, the trailer says {declared}); download the file again");
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new UserErrorException($"{path}: corrupt gzip data ({e.Message}); download the file again");
        }
        catch (EndOfStreamException)
        {
            throw new UserErrorException($"{path}: truncated gzip data; download the file again");
        }
    }
}

/// <summary>An n-dimensional array of bytes read from an IDX file, row-major.</summary>
/// <param name="Shape">Dimensions, outermost first (e.g. N, 28, 28).</param>
/// <param name="Data">The elements, row-major.</param>
public sealed record IdxArray(int[] Shape, byte[] Data);
