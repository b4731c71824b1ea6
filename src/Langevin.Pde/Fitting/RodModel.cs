namespace Langevin.Pde.Fitting;

/// <summary>
/// The forward model behind the scalar-α fit: the 1D heat equation u_t = α u_xx on the data's grid, started from
/// the first snapshot, with Dirichlet ends that follow the observed end values (linear in time between snapshots),
/// stepped by the θ-method (θ = ½ Crank–Nicolson, θ = 1 implicit Euler) with a fixed number of substeps per interval.
/// For fixed substeps the discrete model is a smooth function of α, and <see cref="Run"/> also returns its exact
/// derivative s = ∂u/∂α by forward sensitivity: differentiating (I − θhαL)u⁺ = (I + (1−θ)hαL)u gives
/// (I − θhαL)s⁺ = (I + (1−θ)hαL)s + h[θLu⁺ + (1−θ)Lu], with s = 0 on the ends (data do not depend on α).
/// </summary>
internal sealed class RodModel
{
    private readonly Snapshots1D data;
    private readonly Func<double, double> left, right;
    private readonly int[] substeps;
    private readonly double theta;
    private readonly int n;
    private readonly double dx2;
    private readonly double[] u, s, uNew, sNew, rhs, cp;

    public RodModel(Snapshots1D data, double stepTarget, double theta, int maxTotalSteps = 400_000)
    {
        this.data = data;
        this.theta = theta;
        left = data.EndValue(upper: false);
        right = data.EndValue(upper: true);
        n = data.Positions.Length;
        dx2 = data.Spacing * data.Spacing;
        var times = data.Times;
        substeps = new int[times.Length - 1];
        double span = times[^1] - times[0];
        // Never more than maxTotalSteps in all: a huge α then gets larger steps (still stable, less accurate).
        double h = Math.Max(stepTarget, span / maxTotalSteps);
        for (int k = 0; k < substeps.Length; k++)
            substeps[k] = (int)Math.Max(1, Math.Ceiling((times[k + 1] - times[k]) / h * (1 - 1e-12)));
        u = new double[n];
        s = new double[n];
        uNew = new double[n];
        sNew = new double[n];
        rhs = new double[n];
        cp = new double[n];
    }

    public int TotalSteps => substeps.Sum();

    /// <summary>
    /// Runs the model for diffusivity α; fills <paramref name="values"/>[k] (and <paramref name="sensitivities"/>[k]
    /// when given) with the field and ∂u/∂α at snapshot k (k = 0 is the initial condition).
    /// </summary>
    public void Run(double alpha, double[][] values, double[][]? sensitivities)
    {
        data.Values[0].CopyTo(u, 0);
        u[0] = left(data.Times[0]);
        u[n - 1] = right(data.Times[0]);
        Array.Clear(s);
        u.CopyTo(values[0], 0);
        if (sensitivities is not null) Array.Clear(sensitivities[0]);
        for (int k = 0; k < substeps.Length; k++)
        {
            double t0 = data.Times[k], h = (data.Times[k + 1] - t0) / substeps[k];
            for (int q = 0; q < substeps[k]; q++)
            {
                double t = t0 + q * h;
                Step(alpha, h, t + h, sensitivities is not null);
            }
            u.CopyTo(values[k + 1], 0);
            if (sensitivities is not null) s.CopyTo(sensitivities[k + 1], 0);
        }
    }

    private double Lap(double[] v, int i) => (v[i - 1] - 2 * v[i] + v[i + 1]) / dx2;

    private void Step(double alpha, double h, double tNew, bool withSensitivity)
    {
        double a = theta * h * alpha / dx2, b = (1 - theta) * h * alpha;
        uNew[0] = left(tNew);
        uNew[n - 1] = right(tNew);
        for (int i = 1; i < n - 1; i++) rhs[i] = u[i] + b * Lap(u, i);
        rhs[1] += a * uNew[0];
        rhs[n - 2] += a * uNew[n - 1];
        Solve(a, rhs, uNew);
        if (withSensitivity)
        {
            sNew[0] = 0;
            sNew[n - 1] = 0;
            for (int i = 1; i < n - 1; i++)
                rhs[i] = s[i] + b * Lap(s, i) + h * (theta * Lap(uNew, i) + (1 - theta) * Lap(u, i));
            Solve(a, rhs, sNew);
            Array.Copy(sNew, s, n);
        }
        Array.Copy(uNew, u, n);
    }

    /// <summary>Thomas solve of (1 + 2a) xᵢ − a(xᵢ₋₁ + xᵢ₊₁) = rhsᵢ on the interior nodes 1..n−2.</summary>
    private void Solve(double a, double[] r, double[] x)
    {
        double diag = 1 + 2 * a, off = -a;
        double m = 1 / diag;
        cp[1] = off * m;
        x[1] = r[1] * m;
        for (int i = 2; i < n - 1; i++)
        {
            m = 1 / (diag - off * cp[i - 1]);
            cp[i] = off * m;
            x[i] = (r[i] - off * x[i - 1]) * m;
        }
        for (int i = n - 3; i >= 1; i--) x[i] -= cp[i] * x[i + 1];
    }
}
