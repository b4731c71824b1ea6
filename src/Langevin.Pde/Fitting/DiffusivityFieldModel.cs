namespace Langevin.Pde.Fitting;

/// <summary>
/// Forward model with sensitivities for a space-dependent diffusivity: u_t = (α(x) u_x)_x on the data's 1D grid,
/// with the initial snapshot and Dirichlet ends from the data (as in <see cref="RodModel"/>). log α is piecewise
/// linear between K equally spaced control points (K = 1: constant), evaluated at face midpoints, so α > 0 for any
/// parameters. With the conservative operator (Lu)ᵢ = [α_{i+½}(u_{i+1} − uᵢ) − α_{i−½}(uᵢ − u_{i−1})]/dx², the
/// θ-method and its exact parameter derivatives sₖ = ∂u/∂ηₖ (ηₖ = log αₖ) are
/// (I − θhL)u⁺ = (I + (1−θ)hL)u and (I − θhL)sₖ⁺ = (I + (1−θ)hL)sₖ + h[θ(∂ₖL)u⁺ + (1−θ)(∂ₖL)u].
/// </summary>
internal sealed class DiffusivityFieldModel
{
    private readonly Snapshots1D data;
    private readonly Func<double, double> left, right;
    private readonly int[] substeps;
    private readonly double theta, dx2;
    private readonly int n, k;
    private readonly double[,] basis; // basis[face, k] = ∂ log α_face / ∂ ηₖ
    private readonly double[] alphaFace, u, uNew, rhs, cp, lu, luNew, sub, diag, sup;
    private readonly double[][] s, sNew;

    public DiffusivityFieldModel(Snapshots1D data, int controlPoints, double stepTarget, double theta = 0.5, int maxTotalSteps = 200_000)
    {
        this.data = data;
        this.theta = theta;
        k = controlPoints;
        n = data.Positions.Length;
        dx2 = data.Spacing * data.Spacing;
        left = data.EndValue(upper: false);
        right = data.EndValue(upper: true);
        var times = data.Times;
        substeps = new int[times.Length - 1];
        double h = Math.Max(stepTarget, (times[^1] - times[0]) / maxTotalSteps);
        for (int q = 0; q < substeps.Length; q++)
            substeps[q] = (int)Math.Max(1, Math.Ceiling((times[q + 1] - times[q]) / h * (1 - 1e-12)));
        // Hat functions on K control points spanning [x₀, x_{n−1}], evaluated at the n − 1 face midpoints.
        basis = new double[n - 1, k];
        for (int f = 0; f < n - 1; f++)
        {
            if (k == 1) { basis[f, 0] = 1; continue; }
            double z = (f + 0.5) / (n - 1) * (k - 1);
            int j = Math.Min((int)Math.Floor(z), k - 2);
            double w = z - j;
            basis[f, j] = 1 - w;
            basis[f, j + 1] = w;
        }
        alphaFace = new double[n - 1];
        u = new double[n];
        uNew = new double[n];
        rhs = new double[n];
        cp = new double[n];
        lu = new double[n];
        luNew = new double[n];
        sub = new double[n];
        diag = new double[n];
        sup = new double[n];
        s = new double[k][];
        sNew = new double[k][];
        for (int j = 0; j < k; j++)
        {
            s[j] = new double[n];
            sNew[j] = new double[n];
        }
    }

    public int Parameters => k;

    public int TotalSteps => substeps.Sum();

    /// <summary>Control-point coordinates (x of each ηₖ).</summary>
    public double[] ControlPositions()
    {
        var x = new double[k];
        for (int j = 0; j < k; j++) x[j] = k == 1 ? (data.Positions[0] + data.Positions[^1]) / 2 : data.Positions[0] + j * (data.Positions[^1] - data.Positions[0]) / (k - 1);
        return x;
    }

