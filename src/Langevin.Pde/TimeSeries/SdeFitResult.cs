namespace Langevin.Pde.TimeSeries;

/// <summary>The maximum-likelihood fit of an <see cref="SdeModel"/> to observed paths (<see cref="SdeFitter.Fit"/>).</summary>
public sealed record SdeFitResult
{
    /// <summary>The model.</summary>
    public required SdeModel Model { get; init; }

    /// <summary>How the transition densities were computed.</summary>
    public required LikelihoodMethod Method { get; init; }

    /// <summary>Nodes of the Fokker–Planck grid (0 for the closed form).</summary>
    public required int GridPoints { get; init; }

    /// <summary>The maximum-likelihood estimates, in the order of <see cref="SdeModel.Parameters"/>.</summary>
    public required double[] Estimates { get; init; }

    /// <summary>Standard errors from the observed information (the inverse Hessian of −log L at the estimate);
    /// +∞ where the Hessian is not positive definite (the data do not pin the parameter down).</summary>
    public required double[] StandardErrors { get; init; }

    /// <summary>Where the search started.</summary>
    public required double[] Start { get; init; }

    /// <summary>The maximised log-likelihood of the fitted transitions.</summary>
    public required double LogLikelihood { get; init; }

    /// <summary>Number of fitted transitions.</summary>
    public required int Transitions { get; init; }

    /// <summary>Akaike's information criterion 2k − 2 log L (lower is better; compare models on the same data and method).</summary>
    public double Aic => 2 * Estimates.Length - 2 * LogLikelihood;

    /// <summary>The log-likelihood of the held-out transitions at the estimate (null when none were held out).</summary>
    public required double? HeldOutLogLikelihood { get; init; }

    /// <summary>Held-out transitions to which the model gives zero density to double precision (the closed form's
    /// underflow, or a Fokker–Planck density below the solver's round-off): one of them makes the held-out
    /// log-likelihood −∞, which says the model rules out what happened.</summary>
    public required int HeldOutZeroDensity { get; init; }

    /// <summary>Number of held-out transitions.</summary>
    public required int HeldOutTransitions { get; init; }

    /// <summary>Likelihood evaluations used.</summary>
    public required int Evaluations { get; init; }

    /// <summary>Whether the search converged (the simplex shrank to the tolerance and Newton's polish ended with a
    /// step below it).</summary>
    public required bool Converged { get; init; }
}
