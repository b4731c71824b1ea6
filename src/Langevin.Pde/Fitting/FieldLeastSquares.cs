using Langevin.Pde.Numerics;

namespace Langevin.Pde.Fitting;

/// <summary>Penalised least squares and Levenberg–Marquardt for <see cref="HeatFitModel"/>.</summary>
internal sealed class FieldLeastSquares
{
    private readonly Snapshots1D data;
    private readonly HeatFitModel model;
    private readonly int firstTest, k, n;
    private readonly double[][] values;
    private readonly double[][][] sensitivities;

    public FieldLeastSquares(Snapshots1D data, HeatFitModel model, int firstTest)
    {
        this.data = data;
        this.model = model;
        this.firstTest = firstTest;
        k = model.Parameters;
        n = data.Positions.Length;
        values = new double[data.Times.Length][];
        sensitivities = new double[data.Times.Length][][];
        for (int q = 0; q < values.Length; q++)
        {
            values[q] = new double[n];
            sensitivities[q] = new double[k][];
            for (int j = 0; j < k; j++) sensitivities[q][j] = new double[n];
        }
        for (int q = 1; q < data.Times.Length; q++)
            for (int i = 1; i < n - 1; i++)
                if (!double.IsNaN(data.Values[q][i]))
                {
                    if (q < firstTest) TrainPoints++;
                    else TestPoints++;
                }
    }

    public int TrainPoints { get; }

    public int TestPoints { get; }

    /// <summary>Penalty Σ(η_{j−1} − 2ηⱼ + η_{j+1})², its gradient and Hessian (RᵀR, twice).</summary>
    private double Penalty(ReadOnlySpan<double> eta, double[]? gradient, double[,]? hessian)
    {
        double sum = 0;
        for (int j = 1; j < k - 1; j++)
        {
            double d = eta[j - 1] - 2 * eta[j] + eta[j + 1];
            sum += d * d;
            ReadOnlySpan<int> idx = [j - 1, j, j + 1];
            ReadOnlySpan<double> c = [1, -2, 1];
            for (int a = 0; a < 3; a++)
            {
                if (gradient is not null) gradient[idx[a]] += 2 * c[a] * d;
                if (hessian is not null)
                    for (int b = 0; b < 3; b++) hessian[idx[a], idx[b]] += 2 * c[a] * c[b];
            }
        }
        return sum;
    }

    /// <summary>Objective (train MSE + λ·penalty), its gradient, the Gauss–Newton Hessian JᵀJ (unscaled), RSS and train MSE.</summary>
    public (double Objective, double[] Gradient, double[,] JtJ, double Rss, double Mse) Evaluate(ReadOnlySpan<double> eta, double lambda, bool withGradient)
    {
        model.Run(eta, values, withGradient ? sensitivities : null);
        double rss = 0;
        var jtr = new double[k];
        var jtj = new double[k, k];
        var row = new double[k];
        for (int q = 1; q < firstTest; q++)
            for (int i = 1; i < n - 1; i++)
            {
                double observed = data.Values[q][i];
                if (double.IsNaN(observed)) continue;
                double r = values[q][i] - observed;
                rss += r * r;
                if (!withGradient) continue;
                for (int a = 0; a < k; a++) row[a] = sensitivities[q][a][i];
                for (int a = 0; a < k; a++)
                {
                    jtr[a] += row[a] * r;
                    for (int b = 0; b <= a; b++) jtj[a, b] += row[a] * row[b];
                }
            }
        for (int a = 0; a < k; a++)
            for (int b = 0; b < a; b++) jtj[b, a] = jtj[a, b];
        if (!double.IsFinite(rss)) throw new UserErrorException("the heat model diverged while fitting α(x); check that the data are a diffusion process");
        double mse = rss / TrainPoints;
        var gradient = new double[k];
        double penalty = Penalty(eta, withGradient ? gradient : null, null);
        for (int a = 0; a < k; a++) gradient[a] = lambda * gradient[a] + 2 * jtr[a] / TrainPoints;
        return (mse + lambda * penalty, gradient, jtj, rss, mse);
    }

    private double TestLoss()
    {
        if (TestPoints == 0) return double.NaN;
        double sum = 0;
        for (int q = firstTest; q < data.Times.Length; q++)
            for (int i = 1; i < n - 1; i++)
            {
                double observed = data.Values[q][i];
                if (!double.IsNaN(observed)) sum += (values[q][i] - observed) * (values[q][i] - observed);
            }
        return sum / TestPoints;
    }

    public DiffusivityFieldFit Fit(double startLogAlpha, double lambda, DiffusivityFieldFitOptions options)
    {
        var penaltyHessian = new double[k, k];
        Penalty(new double[k], null, penaltyHessian);
        // Hessian of the objective ≈ (2/m)JᵀJ + λ·(penalty Hessian).
        var result = LevenbergMarquardt.Minimise(eta =>
            {
                var e = Evaluate(eta, lambda, true);
                var h = new double[k, k];
                for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++) h[a, b] = 2 * e.JtJ[a, b] / TrainPoints + lambda * penaltyHessian[a, b];
                return new LocalQuadratic(e.Objective, e.Gradient, h);
            },
            Enumerable.Repeat(startLogAlpha, k).ToArray(),
            new LevenbergMarquardtOptions { MaxIterations = options.MaxIterations, Tolerance = options.Tolerance });
        var eta = result.Parameters;
        // The buffers may hold a rejected trial: evaluate at the accepted point for the test loss and covariance.
        var current = Evaluate(eta, lambda, true);
        double testLoss = TestLoss();
        // Laplace approximation: Cov(η) ≈ σ̂²(JᵀJ + m·λ/2·(penalty Hessian))⁻¹.
        double sigma2 = current.Rss / Math.Max(1, TrainPoints - k);
        var information = new double[k, k];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++) information[a, b] = current.JtJ[a, b] + TrainPoints * lambda / 2 * penaltyHessian[a, b];
        var variance = ParameterCovariance.InverseDiagonal(information, sigma2);
        var alpha = eta.Select(Math.Exp).ToArray();
        var std = alpha.Select((a, j) => a * Math.Sqrt(variance[j])).ToArray();
        return new DiffusivityFieldFit(model.ControlPositions(), alpha, std, lambda, current.Mse, testLoss, result.Iterations, result.Converged, []);
    }
}
