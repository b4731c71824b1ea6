using Langevin.Randomness;
using Langevin.Optim;
using TorchSharp;
using TorchSharp.Modules;

namespace Langevin.Training;

/// <summary>The optimizers the trainer can use.</summary>
public enum OptimizerKind
{
    /// <summary>TorchSharp's SGD (with optional momentum): the noise-free baseline.</summary>
    Sgd,

    /// <summary><see cref="SGLD"/>.</summary>
    Sgld,

    /// <summary><see cref="SGHMC"/>.</summary>
    Sghmc,

    /// <summary><see cref="PSGLD"/>.</summary>
    Psgld,

    /// <summary><see cref="SeedLiteral"/>: noise std D, independent of lr.</summary>
    SeedLiteral,
}

/// <summary>Parsing and construction of <see cref="OptimizerKind"/>.</summary>
public static class OptimizerKinds
{
    /// <summary>The accepted spellings.</summary>
    public const string Names = "sgd, sgld, sghmc, psgld, seed-literal";

    /// <summary>Parses a command-line name.</summary>
    public static OptimizerKind Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sgd" => OptimizerKind.Sgd,
        "sgld" => OptimizerKind.Sgld,
        "sghmc" => OptimizerKind.Sghmc,
        "psgld" => OptimizerKind.Psgld,
        "seed-literal" or "seedliteral" => OptimizerKind.SeedLiteral,
        _ => throw new UserErrorException($"{{TrainingConfig.Optimizer}} '{text}' is not an optimizer; use one of {Names}"),
    };

    /// <summary>The command-line name.</summary>
    public static string CommandLineName(this OptimizerKind kind) => kind == OptimizerKind.SeedLiteral ? "seed-literal" : kind.ToString().ToLowerInvariant();

    /// <summary>True for the optimizers that add noise (all but SGD).</summary>
    public static bool IsLangevin(this OptimizerKind kind) => kind != OptimizerKind.Sgd;

    /// <summary>Creates the optimizer of <paramref name="config"/> over <paramref name="parameters"/>.</summary>
    public static torch.optim.Optimizer Create(this OptimizerKind kind, IEnumerable<Parameter> parameters, TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long noiseSeed = (long)SeedTree.Key(config.Seed, SeedBranches.Noise);
        if (kind is not (OptimizerKind.Sgd or OptimizerKind.Sghmc) && config.Momentum != 0)
            throw new UserErrorException($"{{TrainingConfig.Momentum}} applies to sgd and sghmc only; {kind.CommandLineName()} has none (use sghmc for Langevin dynamics with momentum)");
        if (kind == OptimizerKind.Sgd && config.Diffusion != 0)
            throw new UserErrorException("{TrainingConfig.Diffusion} must be 0 with {TrainingConfig.Optimizer} sgd; use sgld (or sghmc with {TrainingConfig.Momentum}) to add Langevin noise");
        return kind switch
        {
            OptimizerKind.Sgd => torch.optim.SGD(parameters, config.LearningRate, momentum: config.Momentum, weight_decay: config.WeightDecay),
            OptimizerKind.Sgld => new SGLD(parameters, config.LearningRate, config.Diffusion, config.WeightDecay, noiseSeed),
            OptimizerKind.Sghmc => new SGHMC(parameters, config.LearningRate, config.Momentum, config.Diffusion, config.WeightDecay, noiseSeed),
            OptimizerKind.Psgld => new PSGLD(parameters, config.LearningRate, config.Diffusion, weight_decay: config.WeightDecay, seed: noiseSeed),
            OptimizerKind.SeedLiteral => new SeedLiteral(parameters, config.LearningRate, config.Diffusion, config.WeightDecay, noiseSeed),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
