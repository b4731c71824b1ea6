using TorchSharp.Modules;

namespace Langevin.Optim;

/// <summary>
/// Options of a parameter group of a Langevin optimizer, saved and loaded with the optimizer's state.
/// Units: <see cref="OptimizerOptions.LearningRate"/> lr is the step size; <see cref="diffusion"/> D is the
/// diffusion coefficient, so the noise added per step has variance 2·lr·D (std sqrt(2·lr·D)).
/// </summary>
/// <remarks>Lower-case field names follow TorchSharp's own optimizer options (e.g. SGD.Options.momentum).</remarks>
public class LangevinOptions : OptimizerOptions
{
    /// <summary>Diffusion coefficient D ≥ 0 (temperature per training example, see <see cref="ILangevinOptimizer"/>).</summary>
    public double? diffusion;

    /// <summary>L2 weight decay λ ≥ 0, added to the gradient as λ·θ (a Gaussian prior).</summary>
    public double? weight_decay;

    /// <summary>Seed of the noise.</summary>
    public long? seed;

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        base.SaveStateDict(writer);
        writer.Write(diffusion!.Value);
        writer.Write(weight_decay!.Value);
        writer.Write(seed!.Value);
    }

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader)
    {
        base.LoadStateDict(reader);
        diffusion = reader.ReadDouble();
        weight_decay = reader.ReadDouble();
        seed = reader.ReadInt64();
    }

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerOptions source)
    {
        base.LoadStateDict(source);
        var other = (LangevinOptions)source;
        diffusion = other.diffusion;
        weight_decay = other.weight_decay;
        seed = other.seed;
    }

    /// <summary>Fills unset options from <paramref name="defaults"/>.</summary>
    internal virtual void FillFrom(LangevinOptions defaults)
    {
        LearningRate ??= defaults.LearningRate;
        diffusion ??= defaults.diffusion;
        weight_decay ??= defaults.weight_decay;
        seed ??= defaults.seed;
    }
}
