using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Fitting;

/// <summary>
/// The forward model of the Fokker–Planck fit: the solver's own discretisation (<see cref="FokkerPlanckProblem"/>'s
/// Scharfetter–Gummel finite volumes with zero-flux ends, <see cref="SplitStepper"/>'s Crank–Nicolson steps) of
/// ∂p/∂t = ∂ₓ(p θV₀') + D ∂ₓ²p on the data grid, with a fixed number of substeps per interval, and its exact
/// sensitivities to log θ and log D as the tangents of those steps, through the operator's own derivatives
/// (<see cref="FokkerPlanckProblem.BuildOperatorDerivatives"/>).
/// </summary>
internal sealed class FokkerPlanckFitModel
{
    private readonly Snapshots1D data;
    private readonly Grid grid;
    private readonly Potential basePotential;
    private readonly int[] substeps;
    private readonly double[] p;

    public FokkerPlanckFitModel(Snapshots1D data, Potential basePotential, int substeps)
    {
        this.data = data;
        this.basePotential = basePotential;
        this.substeps = Enumerable.Repeat(substeps, data.Times.Length - 1).ToArray();
        grid = Grid.Line(data.Positions[0], data.Positions[^1], data.Positions.Length);
        p = new double[grid.Count];
    }

    /// <summary>
    /// Runs with V = θ·V₀ and diffusion D; fills values[snapshot] and, when given, sensitivities[snapshot] =
    /// (∂p/∂log θ, ∂p/∂log D) (snapshot 0 is the initial density).
    /// </summary>
    public void Run(double theta, double diffusion, double[][] values, double[][][]? sensitivities)
    {
        var problem = new FokkerPlanckProblem(grid, x => theta * basePotential.Value(x[0]), diffusion);
        var op = problem.BuildOperator();
        var stepper = new SplitStepper(op);
        SplitOperator[]? derivatives = null;
        if (sensitivities is not null)
        {
            var (scale, diffusionDerivative) = problem.BuildOperatorDerivatives();
            derivatives = [scale, diffusionDerivative];
        }
        data.Values[0].CopyTo(p, 0);
        TangentRun.Run(stepper, p, data.Times, substeps, 0.5, derivatives, values, sensitivities);
    }
}
