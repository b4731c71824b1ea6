namespace Langevin.Pde.Numerics;

/// <summary>
/// The objective that <see cref="MaximumLikelihood"/> minimises: −log L at θ(η), with log-coordinates for the positive
/// parameters, +∞ where the likelihood is undefined (NaN), and a count of the evaluations for the fit's report.
/// </summary>
/// <param name="logLikelihood">log L of θ; −∞ where the data have zero density.</param>
/// <param name="positive">Which parameters are searched on their logarithm.</param>
internal sealed class NegativeLogLikelihood(Func<double[], double> logLikelihood, IReadOnlyList<bool> positive)
{
    /// <summary>Which parameters are searched on their logarithm.</summary>
    public IReadOnlyList<bool> Positive => positive;

    /// <summary>Evaluations so far.</summary>
    public int Evaluations { get; private set; }

    /// <summary>−log L at θ(η).</summary>
    public double At(double[] eta)
    {
        Evaluations++;
        double value = -logLikelihood(MaximumLikelihood.ToTheta(positive, eta));
        return double.IsNaN(value) ? double.PositiveInfinity : value;
    }
}
