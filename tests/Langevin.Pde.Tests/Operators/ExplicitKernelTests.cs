using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;

namespace Langevin.Pde.Tests.Operators;

public sealed class ExplicitKernelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedTwoDimensionalUpdateEqualsTheGeneralAxisSum(bool periodicY)
    {
        // Dirichlet in x, Robin/Neumann or periodic in y, constant α: the fused kernel handles the interior and the
        // general rows handle the rim; both must agree with Σₐ Aₐu computed axis by axis.
        var grid = new Grid(new Axis(0, 1, 13), new Axis(0, 2, 17, periodicY));
        var yBoundaries = periodicY ? AxisBoundaries.Periodic : new AxisBoundaries(BoundaryCondition.Robin(1, 2, 0.5), BoundaryCondition.Neumann(0.3));
        var op = new HeatProblem(grid, AxisBoundaries.Fixed(1, 2), yBoundaries) { Diffusivity = 0.7 }.BuildOperator();
        Assert.NotNull(op.UniformInterior);
        var random = new Random(5);
        var u = new double[grid.Count];
        for (int k = 0; k < u.Length; k++) u[k] = random.NextDouble();
        const double dt = 1e-3;
        var fused = new double[u.Length];
        op.ExplicitUpdate(u, fused, dt);
        var general = (double[])u.Clone();
        for (int a = 0; a < 2; a++) op.AddAxis(a, u, general, dt);
        for (int k = 0; k < u.Length; k++) Assert.Equal(general[k], fused[k], 1e-14);
    }

    [Fact]
    public void VariableDiffusivityIsNotTreatedAsUniform()
    {
        var grid = new Grid(new Axis(0, 1, 9), new Axis(0, 1, 9));
        var op = new HeatProblem(grid, AxisBoundaries.Insulated, AxisBoundaries.Insulated) { DiffusivityField = p => 1 + p[0] }.BuildOperator();
        Assert.Null(op.UniformInterior);
    }
}
