using System.Runtime.InteropServices;
using Langevin.Randomness;

namespace Langevin.Reinforcement;

/// <summary>
/// The experience replay of DQN: the last <see cref="Capacity"/> transitions (s, a, r, s', terminated) in a ring, sampled
/// uniformly with replacement by a counter-based stream, so that a run replays the same minibatches after a resume.
/// </summary>
internal sealed class ReplayBuffer
{
    private readonly float[] _states, _next;
    private readonly int[] _actions;
    private readonly float[] _rewards;
    private readonly bool[] _terminal;
    private readonly int _size;
    private long _written;

    public ReplayBuffer(int capacity, int observationSize)
    {
        Capacity = capacity;
        _size = observationSize;
        _states = new float[capacity * observationSize];
        _next = new float[capacity * observationSize];
        _actions = new int[capacity];
        _rewards = new float[capacity];
        _terminal = new bool[capacity];
    }

    public int Capacity { get; }

    public int Count => (int)Math.Min(_written, Capacity);

    public void Add(float[] state, int action, double reward, float[] next, bool terminated)
    {
        int at = (int)(_written % Capacity);
        state.CopyTo(_states, at * _size);
        next.CopyTo(_next, at * _size);
        _actions[at] = action;
        _rewards[at] = (float)reward;
        _terminal[at] = terminated;
        _written++;
    }

    /// <summary>A minibatch of <paramref name="count"/> transitions drawn by the stream <paramref name="key"/>.</summary>
    public (float[] States, long[] Actions, float[] Rewards, float[] Next, float[] NotTerminal) Sample(int count, ulong key)
    {
        var states = new float[count * _size];
        var next = new float[count * _size];
        var actions = new long[count];
        var rewards = new float[count];
        var notTerminal = new float[count];
        for (int i = 0; i < count; i++)
        {
            int k = (int)(CounterUniform.Double(key, i) * Count);
            Array.Copy(_states, k * _size, states, i * _size, _size);
            Array.Copy(_next, k * _size, next, i * _size, _size);
            actions[i] = _actions[k];
            rewards[i] = _rewards[k];
            notTerminal[i] = _terminal[k] ? 0 : 1;
        }
        return (states, actions, rewards, next, notTerminal);
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(_written);
        int n = Count;
        writer.Write(MemoryMarshal.AsBytes(_states.AsSpan(0, n * _size)));
        writer.Write(MemoryMarshal.AsBytes(_next.AsSpan(0, n * _size)));
        for (int i = 0; i < n; i++)
        {
            writer.Write(_actions[i]);
            writer.Write(_rewards[i]);
            writer.Write(_terminal[i]);
        }
    }

    public void Load(BinaryReader reader)
    {
        _written = reader.ReadInt64();
        int n = Count;
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_states.AsSpan(0, n * _size)));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_next.AsSpan(0, n * _size)));
        for (int i = 0; i < n; i++)
        {
            _actions[i] = reader.ReadInt32();
            _rewards[i] = reader.ReadSingle();
            _terminal[i] = reader.ReadBoolean();
        }
    }
}
