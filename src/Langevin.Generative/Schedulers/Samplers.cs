namespace Langevin.Generative.Schedulers;

/// <summary>
/// Builds a sampler by name: the command line's kebab-case names (<c>euler-a</c>, <c>dpmpp-2m-karras</c>), the web UIs'
/// spellings ("Euler a", "DPM++ 2M Karras") and diffusers' class names (EulerAncestralDiscreteScheduler), case-insensitively.
/// </summary>
public static class Samplers
{
    private sealed record Entry(string Name, string WebUiName, string ClassName, Func<SchedulerConfig, DiffusionScheduler> Create, SchedulerConfig? Overrides = null);

    private static readonly Entry[] Entries =
    [
        new("ddim", "DDIM", "DDIMScheduler", c => new DdimScheduler(c)),
        new("ddpm", "DDPM", "DDPMScheduler", c => new DdpmScheduler(c)),
        new("pndm", "PLMS", "PNDMScheduler", c => new PndmScheduler(c), new SchedulerConfig { SkipPrkSteps = true }),
        new("lms", "LMS", "LMSDiscreteScheduler", c => new LmsScheduler(c)),
        new("euler", "Euler", "EulerDiscreteScheduler", c => new EulerScheduler(c)),
        new("euler-a", "Euler a", "EulerAncestralDiscreteScheduler", c => new EulerAncestralScheduler(c)),
        new("heun", "Heun", "HeunDiscreteScheduler", c => new HeunScheduler(c)),
        new("dpmpp-2m", "DPM++ 2M", "DPMSolverMultistepScheduler", c => new DpmSolverMultistepScheduler(c),
            new SchedulerConfig { SolverOrder = 2, AlgorithmType = "dpmsolver++", UseKarrasSigmas = false }),
        new("dpmpp-2m-karras", "DPM++ 2M Karras", "DPMSolverMultistepScheduler", c => new DpmSolverMultistepScheduler(c),
            new SchedulerConfig { SolverOrder = 2, AlgorithmType = "dpmsolver++", UseKarrasSigmas = true }),
        new("lcm", "LCM", "LCMScheduler", c => new LcmScheduler(c)),
    ];

    /// <summary>The canonical (command-line) names, in the order listed to users.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>
    /// The sampler <paramref name="name"/> over a model's scheduler config (its scheduler_config.json, usually saved for
    /// another class): keys the file lacks take the sampler class's defaults (diffusers' from_config), and the settings
    /// the name implies (Karras σ, solver order, PNDM without Runge–Kutta warm-up) are applied on top.
    /// </summary>
    public static DiffusionScheduler Create(string name, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        var entry = Find(name);
        var withName = entry.Overrides is null ? config : config.With(entry.Overrides);
        return entry.Create(withName.ResolveFor(entry.ClassName));
    }

    /// <summary>The canonical name for any accepted spelling of <paramref name="name"/>.</summary>
    public static string Canonical(string name) => Find(name ?? throw new ArgumentNullException(nameof(name))).Name;

    /// <summary>The canonical name for <paramref name="name"/>, or null when no sampler has that name.</summary>
    public static string? TryCanonical(string name)
    {
        try
        {
            return Canonical(name);
        }
        catch (UserErrorException)
        {
            return null;
        }
    }

    /// <summary>The web UIs' name of sampler <paramref name="name"/> ("Euler a", "DPM++ 2M Karras"; PNDM is their "PLMS").</summary>
    public static string WebUiName(string name) => Find(name ?? throw new ArgumentNullException(nameof(name))).WebUiName;

    /// <summary>The diffusers class that <paramref name="name"/> corresponds to.</summary>
    public static string DiffusersClass(string name) => Find(name ?? throw new ArgumentNullException(nameof(name))).ClassName;

    private static Entry Find(string name)
    {
        string key = Normalize(name);
        foreach (var entry in Entries)
            if (Normalize(entry.Name) == key) return entry;
        // A class name means that class with the config's own settings (e.g. DPMSolverMultistepScheduler keeps the
        // config's use_karras_sigmas), as diffusers' from_config does.
        foreach (var entry in Entries)
            if (Normalize(entry.ClassName) == key) return entry with { Overrides = null };
        if (Aliases.TryGetValue(key, out var canonical)) return Find(canonical);
        throw new UserErrorException($"unknown sampler '{name}'; use one of {string.Join(", ", Names)} (or the web UI names such as \"Euler a\", \"DPM++ 2M Karras\", or a diffusers scheduler class name)");
    }

    /// <summary>Web-UI spellings (normalized: lower case, letters and digits only) that do not normalize to a canonical name.</summary>
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["eulerancestral"] = "euler-a",
        ["dpm2m"] = "dpmpp-2m",
        ["dpmpp2m"] = "dpmpp-2m",
        ["dpmpp2mkarras"] = "dpmpp-2m-karras",
        ["dpm2mkarras"] = "dpmpp-2m-karras",
        ["dpmsolvermultistep"] = "dpmpp-2m",
        ["plms"] = "pndm",
        ["lmsdiscrete"] = "lms",
        ["eulerdiscrete"] = "euler",
        ["heundiscrete"] = "heun",
    };

    // "DPM++ 2M Karras", "dpmpp_2m_karras" and "DPMPP-2M-Karras" all become "dpmpp2mkarras".
    private static string Normalize(string name) =>
        new(name.ToLowerInvariant().Replace("++", "pp").Where(char.IsLetterOrDigit).ToArray());
}
