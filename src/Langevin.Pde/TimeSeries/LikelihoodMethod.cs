namespace Langevin.Pde.TimeSeries;

/// <summary>How the transition densities of a fit are computed.</summary>
public enum LikelihoodMethod
{
    /// <summary>The closed form where the model has one, the Fokker–Planck solution otherwise.</summary>
    Auto,

    /// <summary>The model's closed-form density (only for models that have one).</summary>
    ClosedForm,

    /// <summary>The numerical solution of the Fokker–Planck equation (<see cref="FokkerPlanckTransitionDensity"/>).</summary>
    FokkerPlanck,
}
