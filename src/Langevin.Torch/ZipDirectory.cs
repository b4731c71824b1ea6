using System.Buffers.Binary;
using System.Text;

namespace Langevin.Torch;

/// <summary>
/// The entries of a zip archive, read from its central directory (ZIP64 included: PyTorch writes archives over 4 GiB
/// in it) out of a file held in memory: each entry's name, compression method, and where its data lies in the file.
/// <c>torch.save</c> stores its entries uncompressed, so their data are the file's own bytes, readable in place.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndOfDirectory = 0x06054b50, Zip64Locator = 0x07064b50, Zip64EndOfDirectory = 0x06064b50;
    private const uint DirectoryHeader = 0x02014b50, LocalHeader = 0x04034b50;

    /// <summary>Bytes [offset, offset + count) of the file; throws <see cref="InvalidDataException"/> outside it.</summary>
    public delegate ReadOnlySpan<byte> ByteRange(long offset, int count);

    /// <summary>One entry: its name, method (0 = stored), data offset from the start of the file and stored size.</summary>
    public readonly record struct Entry(string Name, int Method, long DataOffset, long StoredSize, long Size);

    /// <summary>The entries of the archive of <paramref name="length"/> bytes read through <paramref name="bytes"/>, in directory order.</summary>
    /// <exception cref="InvalidDataException">The directory is missing, truncated or inconsistent.</exception>
    public static List<Entry> Read(ByteRange bytes, long length)
    {
        // The end-of-directory record (22 bytes) sits at the end, before a comment of at most 65,535 bytes.
        long end = -1;
        for (long p = length - 22; p >= Math.Max(0, length - 22 - ushort.MaxValue) && end < 0; p--)
            if (U32(bytes(p, 4)) == EndOfDirectory) end = p;
        if (end < 0) throw new InvalidDataException("it has no zip end-of-directory record (truncated?)");
        var record = bytes(end, 22);
        long count = U16(record[10..]), size = U32(record[12..]), offset = U32(record[16..]);
        if (count == ushort.MaxValue || size == uint.MaxValue || offset == uint.MaxValue)
        {
            if (end < 20 || U32(bytes(end - 20, 4)) != Zip64Locator) throw new InvalidDataException("its ZIP64 directory locator is missing");
            long at = (long)U64(bytes(end - 20 + 8, 8));
            var zip64 = bytes(at, 56);
            if (U32(zip64) != Zip64EndOfDirectory) throw new InvalidDataException("its ZIP64 end-of-directory record is missing");
            count = (long)U64(zip64[32..]);
            size = (long)U64(zip64[40..]);
            offset = (long)U64(zip64[48..]);
        }
        if (offset < 0 || size < 0 || count < 0 || offset + size > length) throw new InvalidDataException("its zip directory lies outside the file (truncated?)");

        var entries = new List<Entry>();
        long position = offset;
        for (long i = 0; i < count; i++)
        {
            var header = bytes(position, 46);
            if (U32(header) != DirectoryHeader) throw new InvalidDataException($"its zip directory is malformed at entry {i}");
            int method = U16(header[10..]), nameLength = U16(header[28..]), extraLength = U16(header[30..]), commentLength = U16(header[32..]);
            long stored = U32(header[20..]), unpacked = U32(header[24..]), local = U32(header[42..]);
            string name = Encoding.UTF8.GetString(bytes(position + 46, nameLength));
            ReadZip64Sizes(bytes(position + 46 + nameLength, extraLength), ref unpacked, ref stored, ref local);
            // The data follow the entry's local header, whose name and extra field may differ in length from the directory's.
            var localHeader = bytes(local, 30);
            if (U32(localHeader) != LocalHeader) throw new InvalidDataException($"entry '{name}' has no local header where the directory says");
            long data = local + 30 + U16(localHeader[26..]) + U16(localHeader[28..]);
            if (data + stored > length) throw new InvalidDataException($"entry '{name}' runs past the end of the file (truncated?)");
            entries.Add(new Entry(name, method, data, stored, unpacked));
            position += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    // The ZIP64 extra field (id 1) holds, in this order, the 64-bit values of those fields that are 0xFFFFFFFF above.
    private static void ReadZip64Sizes(ReadOnlySpan<byte> extra, ref long unpacked, ref long stored, ref long local)
    {
        for (int at = 0; at + 4 <= extra.Length;)
        {
            int id = U16(extra[at..]), length = U16(extra[(at + 2)..]);
            var field = extra.Slice(at + 4, Math.Min(length, extra.Length - at - 4));
            if (id == 1)
            {
                int next = 0;
                if (unpacked == uint.MaxValue) unpacked = Next(field, ref next);
                if (stored == uint.MaxValue) stored = Next(field, ref next);
                if (local == uint.MaxValue) local = Next(field, ref next);
            }
            at += 4 + length;
        }
    }

    private static long Next(ReadOnlySpan<byte> field, ref int at)
    {
        if (at + 8 > field.Length) throw new InvalidDataException("a ZIP64 extra field is too short");
        at += 8;
        return (long)U64(field[(at - 8)..]);
    }

    private static int U16(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static uint U32(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static ulong U64(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadUInt64LittleEndian(b);
}
