namespace Langevin.Runs;

/// <summary>
/// What a trainer does when a step diverges: its loss is not finite or passes the trainer's divergence limit (the
/// diffusion trainer also checks the gradient's norm).
/// </summary>
public enum DivergencePolicy
{
    /// <summary>Stop the run with a user error; the last good checkpoint is kept.</summary>
    Stop,

    /// <summary>
    /// Skip that step (no update) and go on; the run still stops when every step of an epoch was skipped or the weights
    /// themselves became non-finite.
    /// </summary>
    SkipStep,
}
