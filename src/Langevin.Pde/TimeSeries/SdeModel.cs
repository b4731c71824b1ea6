namespace Langevin.Pde.TimeSeries;

/// <summary>
/// A one-dimensional diffusion dX = μ(X; θ) dt + σ(X; θ) dW with named parameters θ. Its transition density solves the
/// Fokker–Planck equation ∂p/∂t = −∂ₓ(μp) + ½∂ₓ²(σ²p) from a point mass (<see cref="FokkerPlanckTransitionDensity"/>);
/// models with a closed-form density also give it (<see cref="LogDensity"/>), so the two can be checked against each
/// other and the fit can use the exact one.
/// </summary>
public abstract class SdeModel
{
    /// <summary>Short name, e.g. "ou".</summary>
    public abstract string Name { get; }

    /// <summary>A one-line description with the equation.</summary>
    public abstract string Description { get; }

    /// <summary>The parameters, in the order of every θ array.</summary>
    public abstract IReadOnlyList<SdeParameter> Parameters { get; }

    /// <summary>Whether the process lives on x &gt; 0 (then data must be positive and the grid stays above 0).</summary>
    public virtual bool PositiveState => false;

    /// <summary>The drift μ(x; θ).</summary>
    public abstract double Drift(double x, ReadOnlySpan<double> theta);

    /// <summary>The volatility σ(x; θ) ≥ 0.</summary>
    public abstract double Volatility(double x, ReadOnlySpan<double> theta);

    /// <summary>Whether <see cref="LogDensity"/> is exact (a closed form) for this model.</summary>
    public virtual bool HasClosedForm => false;

    /// <summary>log p(x₁ | x₀; Δ, θ) in closed form.</summary>
    /// <exception cref="NotSupportedException">When the model has no closed form (<see cref="HasClosedForm"/> is false).</exception>
    public virtual double LogDensity(double from, double to, double interval, ReadOnlySpan<double> theta) =>
        throw new NotSupportedException($"the {Name} model has no closed-form transition density; use the Fokker–Planck likelihood");

    /// <summary>An exact draw of X(t + Δ) given X(t) = <paramref name="from"/> from one standard normal number, for models
    /// whose transition is a transformed normal; false otherwise (then <see cref="SdePathSimulator"/> takes Euler–Maruyama
    /// substeps).</summary>
    public virtual bool TrySampleExact(double from, double interval, ReadOnlySpan<double> theta, double normal, out double to)
    {
        to = double.NaN;
        return false;
    }

    /// <summary>A starting point for the fit from the data, by the Euler (discretised) regression of increments on
    /// the drift's terms: consistent as the intervals shrink, and near the maximum-likelihood estimate in practice.</summary>
    public abstract double[] StartingValues(IReadOnlyList<Transition> transitions);

    /// <summary>Whether θ lies in the parameter domain and gives a valid process (e.g. finite drift).</summary>
    public virtual bool IsValid(ReadOnlySpan<double> theta)
    {
        if (theta.Length != Parameters.Count) return false;
        for (int i = 0; i < theta.Length; i++)
            if (!double.IsFinite(theta[i]) || (Parameters[i].Positive && theta[i] <= 0)) return false;
        return true;
    }

    /// <summary>Ordinary least squares of increments ΔX on the columns f(X)·Δ (the Euler scheme's drift terms) and the
    /// residual variance per unit time: the shared core of the models' starting values.</summary>
    private protected static (double[] Coefficients, double VariancePerTime) EulerRegression(IReadOnlyList<Transition> transitions, Func<double, double[]> terms)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        int k = terms(transitions[0].From).Length;
        var a = new double[k, k];
        var b = new double[k];
        foreach (var tr in transitions)
        {
            // Weighted by 1/Δ: the increment's variance is ≈ σ²Δ, so this is the generalised least squares of the Euler scheme.
            var f = terms(tr.From);
            for (int i = 0; i < k; i++)
            {
                b[i] += f[i] * (tr.To - tr.From);
                for (int j = 0; j < k; j++) a[i, j] += f[i] * f[j] * tr.Interval;
            }
        }
        var coefficients = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a)
            .Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(b)).ToArray();
        double rss = 0, time = 0;
        foreach (var tr in transitions)
        {
            var f = terms(tr.From);
            double predicted = 0;
            for (int i = 0; i < k; i++) predicted += coefficients[i] * f[i] * tr.Interval;
            rss += (tr.To - tr.From - predicted) * (tr.To - tr.From - predicted);
            time += tr.Interval;
        }
        return (coefficients, rss / time);
    }
}
