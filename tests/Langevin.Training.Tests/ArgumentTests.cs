using Langevin.Optim;
using Langevin.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

public sealed class ArgumentTests
{
    public ArgumentTests() => Helpers.Torch();

    [Fact]
    public void Optimizers_reject_bad_arguments()
    {
        using var p = Helpers.Flat(4);
        Assert.Throws<UserErrorException>(() => new SGLD([p], -0.1, 0));
        Assert.Throws<UserErrorException>(() => new SGLD([p], 0.1, -1e-3));
        Assert.Throws<UserErrorException>(() => new SGLD([p], 0.1, double.NaN));
        Assert.Throws<UserErrorException>(() => new SGLD([p], 0.1, 0, weight_decay: -1));
        Assert.Throws<UserErrorException>(() => new SGHMC([p], 0.1, 1.0, 0));
        Assert.Throws<UserErrorException>(() => new SGHMC([p], 0.1, -0.1, 0));
        Assert.Throws<UserErrorException>(() => new SGHMC([p], 0, 0.9, 1e-3));
        Assert.Throws<UserErrorException>(() => new PSGLD([p], 0.1, 0, alpha: 1));
        Assert.Throws<UserErrorException>(() => new PSGLD([p], 0.1, 0, eps: 0));
        using var sgld = new SGLD([p], 0.1, 0, seed: 1);
        Assert.Throws<UserErrorException>(() => sgld.Diffusion = -1);
    }

    [Theory]
    [InlineData("lr")]
    [InlineData("momentum")]
    [InlineData("diffusion")]
    [InlineData("epochs")]
    [InlineData("batch")]
    [InlineData("schedule")]
    [InlineData("sgld-momentum")]
    [InlineData("sgd-diffusion")]
    [InlineData("validation")]
    [InlineData("lr-overflow")]
    [InlineData("threads")]
    [InlineData("divergence")]
    [InlineData("batch-over-data")]
    public void Trainer_rejects_bad_configurations(string what)
    {
        var good = new TrainingConfig { Optimizer = OptimizerKind.Sgld, Diffusion = 1e-4, ValidationCount = 10, Epochs = 1 };
        var bad = what switch
        {
            "lr" => good with { LearningRate = 0 },
            "momentum" => good with { Optimizer = OptimizerKind.Sghmc, Momentum = 1 },
            "diffusion" => good with { Diffusion = -1 },
            "epochs" => good with { Epochs = 0 },
            "batch" => good with { BatchSize = 0 },
            "schedule" => good with { DiffusionSchedule = "sometimes" },
            "sgld-momentum" => good with { Momentum = 0.9 },
            "sgd-diffusion" => good with { Optimizer = OptimizerKind.Sgd },
            "validation" => good with { ValidationCount = 40 },
            // Beyond float32: torch could not even apply it (it used to be an overflow trace).
            "lr-overflow" => good with { LearningRate = 1e300 },
            "threads" => good with { Threads = Environment.ProcessorCount + 1 },
            "divergence" => good with { DivergenceFactor = -1 },
            "batch-over-data" => good with { BatchSize = 31 },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        using var train = Helpers.Synthetic(40, seed: 1);
        using var test = Helpers.Synthetic(10, seed: 2);
        Assert.Throws<UserErrorException>(() => new Trainer(bad, train, test, null).Dispose());
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("")]
    public void Unknown_names_are_user_errors(string name)
    {
        Assert.Throws<UserErrorException>(() => OptimizerKinds.Parse(name));
        Assert.Throws<UserErrorException>(() => ModelKinds.Parse(name));
    }
}
