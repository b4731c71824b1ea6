using System.Buffers.Binary;
using System.Text;

namespace Langevin.NativeFix;

/// <summary>
/// A minimal reader/patcher for the symbol-versioning tables of a little-endian ELF64 shared object:
/// the versions it needs from other libraries (<c>.gnu.version_r</c>), the versions it defines
/// (<c>.gnu.version_d</c>) and which dynamic symbols are bound to which version (<c>.gnu.version</c>).
/// </summary>
public sealed class ElfImage
{
    private const uint ShtDynSym = 11;
    private const uint ShtGnuVerDef = 0x6ffffffd;
    private const uint ShtGnuVerNeed = 0x6ffffffe;
    private const uint ShtGnuVerSym = 0x6fffffff;

    /// <summary>The <c>VER_FLG_WEAK</c> bit of <c>vna_flags</c>: a missing version is not fatal to the loader.</summary>
    public const ushort VersionFlagWeak = 0x2;

    private readonly byte[] _bytes;
    private readonly List<Section> _sections;

    private ElfImage(byte[] bytes, List<Section> sections)
    {
        _bytes = bytes;
        _sections = sections;
    }

    /// <summary>The file contents, including any patches applied through <see cref="SetNeededVersionFlags"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Parses an ELF64 little-endian image. Throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static ElfImage Parse(byte[] bytes)
    {
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file (bad magic)");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is supported");

        ulong sectionTable = ReadU64(bytes, 0x28);
        int entrySize = ReadU16(bytes, 0x3A);
        int count = ReadU16(bytes, 0x3C);
        if (entrySize < 64 || sectionTable + (ulong)(entrySize * count) > (ulong)bytes.Length)
            throw new InvalidDataException("section header table lies outside the file");

        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            int at = checked((int)sectionTable + i * entrySize);
            var section = new Section(
                Type: ReadU32(bytes, at + 0x04),
                Offset: checked((int)ReadU64(bytes, at + 0x18)),
                Size: checked((int)ReadU64(bytes, at + 0x20)),
                Link: (int)ReadU32(bytes, at + 0x28),
                Info: (int)ReadU32(bytes, at + 0x2C),
                EntrySize: checked((int)ReadU64(bytes, at + 0x38)));
            if (section.Type != 8 /* SHT_NOBITS */ && (long)section.Offset + section.Size > bytes.Length)
                throw new InvalidDataException($"section {i} lies outside the file");
            sections.Add(section);
        }
        return new ElfImage(bytes, sections);
    }

    /// <summary>The version names this object defines (e.g. every <c>GLIBCXX_3.4.x</c> of libstdc++).</summary>
    public IReadOnlyList<string> DefinedVersions()
    {
        var names = new List<string>();
        foreach (var section in _sections.Where(s => s.Type == ShtGnuVerDef))
        {
            var strings = _sections[section.Link];
            int entry = section.Offset;
            for (int n = 0; n < section.Info; n++)
            {
                int auxCount = ReadU16(_bytes, entry + 6);
                int aux = entry + (int)ReadU32(_bytes, entry + 12);
                if (auxCount > 0)
                    names.Add(ReadString(strings, ReadU32(_bytes, aux)));
                uint next = ReadU32(_bytes, entry + 16);
                if (next == 0) break;
                entry += (int)next;
            }
        }
        return names;
    }

    /// <summary>Every version this object needs, with the library that should provide it.</summary>
    public IReadOnlyList<NeededVersion> NeededVersions()
    {
        var needed = new List<NeededVersion>();
        foreach (var section in _sections.Where(s => s.Type == ShtGnuVerNeed))
        {
            var strings = _sections[section.Link];
            int entry = section.Offset;
            for (int n = 0; n < section.Info; n++)
            {
                int auxCount = ReadU16(_bytes, entry + 2);
                string file = ReadString(strings, ReadU32(_bytes, entry + 4));
                int aux = entry + (int)ReadU32(_bytes, entry + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    needed.Add(new NeededVersion(
                        Library: file,
                        Name: ReadString(strings, ReadU32(_bytes, aux + 8)),
                        Flags: ReadU16(_bytes, aux + 4),
                        Index: ReadU16(_bytes, aux + 6),
                        FlagsOffset: aux + 4));
                    uint nextAux = ReadU32(_bytes, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = ReadU32(_bytes, entry + 12);
                if (next == 0) break;
                entry += (int)next;
            }
        }
        return needed;
    }

    /// <summary>Names of the dynamic symbols bound to the given version index (<c>vna_other</c>).</summary>
    public IReadOnlyList<string> SymbolsBoundTo(int versionIndex)
    {
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVerSym);
        var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynSym);
        if (versym is null || dynsym is null || dynsym.EntrySize == 0) return [];

        var strings = _sections[dynsym.Link];
        int symbolCount = dynsym.Size / dynsym.EntrySize;
        var names = new List<string>();
        for (int i = 0; i < symbolCount && 2 * i + 1 < versym.Size; i++)
        {
            int index = ReadU16(_bytes, versym.Offset + 2 * i) & 0x7fff; // high bit marks "hidden"
            if (index == versionIndex)
                names.Add(ReadString(strings, ReadU32(_bytes, dynsym.Offset + i * dynsym.EntrySize)));
        }
        return names;
    }

    /// <summary>Overwrites the <c>vna_flags</c> of one needed version in the in-memory image.</summary>
    public void SetNeededVersionFlags(NeededVersion version, ushort flags) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(version.FlagsOffset), flags);

    private string ReadString(Section table, uint offset)
    {
        int start = table.Offset + (int)offset;
        int end = Array.IndexOf(_bytes, (byte)0, start, table.Offset + table.Size - start);
        if (end < 0) throw new InvalidDataException("unterminated string in string table");
        return Encoding.ASCII.GetString(_bytes, start, end - start);
    }

    private static ushort ReadU16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
    private static uint ReadU32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
    private static ulong ReadU64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    private sealed record Section(uint Type, int Offset, int Size, int Link, int Info, int EntrySize);
}

/// <summary>One entry of <c>.gnu.version_r</c>: a version <paramref name="Name"/> needed from <paramref name="Library"/>.</summary>
/// <param name="Library">The DT_NEEDED library, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The <c>vna_flags</c> bits (<see cref="ElfImage.VersionFlagWeak"/>).</param>
/// <param name="Index">The version index that <c>.gnu.version</c> uses for symbols bound to it.</param>
/// <param name="FlagsOffset">File offset of <c>vna_flags</c>.</param>
public sealed record NeededVersion(string Library, string Name, ushort Flags, int Index, int FlagsOffset)
{
    /// <summary>True when the loader tolerates this version being absent.</summary>
    public bool IsWeak => (Flags & ElfImage.VersionFlagWeak) != 0;
}
