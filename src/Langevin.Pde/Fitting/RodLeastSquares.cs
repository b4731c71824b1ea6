using Langevin.Pde.Numerics;

namespace Langevin.Pde.Fitting;

/// <summary>
/// Residuals, Jacobian and Levenberg–Marquardt for the scalar-α fit on log α over one or more experiments. Residuals
/// are model − data at every observed interior node of each experiment's snapshots 1..firstTest−1 (train) and
/// firstTest.. (test); each experiment runs from its own first snapshot with its own end values.
/// </summary>
internal sealed class RodLeastSquares
{
    /// <summary>One experiment: its snapshots, its first test snapshot, its model and buffers.</summary>
    private sealed class Part(Snapshots1D data, int firstTest)
    {
        public Snapshots1D Data { get; } = data;
        public int FirstTest { get; } = firstTest;
        public double[][] Values { get; } = data.Times.Select(_ => new double[data.Positions.Length]).ToArray();
        public double[][][] Sensitivities { get; } = data.Times.Select(_ => new[] { new double[data.Positions.Length] }).ToArray();
        public HeatFitModel Model { get; set; } = Rod(data, double.PositiveInfinity, 1.0);
    }

    private readonly Part[] parts;

    /// <summary>The constant-α heat model of one experiment (one control value, at most 400,000 steps).</summary>
    internal static HeatFitModel Rod(Snapshots1D data, double stepTarget, double theta) => new(data, 1, stepTarget, theta, 400_000);

    public RodLeastSquares(Snapshots1D data, int firstTest) : this([(data, firstTest)])
    {
    }

    /// <summary>Several experiments sharing α; snapshots firstTest.. of each are test data (Times.Length: none, 1: all).</summary>
    public RodLeastSquares(IReadOnlyList<(Snapshots1D Data, int FirstTest)> experiments)
    {
        parts = experiments.Select(e => new Part(e.Data, e.FirstTest)).ToArray();
        foreach (var part in parts)
        {
            int n = part.Data.Positions.Length;
            for (int snap = 1; snap < part.Data.Times.Length; snap++)
                for (int i = 1; i < n - 1; i++)
                    if (!double.IsNaN(part.Data.Values[snap][i]))
                    {
                        if (snap < part.FirstTest) TrainPoints++;
                        else TestPoints++;
                    }
            TrainSnapshots += part.FirstTest - 1;
            TestSnapshots += part.Data.Times.Length - part.FirstTest;
        }
    }

    public int TrainPoints { get; }

    public int TestPoints { get; }

    public int TrainSnapshots { get; }

    public int TestSnapshots { get; }

    /// <summary>Smallest grid spacing over the experiments (sets the Crank–Nicolson step).</summary>
    public double Spacing => parts.Min(p => p.Data.Spacing);

    public void UseCrankNicolson(double stepTarget)
    {
        foreach (var part in parts) part.Model = Rod(part.Data, stepTarget, 0.5);
    }

    /// <summary>Train loss (MSE), its derivative with respect to log α, and JᵀJ, Σ r² (all over train points).</summary>
    public (double Loss, double Gradient, double JtJ, double Rss) Evaluate(double logAlpha, bool withGradient)
    {
        double alpha = Math.Exp(logAlpha);
        double rss = 0, jtr = 0, jtj = 0;
        foreach (var part in parts)
        {
            // An experiment with no train snapshot only needs a run for the test loss, done there.
            if (part.FirstTest <= 1) continue;
            part.Model.Run([logAlpha], part.Values, withGradient ? part.Sensitivities : null);
            int n = part.Data.Positions.Length;
            for (int snap = 1; snap < part.FirstTest; snap++)
                for (int i = 1; i < n - 1; i++)
                {
                    double observed = part.Data.Values[snap][i];
                    if (double.IsNaN(observed)) continue;
                    double r = part.Values[snap][i] - observed;
                    rss += r * r;
                    if (withGradient)
                    {
                        double j = part.Sensitivities[snap][0][i]; // ∂r/∂log α
                        jtr += j * r;
                        jtj += j * j;
                    }
                }
        }
        if (!double.IsFinite(rss))
            throw new UserErrorException($"the heat model diverged at α = {alpha:G4}; check that the data are a diffusion process");
        return (rss / TrainPoints, 2 * jtr / TrainPoints, jtj, rss);
    }