    /// <summary>Runs with log-diffusivities η; fills values[snapshot] and, when given, sensitivities[snapshot][param].</summary>
    public void Run(ReadOnlySpan<double> eta, double[][] values, double[][][]? sensitivities)
    {
        for (int f = 0; f < n - 1; f++)
        {
            double logAlpha = 0;
            for (int j = 0; j < k; j++) logAlpha += basis[f, j] * eta[j];
            alphaFace[f] = Math.Exp(logAlpha);
        }
        data.Values[0].CopyTo(u, 0);
        u[0] = left(data.Times[0]);
        u[n - 1] = right(data.Times[0]);
        foreach (var sj in s) Array.Clear(sj);
        u.CopyTo(values[0], 0);
        if (sensitivities is not null) foreach (var sj in sensitivities[0]) Array.Clear(sj);
        for (int q = 0; q < substeps.Length; q++)
        {
            double t0 = data.Times[q], h = (data.Times[q + 1] - t0) / substeps[q];
            Factor(h);
            for (int step = 0; step < substeps[q]; step++) Step(h, t0 + (step + 1) * h, sensitivities is not null);
            u.CopyTo(values[q + 1], 0);
            if (sensitivities is not null)
                for (int j = 0; j < k; j++) s[j].CopyTo(sensitivities[q + 1][j], 0);
        }
    }

    /// <summary>out = L v on interior nodes (ends 0).</summary>
    private void ApplyL(double[] v, double[] result)
    {
        result[0] = result[n - 1] = 0;
        for (int i = 1; i < n - 1; i++)
            result[i] = (alphaFace[i] * (v[i + 1] - v[i]) - alphaFace[i - 1] * (v[i] - v[i - 1])) / dx2;
    }

    /// <summary>result += c·(∂L/∂ηⱼ) v: face f contributes α_f·basis[f,j]·(v_{f+1} − v_f)/dx² to row f and minus that to row f+1.</summary>
    private void AddDL(int j, double[] v, double c, double[] result)
    {
        for (int f = 0; f < n - 1; f++)
        {
            double b = basis[f, j];
            if (b == 0) continue;
            double flux = c * alphaFace[f] * b * (v[f + 1] - v[f]) / dx2;
            if (f >= 1) result[f] += flux;
            if (f + 1 <= n - 2) result[f + 1] -= flux;
        }
    }

    private void Factor(double h)
    {
        double c = theta * h / dx2;
        for (int i = 1; i < n - 1; i++)
        {
            sub[i] = -c * alphaFace[i - 1];
            sup[i] = -c * alphaFace[i];
            diag[i] = 1 + c * (alphaFace[i - 1] + alphaFace[i]);
        }
        // Thomas factorisation on interior nodes 1..n−2: cp holds modified super-diagonal, diag the reciprocal pivots.
        diag[1] = 1 / diag[1];
        cp[1] = sup[1] * diag[1];
        for (int i = 2; i < n - 1; i++)
        {
            diag[i] = 1 / (diag[i] - sub[i] * cp[i - 1]);
            cp[i] = sup[i] * diag[i];
        }
    }

    private void Solve(double[] r, double[] x)
    {
        x[1] = r[1] * diag[1];
        for (int i = 2; i < n - 1; i++) x[i] = (r[i] - sub[i] * x[i - 1]) * diag[i];
        for (int i = n - 3; i >= 1; i--) x[i] -= cp[i] * x[i + 1];
    }

    private void Step(double h, double tNew, bool withSensitivity)
    {
        double b = (1 - theta) * h;
        ApplyL(u, lu);
        uNew[0] = left(tNew);
        uNew[n - 1] = right(tNew);
        for (int i = 1; i < n - 1; i++) rhs[i] = u[i] + b * lu[i];
        double c = theta * h / dx2;
        rhs[1] += c * alphaFace[0] * uNew[0];
        rhs[n - 2] += c * alphaFace[n - 2] * uNew[n - 1];
        Solve(rhs, uNew);
        if (withSensitivity)
        {
            for (int j = 0; j < k; j++)
            {
                ApplyL(s[j], luNew);
                for (int i = 1; i < n - 1; i++) rhs[i] = s[j][i] + b * luNew[i];
                AddDL(j, uNew, theta * h, rhs);
                AddDL(j, u, b, rhs);
                sNew[j][0] = sNew[j][n - 1] = 0;
                Solve(rhs, sNew[j]);
                Array.Copy(sNew[j], s[j], n);
            }
        }
        Array.Copy(uNew, u, n);
    }
}
