namespace Langevin.Reinforcement;

/// <summary>
/// An episodic environment with a vector observation and a finite set of actions, as Gymnasium's <c>Env</c> and bsuite's
/// environments are used by DQN: <see cref="Reset"/> starts an episode (its randomness keyed, so episodes replay exactly),
/// <see cref="Step"/> advances it.
/// </summary>
public interface IEnvironment
{
    /// <summary>Length of an observation vector.</summary>
    int ObservationSize { get; }

    /// <summary>Number of actions, 0 … ActionCount − 1.</summary>
    int ActionCount { get; }

    /// <summary>Starts an episode whose random start is drawn from the stream <paramref name="key"/>; returns the first observation.</summary>
    float[] Reset(ulong key);

    /// <summary>Takes <paramref name="action"/>.</summary>
    /// <returns>The next observation, the reward, whether the episode ended in a terminal state (no bootstrapping past it), and whether it was cut by a time limit.</returns>
    (float[] Observation, double Reward, bool Terminated, bool Truncated) Step(int action);
}