    /// <summary>Test MSE at α (runs the experiments that are only test data; the others hold the last Evaluate).</summary>
    public double TestLoss(double alpha)
    {
        if (TestPoints == 0) return double.NaN;
        double sum = 0;
        foreach (var part in parts)
        {
            if (part.FirstTest <= 1) part.Model.Run([Math.Log(alpha)], part.Values, null);
            int n = part.Data.Positions.Length;
            for (int snap = part.FirstTest; snap < part.Data.Times.Length; snap++)
                for (int i = 1; i < n - 1; i++)
                {
                    double observed = part.Data.Values[snap][i];
                    if (!double.IsNaN(observed)) sum += (part.Values[snap][i] - observed) * (part.Values[snap][i] - observed);
                }
        }
        return sum / TestPoints;
    }

    /// <summary>
    /// Best of a log-spaced scan over α from 10⁻⁴ to 10⁴ times the natural scale L²/T (of the first experiment) with
    /// the L-stable implicit Euler model (cheap and robust for any α): the starting point for Levenberg–Marquardt.
    /// </summary>
    public double ScanForStart()
    {
        var data = parts[0].Data;
        double length = data.Positions[^1] - data.Positions[0], span = data.Times[^1] - data.Times[0];
        double scale = length * length / span;
        double best = scale, bestLoss = double.PositiveInfinity;
        // About 20 implicit steps per snapshot interval, whatever α: enough to rank candidates.
        foreach (var part in parts)
            part.Model = Rod(part.Data, (part.Data.Times[^1] - part.Data.Times[0]) / (20.0 * (part.Data.Times.Length - 1)), 1.0);
        for (int e = -16; e <= 16; e++)
        {
            double alpha = scale * Math.Pow(10, e / 4.0);
            double loss = Evaluate(Math.Log(alpha), false).Loss;
            if (loss < bestLoss)
            {
                bestLoss = loss;
                best = alpha;
            }
        }
        return best;
    }

    /// <summary>Levenberg–Marquardt on log α: F = MSE, ∇F = (2/m)·Jᵀr, H = (2/m)·JᵀJ.</summary>
    public HeatDiffusivityFit SecondOrder(double logAlpha, HeatDiffusivityFitOptions options)
    {
        var result = LevenbergMarquardt.Minimise(eta =>
            {
                var e = Evaluate(eta[0], true);
                return new LocalQuadratic(e.Loss, [e.Gradient], new[,] { { 2 * e.JtJ / TrainPoints } });
            },
            [logAlpha], new LevenbergMarquardtOptions { MaxIterations = options.IterationLimit, Tolerance = options.StepTolerance });
        return Summarise(result.Parameters[0], result.Iterations, result.Converged);
    }

    /// <summary>Adam or plain gradient descent on log α with the exact gradient; stops when the step is below the tolerance.</summary>
    public HeatDiffusivityFit FirstOrder(double logAlpha, HeatDiffusivityFitOptions options)
    {
        if (!(options.LearningRate > 0)) throw new UserErrorException($"learning rate must be positive (got {options.LearningRate})");
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-12;
        double m = 0, v = 0;
        int iterations = 0;
        bool converged = false;
        while (iterations < options.IterationLimit)
        {
            iterations++;
            double g = Evaluate(logAlpha, true).Gradient;
            double step;
            if (options.Optimizer == FitOptimizer.Adam)
            {
                m = beta1 * m + (1 - beta1) * g;
                v = beta2 * v + (1 - beta2) * g * g;
                double mHat = m / (1 - Math.Pow(beta1, iterations)), vHat = v / (1 - Math.Pow(beta2, iterations));
                step = options.LearningRate * mHat / (Math.Sqrt(vHat) + epsilon);
            }
            else
            {
                step = options.LearningRate * g;
            }
            logAlpha -= step;
            if (Math.Abs(step) < options.StepTolerance) { converged = true; break; }
        }
        return Summarise(logAlpha, iterations, converged);
    }

    private HeatDiffusivityFit Summarise(double logAlpha, int iterations, bool converged)
    {
        // The buffers may hold a rejected trial: evaluate at the accepted point for the test loss and covariance.
        var current = Evaluate(logAlpha, true);
        double alpha = Math.Exp(logAlpha);
        double sigma2 = current.Rss / Math.Max(1, TrainPoints - 1);
        double logStd = Math.Sqrt(ParameterCovariance.InverseDiagonal(new[,] { { current.JtJ } }, sigma2)[0]);
        return new HeatDiffusivityFit(alpha, alpha * logStd, current.Loss, TestLoss(alpha), iterations, converged,
            TrainPoints, TestPoints, TrainSnapshots, TestSnapshots, parts.Sum(p => p.Model.TotalSteps));
    }
}
