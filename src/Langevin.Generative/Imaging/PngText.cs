using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Langevin.Generative.Imaging;

/// <summary>
/// Text chunks of PNG files (ISO/IEC 15948 §11.3.4): written as <c>tEXt</c> when the text is Latin-1 and as
/// uncompressed <c>iTXt</c> (UTF-8) otherwise, as the popular web UIs store a generation's <c>parameters</c>; read back
/// from either.
/// </summary>
public static class PngText
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>The PNG <paramref name="png"/> with a text chunk per entry of <paramref name="text"/> inserted before IEND.</summary>
    public static byte[] Insert(byte[] png, IReadOnlyDictionary<string, string> text)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(text);
        int end = FindChunk(png, "IEND") ?? throw new ArgumentException("not a PNG (no IEND chunk)", nameof(png));
        using var output = new MemoryStream(png.Length + 256);
        output.Write(png, 0, end);
        foreach (var (key, value) in text)
        {
            if (key.Length is < 1 or > 79) throw new ArgumentException($"PNG text keyword '{key}' must have 1 to 79 characters", nameof(text));
            bool latin1 = value.All(c => c <= 0xFF);
            byte[] data = latin1
                ? [.. Latin1.GetBytes(key), 0, .. Latin1.GetBytes(value)]
                // iTXt: keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, UTF-8 text.
                : [.. Latin1.GetBytes(key), 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(value)];
            WriteChunk(output, latin1 ? "tEXt" : "iTXt", data);
        }
        output.Write(png, end, png.Length - end);
        return output.ToArray();
    }

    /// <summary>The uncompressed text chunks (<c>tEXt</c>, and <c>iTXt</c> without compression) of the PNG at <paramref name="path"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing or not a PNG.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new UserErrorException($"'{path}' does not exist; give a PNG written by langevin generate or a web UI");
        byte[] png = File.ReadAllBytes(path);
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
            throw new UserErrorException($"'{path}' is not a PNG file; give a PNG written by langevin generate or a web UI");
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (type, data) in Chunks(png))
        {
            int zero = Array.IndexOf(data, (byte)0);
            if (zero <= 0) continue;
            string key = Latin1.GetString(data, 0, zero);
            if (type == "tEXt") text[key] = Latin1.GetString(data, zero + 1, data.Length - zero - 1);
            else if (type == "iTXt" && zero + 2 < data.Length && data[zero + 1] == 0)
            {
                int language = Array.IndexOf(data, (byte)0, zero + 3);
                int translated = language < 0 ? -1 : Array.IndexOf(data, (byte)0, language + 1);
                if (translated >= 0) text[key] = Encoding.UTF8.GetString(data, translated + 1, data.Length - translated - 1);
            }
        }
        return text;
    }

    private static IEnumerable<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        int position = 8;
        while (position + 12 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            if (length < 0 || position + 12L + length > png.Length) yield break;
            yield return (Encoding.ASCII.GetString(png, position + 4, 4), png.AsSpan(position + 8, length).ToArray());
            position += 12 + length;
        }
    }

    private static int? FindChunk(byte[] png, string type)
    {
        int position = 8;
        while (position + 12 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            if (Encoding.ASCII.GetString(png, position + 4, 4) == type) return position;
            if (length < 0) return null;
            position += 12 + length;
        }
        return null;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        output.Write(header);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(header[4..]);
        crc.Append(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, crc.GetCurrentHashAsUInt32());
        output.Write(sum);
    }
}
