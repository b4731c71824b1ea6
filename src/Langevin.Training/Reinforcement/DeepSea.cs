using Langevin.Randomness;

namespace Langevin.Reinforcement;

/// <summary>
/// bsuite's DeepSea (Osband et al., "Behaviour Suite for Reinforcement Learning", 2020): an N×N grid, the agent starts at
/// the top-left and falls one row per step, choosing left or right; which action means "right" is drawn per cell (fixed
/// for the environment's seed), moving right costs 0.01/N, and moving right once more from the right-hand column pays 1
/// (bsuite's deterministic version: only the episode of N right moves gets there). Every episode lasts N steps; dithering
/// exploration finds the treasure with probability 2⁻ᴺ per episode, so it tests deep exploration. Observation: the
/// one-hot N×N position (all zeros at the end, as bsuite returns it).
/// </summary>
public sealed class DeepSea : IEnvironment
{
    private readonly bool[] _rightIsOne;
    private int _row, _column;
    private bool _done = true;

    /// <summary>Creates a DeepSea of <paramref name="size"/> with its action mapping drawn from <paramref name="seed"/>.</summary>
    public DeepSea(int size, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        Size = size;
        ulong key = SeedTree.Key(seed, Training.SeedBranches.DeepSeaMapping);
        _rightIsOne = Enumerable.Range(0, size * size).Select(i => CounterUniform.Double(key, i) < 0.5).ToArray();
    }

    /// <summary>N.</summary>
    public int Size { get; }

    /// <summary>The cost of one move right.</summary>
    public double MoveCost => 0.01 / Size;

    /// <inheritdoc />
    public int ObservationSize => Size * Size;

    /// <inheritdoc />
    public int ActionCount => 2;

    /// <summary>The action that moves right in cell (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public int RightAction(int row, int column) => _rightIsOne[row * Size + column] ? 1 : 0;

    /// <inheritdoc />
    public float[] Reset(ulong key)
    {
        _row = 0;
        _column = 0;
        _done = false;
        return Observation(0);
    }

    /// <inheritdoc />
    public (float[] Observation, double Reward, bool Terminated, bool Truncated) Step(int action)
    {
        if (_done) throw new InvalidOperationException("the episode has ended; call Reset first");
        if (action is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(action), action, "DeepSea's actions are 0 and 1");
        double reward = 0;
        bool right = action == RightAction(_row, _column);
        if (right && _column == Size - 1) reward += 1;
        if (right)
        {
            reward -= MoveCost;
            _column = Math.Min(_column + 1, Size - 1);
        }
        else
        {
            _column = Math.Max(_column - 1, 0);
        }
        _row++;
        if (_row == Size)
        {
            _done = true;
            return (new float[ObservationSize], reward, true, false);
        }
        return (Observation(_row), reward, false, false);
    }

    private float[] Observation(int row)
    {
        var o = new float[ObservationSize];
        o[row * Size + _column] = 1;
        return o;
    }
}
