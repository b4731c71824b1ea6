using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Langevin.Torch;

/// <summary>
/// Reads the pickle of a <c>torch.save</c> file (its <c>data.pkl</c>) without running any of it: a small pickle machine
/// (the opcodes of protocols 0–5 that torch and Python write, out-of-band buffers excepted) that builds plain values — dictionaries (in their order),
/// lists, tuples, numbers, strings, bytes — and, for every class or function the pickle names, an inert
/// <see cref="PickledObject"/> holding the name and the arguments instead of calling it. Only torch's own rebuild
/// functions are understood: a tensor becomes a <see cref="PickledTensor"/> naming its storage in the archive.
/// </summary>
/// <remarks>
/// Why not Razorvine.Pickle: it builds objects through constructors registered in a process-wide table, and fails on a
/// class it does not know that takes arguments, which training checkpoints carry (Lightning callbacks, numpy scalars).
/// Here nothing is registered and nothing is refused: what is not a tensor is kept as data and ignored by the loader.
/// </remarks>
internal static class TorchPickle
{
    /// <summary>The object the pickle in <paramref name="pickle"/> describes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a pickle this machine reads (the message says why).</exception>
    public static object? Load(ReadOnlySpan<byte> pickle)
    {
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        int at = 0;

        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, long count)
        {
            if (count < 0 || at + count > data.Length) throw new InvalidDataException($"the pickle ends inside an item at byte {at}");
            var span = data.Slice(at, (int)count);
            at += (int)count;
            return span;
        }
        object? Pop()
        {
            if (stack.Count == 0) throw new InvalidDataException($"the pickle pops an empty stack at byte {at}");
            object? top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return top;
        }
        List<object?> PopToMark()
        {
            if (marks.Count == 0) throw new InvalidDataException($"the pickle closes a mark it never opened at byte {at}");
            int mark = marks.Pop();
            var items = stack.GetRange(mark, stack.Count - mark);
            stack.RemoveRange(mark, stack.Count - mark);
            return items;
        }
        object? Top() => stack.Count > 0 ? stack[^1] : throw new InvalidDataException($"the pickle reads an empty stack at byte {at}");

