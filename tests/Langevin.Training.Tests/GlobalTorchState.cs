namespace Langevin.Training.Tests;

/// <summary>
/// The tests that touch torch's process-wide generator on purpose (to compare against it) run alone: xunit runs this
/// collection after the parallel ones, with nothing else in flight. Every other test builds its models and draws its
/// noise from explicit generators, so it may run in parallel with anything; the thread count is set once per test
/// process (<see cref="Helpers.Torch"/>, one thread) and never changed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchState
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch's process-wide generator";
}
