using Langevin.Pde.TimeSeries;

namespace Langevin.Pde.Tests.TimeSeries;

public sealed class ObservedSeriesTests
{
    private static ObservedSeries Parse(string text) => ObservedSeries.Parse(new StringReader(text), "series.csv");

    [Fact]
    public void PathsAreGroupedAndUnevenTimesAndMissingValuesAreKept()
    {
        var series = Parse("t,x,path\n0,1.0,a\n0,5,b\n0.5,1.5,a\n1,NA,a\n2.5,2.0,a\n1,6,b\n");
        Assert.Equal(["a", "b"], series.Paths.Select(p => p.Name));
        Assert.Equal([0, 0.5, 2.5], series.Paths[0].Times);
        var transitions = series.Transitions();
        Assert.Equal(3, transitions.Length);
        // The NA row is dropped: the interval across it is simply longer.
        Assert.Equal(new Transition(1.5, 2.0, 2.0, 0), transitions[1]);
        Assert.Equal(new Transition(5, 6, 1, 1), transitions[2]);
    }

    [Theory]
    [InlineData("time,value\n", "no data rows")]
    [InlineData("a,b\n1,2\n", "must name columns t and x")]
    [InlineData("t,x\n0,1\n1,abc\n", "line 3: 'abc' in column 'x' is not a number")]
    [InlineData("t,x\n0,1\n,2\n", "line 3: '' in column 't' is not a time")]
    [InlineData("t,x\n0,1\n1,2\n1,3\n", "line 4: time 1 does not come after 1 (line 3)")]
    [InlineData("t,x,path\n0,1,a\n1,2,a\n0,3,b\n", "path 'b' has 1 observation")]
    [InlineData("", "is empty")]
    public void BadFilesAreOneLineNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<UserErrorException>(() => Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ModelsRefuseDataOutsideTheirStateSpaceAndMethodsTheyLack()
    {
        var series = Parse("t,x\n0,0.5\n1,-0.1\n2,0.3\n3,0.2\n");
        var positive = Assert.Throws<UserErrorException>(() => SdeFitter.Fit(new CoxIngersollRossModel(), series));
        Assert.Contains("lives on x > 0 but the data hold the value -0.1", positive.Message);
        var closed = Assert.Throws<UserErrorException>(() => new SdeLikelihood(new DoubleWellModel(), series, new SdeFitOptions { Method = LikelihoodMethod.ClosedForm }));
        Assert.Contains("no closed-form transition density", closed.Message);
        var longer = Parse("t,x\n0,0.5\n1,-0.1\n2,0.3\n3,0.2\n4,0.1\n5,0.4\n");
        var unknown = Assert.Throws<UserErrorException>(() => SdeFitter.Fit(new OrnsteinUhlenbeckModel(), longer, new SdeFitOptions { HoldoutFraction = 0, Start = new Dictionary<string, double> { ["kappa"] = 1 } }));
        Assert.Contains("no parameter 'kappa' (it has theta, mu, sigma)", unknown.Message);
        var few = Assert.Throws<UserErrorException>(() => SdeFitter.Fit(new OrnsteinUhlenbeckModel(), series, new SdeFitOptions { HoldoutFraction = 0.5 }));
        Assert.Contains("transitions are left to fit 3 parameters", few.Message);
    }
}