        while (true)
        {
            byte opcode = Take(pickle, 1)[0];
            switch (opcode)
            {
                case 0x80: Take(pickle, 1); break;                                        // PROTO
                case 0x95: Take(pickle, 8); break;                                        // FRAME
                case (byte)'.': return stack.Count == 1 ? stack[0] : throw new InvalidDataException($"the pickle stops with {stack.Count} items on its stack");
                case (byte)'(': marks.Push(stack.Count); break;                           // MARK
                case (byte)'0': Pop(); break;                                             // POP
                case (byte)'1': PopToMark(); break;                                       // POP_MARK
                case (byte)'2': stack.Add(Top()); break;                                  // DUP
                case (byte)'N': stack.Add(null); break;                                   // NONE
                case 0x88: stack.Add(true); break;                                        // NEWTRUE
                case 0x89: stack.Add(false); break;                                       // NEWFALSE
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(pickle, 4))); break;
                case (byte)'K': stack.Add((long)Take(pickle, 1)[0]); break;               // BININT1
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(pickle, 2))); break;
                case 0x8a: stack.Add(Integer(Take(pickle, Take(pickle, 1)[0]))); break;   // LONG1
                case 0x8b: stack.Add(Integer(Take(pickle, BinaryPrimitives.ReadInt32LittleEndian(Take(pickle, 4))))); break;
                case (byte)'I': stack.Add(Line(pickle, ref at) switch { "01" => true, "00" => false, var text => long.Parse(text, CultureInfo.InvariantCulture) }); break;
                case (byte)'L': stack.Add(long.Parse(Line(pickle, ref at).TrimEnd('L'), CultureInfo.InvariantCulture)); break;
                case (byte)'V': stack.Add(Line(pickle, ref at)); break;                   // UNICODE (escapes kept as written)
                case (byte)'S': stack.Add(Line(pickle, ref at).Trim('\'', '"')); break;  // STRING (quotes dropped)
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(pickle, 8))); break;
                case (byte)'X': stack.Add(Encoding.UTF8.GetString(Take(pickle, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, 4))))); break;
                case 0x8c: stack.Add(Encoding.UTF8.GetString(Take(pickle, Take(pickle, 1)[0]))); break;
                case 0x8d: stack.Add(Encoding.UTF8.GetString(Take(pickle, (long)BinaryPrimitives.ReadUInt64LittleEndian(Take(pickle, 8))))); break;
                case (byte)'U': stack.Add(Encoding.Latin1.GetString(Take(pickle, Take(pickle, 1)[0]))); break;
                case (byte)'T': stack.Add(Encoding.Latin1.GetString(Take(pickle, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, 4))))); break;
                case (byte)'C': stack.Add(Take(pickle, Take(pickle, 1)[0]).ToArray()); break;
                case (byte)'B': stack.Add(Take(pickle, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, 4))).ToArray()); break;
                case 0x8e or 0x96: stack.Add(Take(pickle, (long)BinaryPrimitives.ReadUInt64LittleEndian(Take(pickle, 8))).ToArray()); break;
                case (byte)'}': stack.Add(new PickledDictionary()); break;                // EMPTY_DICT
                case (byte)']': stack.Add(new List<object?>()); break;                    // EMPTY_LIST
                case (byte)')': stack.Add(Array.Empty<object?>()); break;                 // EMPTY_TUPLE
                case 0x8f: stack.Add(new List<object?>()); break;                         // EMPTY_SET (kept as a list)
                case (byte)'t': stack.Add(PopToMark().ToArray()); break;                  // TUPLE
                case 0x85: stack.Add(new[] { Pop() }); break;                             // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                case (byte)'l': stack.Add(PopToMark()); break;                            // LIST
                case 0x91: stack.Add(PopToMark()); break;                                 // FROZENSET (kept as a list)
                case (byte)'d': stack.Add(Dictionary(PopToMark())); break;                // DICT
                case (byte)'a': { var item = Pop(); (Top() as List<object?>)?.Add(item); break; }
                case (byte)'e' or 0x90: { var items = PopToMark(); (Top() as List<object?>)?.AddRange(items); break; }
                case (byte)'s': { var value = Pop(); var key = Pop(); Set(Top(), key, value); break; }
                case (byte)'u': { var items = PopToMark(); for (int i = 0; i + 1 < items.Count; i += 2) Set(Top(), items[i], items[i + 1]); break; }
                case (byte)'c':                                                            // GLOBAL
                    stack.Add(new PickledGlobal(Line(pickle, ref at), Line(pickle, ref at)));
                    break;
                case 0x93: { var name = Pop() as string; var module = Pop() as string; stack.Add(new PickledGlobal(module ?? "", name ?? "")); break; }
                case (byte)'R' or 0x81: { var args = Pop() as object?[] ?? []; stack.Add(Call(Pop(), args)); break; } // REDUCE, NEWOBJ
                case 0x92: { Pop(); var args = Pop() as object?[] ?? []; stack.Add(Call(Pop(), args)); break; }        // NEWOBJ_EX
                case (byte)'b': { var state = Pop(); if (Top() is PickledObject target) target.State = state; break; } // BUILD
                case (byte)'Q': stack.Add(Persistent(Pop())); break;                      // BINPERSID
                case (byte)'P': stack.Add(Persistent(Line(pickle, ref at))); break;       // PERSID
                case (byte)'q': memo[Take(pickle, 1)[0]] = Top(); break;                  // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, 4))] = Top(); break;
                case (byte)'p': memo[long.Parse(Line(pickle, ref at), CultureInfo.InvariantCulture)] = Top(); break;
                case 0x94: memo[memo.Count] = Top(); break;                               // MEMOIZE
                case (byte)'h': stack.Add(Memo(memo, Take(pickle, 1)[0])); break;         // BINGET
                case (byte)'j': stack.Add(Memo(memo, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, 4)))); break;
                case (byte)'g': stack.Add(Memo(memo, long.Parse(Line(pickle, ref at), CultureInfo.InvariantCulture))); break;
                default: throw new InvalidDataException($"the pickle has opcode 0x{opcode:x2} at byte {at - 1}, which a torch.save file does not use");
            }
        }
    }

    private static string Line(ReadOnlySpan<byte> pickle, ref int at)
    {
        int end = pickle[at..].IndexOf((byte)'\n');
        if (end < 0) throw new InvalidDataException($"the pickle ends inside a text line at byte {at}");
        string line = Encoding.UTF8.GetString(pickle.Slice(at, end));
        at += end + 1;
        return line;
    }

    private static object? Memo(Dictionary<long, object?> memo, long index) =>
        memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"the pickle reads memo entry {index}, which it never wrote");

    // LONG1/LONG4: little-endian two's complement of any length.
    private static object Integer(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 8 ? (long)new BigInteger(bytes, isUnsigned: false) : new BigInteger(bytes, isUnsigned: false);

    private static PickledDictionary Dictionary(List<object?> items)
    {
        var dictionary = new PickledDictionary();
        for (int i = 0; i + 1 < items.Count; i += 2) dictionary[items[i] ?? PickledDictionary.NoneKey] = items[i + 1];
        return dictionary;
    }

    private static void Set(object? target, object? key, object? value)
    {
        if (target is PickledDictionary dictionary) dictionary[key ?? PickledDictionary.NoneKey] = value;
    }

    /// <summary>A persistent id: torch.save's ("storage", storage type, key, location, size) names a storage in the archive.</summary>
    private static object Persistent(object? id) =>
        id is object?[] { Length: >= 3 } tuple && tuple[0] is "storage" && tuple[2] is string key
            ? new PickledStorage(key, (tuple[1] as PickledGlobal)?.Name ?? "")
            : throw new InvalidDataException("the pickle refers to an outside object that is not a torch storage");

    /// <summary>What calling <paramref name="callable"/> would give, for torch's rebuild functions; an inert record otherwise.</summary>
    private static object? Call(object? callable, object?[] args)
    {
        if (callable is not PickledGlobal global) return new PickledObject(new PickledGlobal("", "?"), args);
        switch (global.Module, global.Name)
        {
            case ("torch._utils", "_rebuild_tensor_v2" or "_rebuild_tensor"):
                if (args is [PickledStorage storage, long offset, object?[] shape, object?[] stride, ..])
                    return new PickledTensor(storage, offset, Longs(shape), Longs(stride));
                throw new InvalidDataException("a tensor in the pickle has malformed rebuild arguments");
            case ("torch._utils", "_rebuild_parameter" or "_rebuild_parameter_with_state"):
                return args.Length > 0 ? args[0] : null;
            case ("collections", "OrderedDict"):
                return new PickledDictionary();
            default:
                return new PickledObject(global, args);
        }
    }

    private static long[] Longs(object?[] values) =>
        values.Select(v => v as long? ?? throw new InvalidDataException("a tensor's shape or stride in the pickle is not a list of integers")).ToArray();
}

