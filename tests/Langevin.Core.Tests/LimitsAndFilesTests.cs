using Langevin.IO;
using Langevin.Limits;

namespace Langevin.Core.Tests;

/// <summary>Work that cannot finish is refused up front; a write that cannot happen is a user error that changes nothing.</summary>
public sealed class LimitsAndFilesTests
{
    [Fact]
    public void Plans_over_the_limits_are_refused_with_the_estimate_and_the_fix()
    {
        WorkLimits.CheckUpdates(WorkLimits.MaxUpdates, "a job", "fix it");
        WorkLimits.CheckSteps(int.MaxValue, "a job", "fix it");
        var updates = Assert.Throws<UserErrorException>(() => WorkLimits.CheckUpdates(2e11, "the job", "raise {Job.dt}"));
        Assert.Equal("the job needs 2E+11 updates, over the limit of 1E+11 (it would not finish); raise Job.dt", updates.Message);
        Assert.Throws<UserErrorException>(() => WorkLimits.CheckUpdates(double.NaN, "the job", "fix it"));
        Assert.Throws<UserErrorException>(() => WorkLimits.CheckSteps(double.PositiveInfinity, "the job", "fix it"));
        Assert.Throws<UserErrorException>(() => WorkLimits.CheckMemory(1e18, "the job", "fix it"));
    }

    [Fact]
    public void A_write_that_cannot_happen_is_a_user_error_and_the_old_file_stays()
    {
        string folder = Directory.CreateTempSubdirectory("langevin-atomic-").FullName;
        try
        {
            string file = Path.Combine(folder, "old.txt");
            AtomicFile.WriteAllText(file, "old");
            // A path under a file cannot be created; the file itself is untouched and no temporary is left.
            var error = Assert.Throws<UserErrorException>(() => AtomicFile.WriteAllText(Path.Combine(file, "new.txt"), "new"));
            Assert.Contains("cannot write", error.Message);
            Assert.Throws<UserErrorException>(() => AtomicFile.WriteAllText(folder, "x"));
            Assert.Throws<UserErrorException>(() => AtomicFile.WriteAllText("", "x"));
            Assert.Equal("old", File.ReadAllText(file));
            Assert.Equal([file], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
