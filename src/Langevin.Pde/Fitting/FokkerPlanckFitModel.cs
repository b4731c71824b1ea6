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
    private readonly int substeps;
    private readonly double[] p, previous;

    public FokkerPlanckFitModel(Snapshots1D data, Potential basePotential, int substeps)
    {
        this.data = data;
        this.basePotential = basePotential;
        this.substeps = substeps;
        grid = Grid.Line(data.Positions[0], data.Positions[^1], data.Positions.Length);
        p = new double[grid.Count];
        previous = new double[grid.Count];
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
            foreach (var sj in sensitivities[0]) Array.Clear(sj);
        }
        double[][] s = [new double[grid.Count], new double[grid.Count]];
        data.Values[0].CopyTo(p, 0);
        p.CopyTo(values[0], 0);
        for (int q = 0; q + 1 < data.Times.Length; q++)
        {
            double t0 = data.Times[q], h = (data.Times[q + 1] - t0) / substeps;
            for (int step = 0; step < substeps; step++)
            {
                double t = t0 + step * h;
                p.CopyTo(previous, 0);
                stepper.Step(p, t, h, StepMethod.Douglas, 0.5);
                if (derivatives is not null)
                    for (int j = 0; j < 2; j++) stepper.StepTangent(s[j], previous, p, derivatives[j], t, h, 0.5);
            }
            p.CopyTo(values[q + 1], 0);
            if (sensitivities is not null)
                for (int j = 0; j < 2; j++) s[j].CopyTo(sensitivities[q + 1][j], 0);
        }
    }
}