/// <summary>A class or function a pickle names (<c>module.name</c>); never looked up or called.</summary>
internal sealed record PickledGlobal(string Module, string Name);

/// <summary>An object the pickle would build by calling <see cref="Type"/> with <see cref="Arguments"/>, kept as data.</summary>
internal sealed class PickledObject(PickledGlobal type, object?[] arguments)
{
    public PickledGlobal Type { get; } = type;

    public object?[] Arguments { get; } = arguments;

    /// <summary>The state the pickle would set on it (BUILD), or null.</summary>
    public object? State { get; set; }
}

/// <summary>A dictionary of the pickle, in its insertion order (a Python dict or OrderedDict).</summary>
internal sealed class PickledDictionary : OrderedDictionary<object, object?>
{
    /// <summary>Stands for Python's None as a key (the dictionary takes no null keys).</summary>
    public static readonly object NoneKey = new();
}

/// <summary>A storage of the archive: the file <c>data/&lt;Key&gt;</c>, of torch's storage type <paramref name="TypeName"/> (FloatStorage, HalfStorage, …).</summary>
internal sealed record PickledStorage(string Key, string TypeName);

/// <summary>A tensor: a view of <paramref name="Storage"/> from element <paramref name="Offset"/> with a shape and strides in elements.</summary>
internal sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Shape, long[] Stride);
