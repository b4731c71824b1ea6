namespace Langevin.Core.Tests;

/// <summary>User errors name the library's parameters; a front end shows its own names for them.</summary>
public sealed class UserErrorExceptionTests
{
    [Fact]
    public void Parameters_are_named_by_identifier_and_shown_by_the_front_end()
    {
        var error = new UserErrorException("{Job.Rate} must be > 0, got -1; lower {Job.Rate} or raise {Job.Steps}");
        Assert.Equal("Job.Rate must be > 0, got -1; lower Job.Rate or raise Job.Steps", error.Message);
        Assert.Equal(["Job.Rate", "Job.Steps"], error.Parameters);
        Assert.Equal("--rate must be > 0, got -1; lower --rate or raise Job.Steps", error.Describe(p => p == "Job.Rate" ? "--rate" : null));
    }

    [Fact]
    public void Other_braces_and_undotted_words_are_text()
    {
        // JSON examples, format items and a single word in braces are not parameters.
        var error = new UserErrorException("lines {\"file_name\": …} or {0} or {path} are text");
        Assert.Equal("lines {\"file_name\": …} or {0} or {path} are text", error.Message);
        Assert.Empty(error.Parameters);
        Assert.Equal(error.Message, error.Describe(_ => "--x"));
    }
}
