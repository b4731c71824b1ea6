namespace Langevin.Training;

/// <summary>
/// What a sweep runs, as written to its folder's <c>sweep.json</c>: the shared settings, the values of D and the number of
/// seeds. Every shard writes it or checks it, so that shards started with different flags cannot mix their runs in one table.
/// </summary>
/// <param name="Config">Settings shared by every run (its D and seed are those of the first item).</param>
/// <param name="Diffusions">Values of D, in the order given.</param>
/// <param name="Seeds">Seeds per D.</param>
internal sealed record SweepPlan(TrainingConfig Config, IReadOnlyList<double> Diffusions, int Seeds)
{
    /// <summary>Checks every setting of the grid, so that a bad value late in the list loses no work.</summary>
    public void Validate()
    {
        if (Diffusions.Count == 0) throw new UserErrorException("{Sweep.diffusions} needs at least one value, e.g. 0,1e-5,1e-4");
        if (Seeds < 1) throw new UserErrorException($"{{Sweep.seeds}} must be ≥ 1, got {Seeds}");
        foreach (double d in Diffusions) (Config with { Diffusion = d }).Validate();
        if (Diffusions.Distinct().Count() != Diffusions.Count)
            throw new UserErrorException($"{{Sweep.diffusions}} lists a value twice ({string.Join(",", Diffusions.Select(Sweep.Format))}); give each D once");
    }

    /// <summary>The runs, D-major and seed-minor: item k of this list belongs to shard k mod n.</summary>
    public IReadOnlyList<TrainingConfig> Items() =>
        Diffusions.SelectMany(d => Enumerable.Range(0, Seeds).Select(s => Config with { Diffusion = d, Seed = Config.Seed + s })).ToList();

    /// <summary>Writes the plan into <paramref name="directory"/>, or checks that the plan already there is this one (threads aside: each machine sets its own; the base D is not used).</summary>
    public void WriteOrCheck(string directory) =>
        PlanFile.WriteOrCheck(directory, Sweep.PlanFileName, this with { Config = Config with { Threads = 0, Diffusion = 0 } }, "sweep", "{Sweep.outDirectory}");

    /// <summary>Reads the plan of the sweep in <paramref name="directory"/>.</summary>
    public static SweepPlan Read(string directory)
    {
        var plan = PlanFile.Read<SweepPlan>(directory, Sweep.PlanFileName, "sweep");
        if (plan.Config is null || plan.Diffusions is null) throw new UserErrorException($"{Path.Combine(directory, Sweep.PlanFileName)} misses its settings; start the sweep in a new folder");
        return plan;
    }
}
