using Langevin.Pde.FokkerPlanck;

namespace Langevin.Pde.Fitting;

/// <summary>
/// Crank–Nicolson Scharfetter–Gummel model of ∂p/∂t = ∂ₓ(p θV₀') + D ∂ₓ²p on the data grid (zero-flux ends), with
/// exact sensitivities to log θ and log D: (I − h/2·A)sⱼ⁺ = (I + h/2·A)sⱼ + h/2·(∂ⱼA)(p + p⁺). Face weights are
/// (D/dx²)·B(w) and (D/dx²)·B(−w) with w = θΔV₀/D; ∂/∂log θ of them is (D/dx²)·B'(±w)·(±w) and ∂/∂log D is
/// (D/dx²)·(B(w) − w·B'(w)) for both.
/// </summary>
internal sealed class FokkerPlanckFitModel
{
    private readonly Snapshots1D data;
    private readonly double[] v0, weight;
    private readonly int n, substeps;
    private readonly double dx2;
    // A and its two parameter derivatives as tridiagonals (lower, diagonal, upper).
    private readonly double[][] a = [null!, null!, null!], dTheta = [null!, null!, null!], dD = [null!, null!, null!];
    private readonly double[] p, pNew, rhs, cp, pivot, work;
    private readonly double[][] s, sNew;

    public FokkerPlanckFitModel(Snapshots1D data, Potential basePotential, int substeps)
    {
        this.data = data;
        this.substeps = substeps;
        n = data.Positions.Length;
        dx2 = data.Spacing * data.Spacing;
        v0 = data.Positions.Select(basePotential.Value).ToArray();
        if (v0.Any(v => !double.IsFinite(v))) throw new UserErrorException("the potential is not finite on the data grid");
        weight = Enumerable.Range(0, n).Select(i => i == 0 || i == n - 1 ? 0.5 : 1.0).ToArray();
        for (int j = 0; j < 3; j++)
        {
            a[j] = new double[n];
            dTheta[j] = new double[n];
            dD[j] = new double[n];
        }
        p = new double[n];
        pNew = new double[n];
        rhs = new double[n];
        cp = new double[n];
        pivot = new double[n];
        work = new double[n];
        s = [new double[n], new double[n]];
        sNew = [new double[n], new double[n]];
    }

    /// <summary>B'(w) from the Scharfetter–Gummel weights: B' = B(w)(1 − B(−w))/w, with its series near 0.</summary>
    internal static double BernoulliDerivative(double w)
    {
        if (Math.Abs(w) < 1e-3) return -0.5 + w / 6 - w * w * w / 180;
        var (plus, minus) = FokkerPlanckProblem.Weights(w);
        return plus * (1 - minus) / w;
    }

    private void Build(double theta, double diffusion)
    {
        foreach (var m in a.Concat(dTheta).Concat(dD)) Array.Clear(m);
        double scale = diffusion / dx2;
        for (int i = 0; i < n - 1; i++)
        {
            double w = theta * (v0[i + 1] - v0[i]) / diffusion;
            var (bp, bm) = FokkerPlanckProblem.Weights(w);
            double dbp = BernoulliDerivative(w), dbm = dbp + 1;
            // Coefficients and their derivatives with respect to log θ and log D.
            double cP = scale * bp, cM = scale * bm;
            double cPt = scale * dbp * w, cMt = scale * dbm * w;
            double cPd = scale * (bp - w * dbp), cMd = scale * (bm - w * dbm);
            Add(a, i, cP, cM);
            Add(dTheta, i, cPt, cMt);
            Add(dD, i, cPd, cMd);
        }
    }

    private void Add(double[][] m, int i, double plus, double minus)
    {
        m[1][i] -= plus / weight[i];
        m[2][i] += minus / weight[i];
        m[0][i + 1] += plus / weight[i + 1];
        m[1][i + 1] -= minus / weight[i + 1];
    }

    private static void Apply(double[][] m, double[] v, double[] result, double c, bool accumulate)
    {
        int n = v.Length;
        for (int i = 0; i < n; i++)
        {
            double value = m[1][i] * v[i];
            if (i > 0) value += m[0][i] * v[i - 1];
            if (i < n - 1) value += m[2][i] * v[i + 1];
            result[i] = (accumulate ? result[i] : 0) + c * value;
        }
    }

    private void Factor(double c)
    {
        // (I − c·A): Thomas factorisation.
        pivot[0] = 1 / (1 - c * a[1][0]);
        cp[0] = -c * a[2][0] * pivot[0];
        for (int i = 1; i < n; i++)
        {
            pivot[i] = 1 / (1 - c * a[1][i] + c * a[0][i] * cp[i - 1]);
            cp[i] = -c * a[2][i] * pivot[i];
        }
    }

    private void Solve(double c, double[] r, double[] x)
    {
        x[0] = r[0] * pivot[0];
        for (int i = 1; i < n; i++) x[i] = (r[i] + c * a[0][i] * x[i - 1]) * pivot[i];
        for (int i = n - 2; i >= 0; i--) x[i] -= cp[i] * x[i + 1];
    }

    public void Run(double theta, double diffusion, double[][] values, double[][][]? sensitivities)
    {
        Build(theta, diffusion);
        data.Values[0].CopyTo(p, 0);
        foreach (var sj in s) Array.Clear(sj);
        p.CopyTo(values[0], 0);
        if (sensitivities is not null) foreach (var sj in sensitivities[0]) Array.Clear(sj);
        for (int q = 0; q + 1 < data.Times.Length; q++)
        {
            double h = (data.Times[q + 1] - data.Times[q]) / substeps, c = h / 2;
            Factor(c);
            for (int step = 0; step < substeps; step++)
            {
                Array.Copy(p, rhs, n);
                Apply(a, p, rhs, c, accumulate: true);
                Solve(c, rhs, pNew);
                if (sensitivities is not null)
                {
                    for (int i = 0; i < n; i++) work[i] = p[i] + pNew[i];
                    for (int j = 0; j < 2; j++)
                    {
                        Array.Copy(s[j], rhs, n);
                        Apply(a, s[j], rhs, c, accumulate: true);
                        Apply(j == 0 ? dTheta : dD, work, rhs, c, accumulate: true);
                        Solve(c, rhs, sNew[j]);
                        Array.Copy(sNew[j], s[j], n);
                    }
                }
                Array.Copy(pNew, p, n);
            }
            p.CopyTo(values[q + 1], 0);
            if (sensitivities is not null)
                for (int j = 0; j < 2; j++) s[j].CopyTo(sensitivities[q + 1][j], 0);
        }
    }
}
