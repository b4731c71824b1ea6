namespace Langevin.Pde.Reactions;

/// <summary>The maximum-likelihood rates of a reaction network (<see cref="ReactionRateFitter.Fit"/>).</summary>
/// <param name="RateNames">The rate names, in the network's order.</param>
/// <param name="Rates">The estimates.</param>
/// <param name="StandardErrors">Their standard errors from the observed information (+∞ where it is singular).</param>
/// <param name="LogLikelihood">The maximised log-likelihood.</param>
/// <param name="Observations">Transitions (trajectories) or rows (snapshots) in the likelihood.</param>
/// <param name="States">States of the master equation's box.</param>
/// <param name="LeakRate">The largest rate at which probability would leave the box from an observed start at the
/// estimate: small against 1/(longest interval) means the box does not bias the fit.</param>
/// <param name="Evaluations">Likelihood evaluations.</param>
/// <param name="Converged">Whether the search converged.</param>
public sealed record ReactionFitResult(
    IReadOnlyList<string> RateNames, double[] Rates, double[] StandardErrors, double LogLikelihood, int Observations, int States, double LeakRate,
    int Evaluations, bool Converged)
{
    /// <summary>Akaike's information criterion 2k − 2 log L.</summary>
    public double Aic => 2 * Rates.Length - 2 * LogLikelihood;
}
