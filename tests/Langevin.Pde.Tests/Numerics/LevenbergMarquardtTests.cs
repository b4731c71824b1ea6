using Langevin.Pde.Numerics;

namespace Langevin.Pde.Tests.Numerics;

/// <summary>The one damped Gauss–Newton solver and the covariance estimates every fitter uses.</summary>
public sealed class LevenbergMarquardtTests
{
    /// <summary>Rosenbrock as least squares, r = (10(y − x²), 1 − x): F = |r|²/2, ∇F = Jᵀr, H = JᵀJ.</summary>
    private static LocalQuadratic Rosenbrock(double[] p)
    {
        double x = p[0], y = p[1];
        double r0 = 10 * (y - x * x), r1 = 1 - x;
        double[,] j = { { -20 * x, 10 }, { -1, 0 } };
        var g = new double[2];
        var h = new double[2, 2];
        for (int a = 0; a < 2; a++)
        {
            g[a] = j[0, a] * r0 + j[1, a] * r1;
            for (int b = 0; b < 2; b++) h[a, b] = j[0, a] * j[0, b] + j[1, a] * j[1, b];
        }
        return new LocalQuadratic((r0 * r0 + r1 * r1) / 2, g, h);
    }

    [Fact]
    public void Rosenbrock_valley_is_followed_to_its_minimum()
    {
        var result = LevenbergMarquardt.Minimise(Rosenbrock, [-1.2, 1.0], new LevenbergMarquardtOptions { Tolerance = 1e-12 });
        Assert.True(result.Converged);
        // The minimum (1, 1) is a zero-residual one: Gauss–Newton converges quadratically to it.
        Assert.Equal(1, result.Parameters[0], 1e-9);
        Assert.Equal(1, result.Parameters[1], 1e-9);
        Assert.True(result.AtSolution.Value < 1e-20);
        Assert.True(result.Iterations < 100);
    }

    [Fact]
    public void Linear_least_squares_reach_the_normal_equations_solution()
    {
        // r = A p − b with a 4×2 A: the minimiser is (AᵀA)⁻¹Aᵀb.
        double[,] a = { { 1, 0 }, { 1, 1 }, { 1, 2 }, { 1, 3 } };
        double[] b = [1, 2.9, 5.1, 7.0];
        LocalQuadratic Evaluate(double[] p)
        {
            var g = new double[2];
            var h = new double[2, 2];
            double f = 0;
            for (int i = 0; i < 4; i++)
            {
                double r = a[i, 0] * p[0] + a[i, 1] * p[1] - b[i];
                f += r * r / 2;
                for (int c = 0; c < 2; c++)
                {
                    g[c] += a[i, c] * r;
                    for (int d = 0; d < 2; d++) h[c, d] += a[i, c] * a[i, d];
                }
            }
            return new LocalQuadratic(f, g, h);
        }
        var result = LevenbergMarquardt.Minimise(Evaluate, [0, 0]);
        // Closed form: slope Σ(xᵢ − x̄)(bᵢ − b̄)/Σ(xᵢ − x̄)² = 10.1/5 = 2.02, intercept b̄ − 2.02·1.5 = 0.97.
        Assert.True(result.Converged);
        Assert.Equal(0.97, result.Parameters[0], 1e-9);
        Assert.Equal(2.02, result.Parameters[1], 1e-9);
    }

    [Fact]
    public void The_trust_region_bounds_every_step()
    {
        // F = (x − 100)²/2 is solved by one Gauss–Newton step; clamped to ±1 it needs 100 steps, each of exactly 1.
        var path = new List<double>();
        LocalQuadratic Evaluate(double[] p)
        {
            path.Add(p[0]);
            return new LocalQuadratic((p[0] - 100) * (p[0] - 100) / 2, [p[0] - 100], new double[,] { { 1 } });
        }
        var result = LevenbergMarquardt.Minimise(Evaluate, [0], new LevenbergMarquardtOptions { MaxIterations = 10, MaxStep = 1 });
        Assert.Equal(10, result.Iterations);
        Assert.False(result.Converged);
        Assert.Equal(10, result.Parameters[0], 1e-12);
        for (int i = 1; i < path.Count; i++) Assert.InRange(path[i] - path[i - 1], 1 - 1e-12, 1 + 1e-12);
    }

    [Fact]
    public void Without_curvature_no_step_is_taken_and_the_fit_is_not_converged()
    {
        var result = LevenbergMarquardt.Minimise(p => new LocalQuadratic(1, [0.5], new double[,] { { 0 } }), [3]);
        Assert.False(result.Converged);
        Assert.Equal([3.0], result.Parameters);
    }

    [Fact]
    public void A_point_where_the_objective_is_undefined_is_refused()
    {
        // F = x for x ≥ 1 and undefined below: every step that crosses 1 is refused, so the fit stops at or above 1.
        var result = LevenbergMarquardt.Minimise(
            p => new LocalQuadratic(p[0] >= 1 ? p[0] : double.PositiveInfinity, [1], new double[,] { { 0.1 } }), [5]);
        Assert.InRange(result.Parameters[0], 1, 5);
        Assert.Throws<ArgumentException>(() =>
            LevenbergMarquardt.Minimise(p => new LocalQuadratic(double.NaN, [1], new double[,] { { 1 } }), [0]));
    }

    [Fact]
    public void Covariance_is_the_inverse_information_and_the_sandwich_reduces_to_it_when_S_equals_H()
    {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]]/8.
        double[,] h = { { 4, 2 }, { 2, 3 } };
        var variance = ParameterCovariance.InverseDiagonal(h, sigma2: 2);
        Assert.Equal(2 * 3 / 8.0, variance[0], 1e-15);
        Assert.Equal(2 * 4 / 8.0, variance[1], 1e-15);
        var sandwich = ParameterCovariance.SandwichDiagonal(h, h);
        Assert.Equal(3 / 8.0, sandwich[0], 1e-15);
        Assert.Equal(4 / 8.0, sandwich[1], 1e-15);
        // H⁻¹SH⁻¹ with S = diag(1, 0): the first column of H⁻¹ squared.
        var partial = ParameterCovariance.SandwichDiagonal(h, new double[,] { { 1, 0 }, { 0, 0 } });
        Assert.Equal(9 / 64.0, partial[0], 1e-15);
        Assert.Equal(4 / 64.0, partial[1], 1e-15);
    }

    [Fact]
    public void Without_information_the_variance_is_infinite()
    {
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity], ParameterCovariance.InverseDiagonal(new double[,] { { 1, 1 }, { 1, 1 } }));
        Assert.Equal([double.PositiveInfinity], ParameterCovariance.InverseDiagonal(new double[,] { { double.NaN } }));
        Assert.Equal([double.PositiveInfinity], ParameterCovariance.SandwichDiagonal(new double[,] { { 0 } }, new double[,] { { 1 } }));
    }
}
