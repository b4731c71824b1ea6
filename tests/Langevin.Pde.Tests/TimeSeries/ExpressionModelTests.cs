using Langevin.Pde.TimeSeries;

namespace Langevin.Pde.Tests.TimeSeries;

public sealed class ExpressionModelTests
{
    private static readonly double[] OuTruth = [1.5, 0.5, 0.4];

    private static ObservedSeries OuPath() =>
        SdePathSimulator.Simulate(new OrnsteinUhlenbeckModel(), OuTruth, 0.5, Enumerable.Range(0, 801).Select(i => i * 0.1).ToArray(), seed: 9);

    [Fact]
    public void TheOuModelWrittenOutHasTheSameFokkerPlanckLikelihoodAndFit()
    {
        var series = OuPath();
        var written = SdeModels.Parse("expr: drift = theta*(mu - x); sigma = sigma");
        Assert.Equal(["theta", "mu", "sigma"], written.Parameters.Select(p => p.Name));
        var options = new SdeFitOptions { Method = LikelihoodMethod.FokkerPlanck, HoldoutFraction = 0 };
        var transitions = series.Transitions();
        double builtIn = new SdeLikelihood(new OrnsteinUhlenbeckModel(), series, options, layout: OuTruth).LogLikelihood(transitions, OuTruth);
        double expression = new SdeLikelihood(written, series, options, layout: OuTruth).LogLikelihood(transitions, OuTruth);
        // Same operator, same grid: equal to round-off.
        Assert.Equal(builtIn, expression, Math.Abs(builtIn) * 1e-12);

        var fitBuiltIn = SdeFitter.Fit(new OrnsteinUhlenbeckModel(), series, options);
        // From the built-in model's start the grid is laid out alike, so the two fits maximise the same function.
        var start = new OrnsteinUhlenbeckModel().StartingValues(transitions);
        var fitWritten = SdeFitter.Fit(written, series, options with { Start = new Dictionary<string, double> { ["theta"] = start[0], ["mu"] = start[1], ["sigma"] = start[2] } });
        for (int a = 0; a < 3; a++)
            Assert.True(Math.Abs(fitWritten.Estimates[a] - fitBuiltIn.Estimates[a]) < 1e-3 * fitBuiltIn.StandardErrors[a],
                $"{a}: {fitWritten.Estimates[a]} vs {fitBuiltIn.Estimates[a]} ± {fitBuiltIn.StandardErrors[a]}");
    }

    [Theory]
    [InlineData("expr:drift=a*x^2;sigma=s", "'^' at character 4 is bitwise exclusive or in NCalc; write powers as x**2 or Pow(x, 2)")]
    [InlineData("expr:drift=Foo(x);sigma=s", "calls unknown function Foo")]
    [InlineData("expr:drift=a*(b-x;sigma=s", "'a*(b-x' does not parse")]
    [InlineData("expr:drift=a*x*t;sigma=s", "uses t; the fitted models are time-homogeneous")]
    [InlineData("expr:drift=a*x", "needs both drift=… and sigma=…")]
    [InlineData("expr:drift=a*x;sigma=s;scale=2", "'scale=2' is not drift=…, sigma=… or positive")]
    [InlineData("heston", "unknown model 'heston'; use one of ou, vasicek, gbm, cir, double-well")]
    [InlineData("expr:drift=Log(x);sigma=s", "the drift 'Log(x)' cannot be evaluated")]
    [InlineData("expr:drift=-x;sigma=Sqrt(x, 2)", "the volatility 'Sqrt(x, 2)' cannot be evaluated")]
    public void BadModelsAreOneLineNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<UserErrorException>(() => SdeModels.Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AnExpressionModelAsksForItsStartingValues()
    {
        var error = Assert.Throws<UserErrorException>(() =>
            SdeFitter.Fit(SdeModels.Parse("expr:drift=k*(m-x);sigma=s"), OuPath(), new SdeFitOptions { Start = new Dictionary<string, double> { ["k"] = 1 } }));
        Assert.Contains("needs a starting value for m, s; give them in SdeFitOptions.Start, e.g. m=1,s=1", error.Message);
    }

    [Fact]
    public void AVolatilityThatVanishesGivesZeroLikelihoodNotAnError()
    {
        var series = OuPath();
        var model = SdeModels.Parse("expr:drift=-k*x;sigma=s");
        var likelihood = new SdeLikelihood(model, series, new SdeFitOptions { Method = LikelihoodMethod.FokkerPlanck }, layout: [1.0, 0.4]);
        Assert.True(double.IsFinite(likelihood.LogLikelihood(series.Transitions(), [1.0, 0.4])));
        // σ = 0: the search may step there; the data then have zero density, which the simplex steps back from.
        Assert.Equal(double.NegativeInfinity, likelihood.LogLikelihood(series.Transitions(), [1.0, 0.0]));
    }
}
