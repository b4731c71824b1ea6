namespace Langevin.Data.Tests;

public sealed class DatasetLocatorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private DatasetSearchPaths Paths(string? explicitDir = null, string? env = null, string? shipped = null) =>
        new(explicitDir, env, shipped, _temp.Combine("cache"), _temp.Combine("system"));

    [Fact]
    public void Searches_environment_then_shipped_then_cache_then_system()
    {
        foreach (string root in new[] { "env", "shipped", "cache", "system" })
            IdxFixtures.WriteFashionMnist(_temp.Combine(root, FashionMnist.FolderName), train: 1, test: 1);
        var all = Paths(env: _temp.Combine("env"), shipped: _temp.Combine("shipped"));

        Assert.Equal(DatasetSearchPaths.EnvironmentVariable, new DatasetLocator(all).Find(DatasetKind.FashionMnist).Source);
        Assert.Equal("shipped data/", new DatasetLocator(all with { EnvironmentFolder = null }).Find(DatasetKind.FashionMnist).Source);
        Assert.Equal("user cache", new DatasetLocator(all with { EnvironmentFolder = null, Shipped = null }).Find(DatasetKind.FashionMnist).Source);
        Directory.Delete(_temp.Combine("cache"), recursive: true);
        var system = new DatasetLocator(all with { EnvironmentFolder = null, Shipped = null }).Find(DatasetKind.FashionMnist);
        Assert.Equal("system", system.Source);
        Assert.Equal(_temp.Combine("system", FashionMnist.FolderName), system.Folder);
    }

    [Fact]
    public void The_data_next_to_the_program_comes_after_the_environment_and_before_the_checkout()
    {
        foreach (string root in new[] { "env", "beside", "shipped" })
            IdxFixtures.WriteFashionMnist(_temp.Combine(root, FashionMnist.FolderName), train: 1, test: 1);
        var all = Paths(env: _temp.Combine("env"), shipped: _temp.Combine("shipped")) with { BesideProgram = _temp.Combine("beside") };

        Assert.Equal(DatasetSearchPaths.EnvironmentVariable, new DatasetLocator(all).Find(DatasetKind.FashionMnist).Source);
        var beside = new DatasetLocator(all with { EnvironmentFolder = null }).Find(DatasetKind.FashionMnist);
        Assert.Equal(("next to the program", _temp.Combine("beside", FashionMnist.FolderName)), (beside.Source, beside.Folder));
        Assert.Equal("shipped data/", new DatasetLocator(all with { EnvironmentFolder = null, BesideProgram = null }).Find(DatasetKind.FashionMnist).Source);
    }

    [Fact]
    public void An_explicit_folder_wins_and_may_be_the_dataset_folder_itself()
    {
        IdxFixtures.WriteFashionMnist(_temp.Combine("mine"), train: 1, test: 1);
        IdxFixtures.WriteFashionMnist(_temp.Combine("env", FashionMnist.FolderName), train: 1, test: 1);

        var found = new DatasetLocator(Paths(explicitDir: _temp.Combine("mine"), env: _temp.Combine("env"))).Find(DatasetKind.FashionMnist);

        Assert.Equal(("--data", _temp.Combine("mine")), (found.Source, found.Folder));
    }

    [Fact]
    public void An_explicit_folder_without_the_dataset_is_an_error_not_a_silent_fallback()
    {
        IdxFixtures.WriteFashionMnist(_temp.Combine("env", FashionMnist.FolderName), train: 1, test: 1);
        Directory.CreateDirectory(_temp.Combine("empty"));

        var error = Assert.Throws<UserErrorException>(() =>
            new DatasetLocator(Paths(explicitDir: _temp.Combine("empty"), env: _temp.Combine("env"))).Find(DatasetKind.FashionMnist));

        Assert.Contains("DatasetSearchPaths.Explicit " + _temp.Combine("empty"), error.Message);
        Assert.Equal("DatasetSearchPaths.Explicit", error.Parameters[0]);
    }

    [Fact]
    public void Nothing_found_says_where_it_looked_and_how_to_get_it()
    {
        var error = Assert.Throws<UserErrorException>(() => new DatasetLocator(Paths(shipped: _temp.Combine("shipped"))).Find(DatasetKind.Cifar10));

        Assert.Contains(_temp.Combine("shipped", Cifar10.FolderName), error.Message);
        Assert.Contains(_temp.Combine("cache", Cifar10.FolderName), error.Message);
        Assert.Contains(_temp.Combine("system", Cifar10.FolderName), error.Message);
        Assert.Contains("langevin data download cifar10", error.Message);
    }

    [Fact]
    public void An_incomplete_folder_is_skipped()
    {
        IdxFixtures.WriteFashionMnist(_temp.Combine("cache", FashionMnist.FolderName), train: 1, test: 1);
        File.Delete(_temp.Combine("cache", FashionMnist.FolderName, "t10k-labels-idx1-ubyte.gz"));
        IdxFixtures.WriteFashionMnist(_temp.Combine("system", FashionMnist.FolderName), train: 1, test: 1);

        Assert.Equal("system", new DatasetLocator(Paths()).Find(DatasetKind.FashionMnist).Source);
    }

    [Fact]
    public void The_shipped_folder_is_found_only_inside_a_langevin_checkout()
    {
        Directory.CreateDirectory(_temp.Combine("repo", "data"));
        Directory.CreateDirectory(_temp.Combine("repo", "bin", "deep"));
        Assert.Null(DatasetSearchPaths.FindShippedDataFolder(_temp.Combine("repo", "bin", "deep")));

        File.WriteAllText(_temp.Combine("repo", "Langevin.slnx"), "<Solution />");
        Assert.Equal(_temp.Combine("repo", "data"), DatasetSearchPaths.FindShippedDataFolder(_temp.Combine("repo", "bin", "deep")));
    }
}
