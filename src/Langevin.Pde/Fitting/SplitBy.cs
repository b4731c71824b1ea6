namespace Langevin.Pde.Fitting;

/// <summary>How a fitter holds out test data.</summary>
public enum SplitBy
{
    /// <summary>The later snapshots of every experiment are held out: the test loss measures a forecast.</summary>
    Time,

    /// <summary>
    /// Whole experiments (the last ones in order of first appearance) are held out: the test loss measures how the
    /// fitted parameters carry over to a new run with its own initial and boundary values.
    /// </summary>
    Experiment,
}
