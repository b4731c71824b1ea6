using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Exponential moving average of a module's parameters (Polyak averaging), the weights diffusion models
/// ship: θ̄ ← d·θ̄ + (1−d)·θ with d = min(decay, (1+n)/(10+n)) after n updates, so early averages are
/// not dominated by the random initialisation.
/// </summary>
internal sealed class Ema
{
    private readonly Parameter[] _source;
    private readonly Parameter[] _target;
    private readonly double _decay;

    public Ema(nn.Module source, nn.Module target, double decay)
    {
        _source = source.parameters().ToArray();
        _target = target.parameters().ToArray();
        if (_source.Length != _target.Length) throw new ArgumentException("EMA source and target modules differ");
        _decay = decay;
    }

    /// <summary>Sets the average to the current weights.</summary>
    public void Reset()
    {
        using var _ = no_grad();
        for (int i = 0; i < _source.Length; i++) _target[i].copy_(_source[i]);
    }

    /// <summary>One averaging step after the <paramref name="updates"/>-th optimiser update.</summary>
    public void Update(long updates)
    {
        double d = Math.Min(_decay, (1.0 + updates) / (10.0 + updates));
        using var _ = no_grad();
        for (int i = 0; i < _source.Length; i++) _target[i].mul_(d).add_(_source[i], alpha: 1 - d);
    }
}
