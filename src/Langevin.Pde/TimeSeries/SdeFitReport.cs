namespace Langevin.Pde.TimeSeries;

/// <summary>One parameter of an <see cref="SdeFitReport"/>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Estimate">The maximum-likelihood estimate.</param>
/// <param name="StandardError">Its standard error (null when the information matrix is singular there).</param>
/// <param name="Start">Where the search started.</param>
public sealed record SdeParameterReport(string Name, double Estimate, double? StandardError, double Start);

/// <summary>The record of an SDE fit, ready to be written as JSON (<see cref="Fitting.FitReports.WriteJson"/>).</summary>
/// <param name="Model">The model's short name.</param>
/// <param name="Equation">Its equation.</param>
/// <param name="Method">closed-form or fokker-planck.</param>
/// <param name="GridPoints">Fokker–Planck grid nodes (0 for the closed form).</param>
/// <param name="Parameters">The estimates.</param>
/// <param name="LogLikelihood">Maximised log-likelihood of the fitted transitions.</param>
/// <param name="Aic">2k − 2 log L.</param>
/// <param name="Transitions">Fitted transitions.</param>
/// <param name="HeldOutLogLikelihood">Log-likelihood of the held-out transitions (null when none).</param>
/// <param name="HeldOutTransitions">Held-out transitions.</param>
/// <param name="HeldOutZeroDensity">Held-out transitions of zero density.</param>
/// <param name="Evaluations">Likelihood evaluations.</param>
/// <param name="Converged">Whether the search converged.</param>
public sealed record SdeFitReport(
    string Model, string Equation, string Method, int GridPoints, IReadOnlyList<SdeParameterReport> Parameters, double LogLikelihood, double Aic,
    int Transitions, double? HeldOutLogLikelihood, int HeldOutTransitions, int HeldOutZeroDensity, int Evaluations, bool Converged)
{
    /// <summary>The report of <paramref name="fit"/>.</summary>
    public static SdeFitReport Of(SdeFitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var parameters = fit.Model.Parameters.Select((p, a) => new SdeParameterReport(p.Name, fit.Estimates[a],
            double.IsFinite(fit.StandardErrors[a]) ? fit.StandardErrors[a] : null, fit.Start[a])).ToArray();
        return new SdeFitReport(fit.Model.Name, fit.Model.Description, fit.Method == LikelihoodMethod.ClosedForm ? "closed-form" : "fokker-planck",
            fit.GridPoints, parameters, fit.LogLikelihood, fit.Aic, fit.Transitions, fit.HeldOutLogLikelihood is { } h && double.IsFinite(h) ? h : null, fit.HeldOutTransitions, fit.HeldOutZeroDensity, fit.Evaluations, fit.Converged);
    }
}
