using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Stochastic gradient Hamiltonian Monte Carlo (Chen et al., 2014) in the parametrisation of SGD with
/// momentum μ (friction 1 − μ). In velocity form, v = −lr·b with b the momentum buffer:
/// v ← μ·v − lr·g + N(0, 2·lr·(1−μ)·D), θ ← θ + v. It is implemented on TorchSharp's buffer b exactly as
/// its SGD does (b ← μ·b + g, θ ← θ − lr·b) with noise of variance 2·(1−μ)·D/lr added to b, so that
/// D = 0 is TorchSharp's SGD with momentum (no dampening, no Nesterov) bit for bit.
/// </summary>
/// <remarks>
/// The noise-gradient estimate β̂ of the paper is taken as 0. The stationary density is ∝ exp(−L/D) as
/// lr → 0 for every μ; μ = 0 is <see cref="SGLD"/>.
/// </remarks>
public sealed class SGHMC : LangevinOptimizer<SGHMC.Options>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Step size lr; must be &gt; 0 when D &gt; 0.</param>
    /// <param name="momentum">Momentum μ ∈ [0, 1).</param>
    /// <param name="diffusion">Diffusion coefficient D ≥ 0.</param>
    /// <param name="weight_decay">L2 weight decay λ ≥ 0 (a Gaussian prior).</param>
    /// <param name="seed">Seed of the noise; null draws one at random.</param>
    public SGHMC(IEnumerable<Parameter> parameters, double lr, double momentum, double diffusion, double weight_decay = 0, long? seed = null)
        : base(new Options { LearningRate = lr, momentum = momentum, diffusion = diffusion, weight_decay = weight_decay, seed = seed })
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new UserErrorException($"SGHMC momentum must be in [0, 1) (friction 1 − momentum > 0), got {momentum}");
        if (diffusion > 0 && !(lr > 0))
            throw new UserErrorException($"SGHMC needs a learning rate > 0 when the diffusion coefficient is > 0, got lr = {lr}");
        add_param_group(new ParamGroup<Options> { Parameters = parameters });
    }

    /// <inheritdoc />
    protected override LangevinState CreateState(Parameter parameter, int index) => new State(parameter, index);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, Options options, LangevinState langevinState)
    {
        var state = (State)langevinState;
        double lr = options.LearningRate!.Value;
        double momentum = options.momentum!.Value;
        double diffusion = options.diffusion!.Value;
        // Explicit scalars: see the remarks of LangevinOptimizer.Update.
        using Scalar keep = momentum, one = 1.0, step = -lr;

        if (state.momentum_buffer is null)
            state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
        else
            state.momentum_buffer.mul_(keep).add_(grad, alpha: one);

        if (diffusion > 0 && lr > 0)
            AddNoise(state.momentum_buffer, state, Math.Sqrt(2 * (1 - momentum) * diffusion / lr), options);

        parameter.add_(state.momentum_buffer, alpha: step);
    }

    /// <summary>SGHMC options: those of every Langevin optimizer plus the momentum μ.</summary>
    public sealed class Options : LangevinOptions
    {
        /// <summary>Momentum μ ∈ [0, 1); the friction is 1 − μ.</summary>
        public double? momentum;

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(momentum!.Value);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            momentum = reader.ReadDouble();
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            momentum = ((Options)source).momentum;
        }

        internal override void FillFrom(LangevinOptions defaults)
        {
            base.FillFrom(defaults);
            momentum ??= ((Options)defaults).momentum;
        }
    }

    /// <summary>SGHMC per-parameter state: the step count and the momentum buffer b.</summary>
    public sealed class State : LangevinState
    {
        /// <summary>Creates an empty state.</summary>
        public State(Parameter parameter, int index) : base(parameter, index) { }

        /// <summary>Momentum buffer b (null before the first step).</summary>
        public Tensor? momentum_buffer;

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            SaveTensor(writer, momentum_buffer);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            LoadTensor(reader, ref momentum_buffer);
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerState source)
        {
            base.LoadStateDict(source);
            CopyTensor(((State)source).momentum_buffer, ref momentum_buffer);
        }

        /// <inheritdoc />
        public override void to(Device device) => momentum_buffer = momentum_buffer?.to(device);

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing) momentum_buffer?.Dispose();
        }
    }
}
