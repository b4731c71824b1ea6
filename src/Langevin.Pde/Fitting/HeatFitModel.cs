using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Fitting;

/// <summary>
/// The forward model of the heat fits, with its exact parameter derivatives: the solver's own discretisation
/// (<see cref="HeatProblem"/>'s finite volumes, <see cref="SplitStepper"/>'s θ-method steps, θ = ½ Crank–Nicolson,
/// θ = 1 implicit Euler) of u_t = (α(x) u_x)_x on the data's 1D grid, started from the first snapshot, with Dirichlet
/// ends that follow the observed end values (linear in time between snapshots) and a fixed number of substeps per
/// interval. log α is piecewise linear between K equally spaced control values ηⱼ (K = 1: a constant α = e^η), so
/// α > 0 for any parameters; the derivative of the operator along ηⱼ is the same operator built with α(x)·φⱼ(x)
/// (φⱼ the hat function of control point j), because the operator is linear in α. The sensitivities sⱼ = ∂u/∂ηⱼ are
/// the tangents of the solver's steps (<see cref="SplitStepper.StepTangent"/>, run by <see cref="TangentRun"/>).
/// </summary>
internal sealed class HeatFitModel
{
    private readonly Snapshots1D data;
    private readonly Grid grid;
    private readonly AxisBoundaries ends;
    private readonly int[] substeps;
    private readonly double theta;
    private readonly int n, k;
    private readonly double[] u;

    /// <param name="data">Snapshots on a uniform grid; the first is the initial condition.</param>
    /// <param name="controlPoints">K, the number of control values of log α.</param>
    /// <param name="stepTarget">Largest substep wanted.</param>
    /// <param name="theta">θ of the steps.</param>
    /// <param name="maxTotalSteps">Never more steps in all: a huge α then gets larger steps (still stable, less accurate).</param>
    public HeatFitModel(Snapshots1D data, int controlPoints, double stepTarget, double theta, int maxTotalSteps)
    {
        this.data = data;
        this.theta = theta;
        k = controlPoints;
        n = data.Positions.Length;
        grid = Grid.Line(data.Positions[0], data.Positions[^1], n);
        ends = new AxisBoundaries(BoundaryCondition.Dirichlet(data.EndValue(upper: false)), BoundaryCondition.Dirichlet(data.EndValue(upper: true)));
        var times = data.Times;
        substeps = new int[times.Length - 1];
        double h = Math.Max(stepTarget, (times[^1] - times[0]) / maxTotalSteps);
        for (int q = 0; q < substeps.Length; q++)
            substeps[q] = (int)Math.Max(1, Math.Ceiling((times[q + 1] - times[q]) / h * (1 - 1e-12)));
        u = new double[n];
    }

    public int Parameters => k;

    public int TotalSteps => substeps.Sum();

    /// <summary>Control-point coordinates (x of each ηⱼ).</summary>
    public double[] ControlPositions()
    {
        var x = new double[k];
        for (int j = 0; j < k; j++) x[j] = k == 1 ? (data.Positions[0] + data.Positions[^1]) / 2 : data.Positions[0] + j * (data.Positions[^1] - data.Positions[0]) / (k - 1);
        return x;
    }

    /// <summary>φⱼ(x): the hat function of control point j on [x₀, x_{n−1}] (1 everywhere when K = 1).</summary>
    private double Hat(int j, double x)
    {
        if (k == 1) return 1;
        double z = Math.Clamp((x - data.Positions[0]) / (data.Positions[^1] - data.Positions[0]), 0, 1) * (k - 1);
        int left = Math.Min((int)Math.Floor(z), k - 2);
        double w = z - left;
        return j == left ? 1 - w : j == left + 1 ? w : 0;
    }

    /// <summary>
    /// Runs with log-diffusivities η; fills values[snapshot] and, when given, sensitivities[snapshot][j] = ∂u/∂ηⱼ
    /// (snapshot 0 is the initial condition).
    /// </summary>
    public void Run(ReadOnlySpan<double> eta, double[][] values, double[][][]? sensitivities)
    {
        var control = eta.ToArray();
        double Alpha(double x)
        {
            double logAlpha = 0;
            for (int j = 0; j < k; j++) logAlpha += Hat(j, x) * control[j];
            return Math.Exp(logAlpha);
        }
        var op = new HeatProblem(grid, ends) { DiffusivityField = p => Alpha(p[0]) }.BuildOperator();
        var stepper = new SplitStepper(op);
        SplitOperator[]? derivatives = null;
        if (sensitivities is not null)
        {
            derivatives = new SplitOperator[k];
            for (int j = 0; j < k; j++)
            {
                int jj = j;
                derivatives[j] = k == 1 ? op : new HeatProblem(grid, ends) { DiffusivityField = p => Alpha(p[0]) * Hat(jj, p[0]) }.BuildOperator();
            }
        }
        data.Values[0].CopyTo(u, 0);
        op.ApplyDirichlet(data.Times[0], u);
        TangentRun.Run(stepper, u, data.Times, substeps, theta, derivatives, values, sensitivities);
    }
}
