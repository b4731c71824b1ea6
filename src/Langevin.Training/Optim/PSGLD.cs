using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Preconditioned SGLD (Li et al., AAAI 2016) with the RMSprop preconditioner:
/// V ← α·V + (1−α)·g⊙g, G = 1/(λ + sqrt(V)), θ ← θ − lr·G⊙g + N(0, 2·lr·D·G) (elementwise).
/// The operations mirror TorchSharp's RMSprop (not centered, no momentum), so D = 0 is RMSprop with
/// eps = λ. The Γ(θ) correction term of the paper is omitted, as the paper recommends in practice.
/// </summary>
public sealed class PSGLD : LangevinOptimizer<PSGLD.Options>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Step size lr ≥ 0.</param>
    /// <param name="diffusion">Diffusion coefficient D ≥ 0.</param>
    /// <param name="alpha">Decay α ∈ [0, 1) of the squared-gradient average.</param>
    /// <param name="eps">λ &gt; 0 added to sqrt(V); bounds the preconditioner G ≤ 1/λ.</param>
    /// <param name="weight_decay">L2 weight decay (a Gaussian prior).</param>
    /// <param name="seed">Seed of the noise; null draws one at random.</param>
    public PSGLD(IEnumerable<Parameter> parameters, double lr, double diffusion, double alpha = 0.99, double eps = 1e-5, double weight_decay = 0, long? seed = null)
        : base(new Options { LearningRate = lr, diffusion = diffusion, alpha = alpha, eps = eps, weight_decay = weight_decay, seed = seed })
    {
        if (!(alpha >= 0 && alpha < 1)) throw new UserErrorException($"PSGLD alpha must be in [0, 1), got {alpha}");
        if (!(eps > 0) || double.IsInfinity(eps)) throw new UserErrorException($"PSGLD eps must be a finite number > 0, got {eps}");
        add_param_group(new ParamGroup<Options> { Parameters = parameters });
    }

    /// <inheritdoc />
    protected override LangevinState CreateState(Parameter parameter, int index) => new State(parameter, index);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, Options options, LangevinState langevinState)
    {
        var state = (State)langevinState;
        double lr = options.LearningRate!.Value;
        double alpha = options.alpha!.Value;
        double diffusion = options.diffusion!.Value;
        // Explicit scalars: see the remarks of LangevinOptimizer.Update.
        using Scalar decayAverage = alpha, keep = 1 - alpha, eps = options.eps!.Value, one = 1.0, step = -lr;

        state.square_avg ??= zeros_like(parameter).DetachFromDisposeScope();
        state.square_avg.mul_(decayAverage).addcmul_(grad, grad, value: keep);
        var avg = state.square_avg.sqrt().add_(eps, one);
        parameter.addcdiv_(grad, avg, value: step);

        double variance = 2 * lr * diffusion;
        if (variance > 0)
            parameter.add_(Noise(parameter, state, Math.Sqrt(variance), options).mul_(avg.rsqrt()), one);
    }

    /// <summary>PSGLD options: those of every Langevin optimizer plus α and λ (eps).</summary>
    public sealed class Options : LangevinOptions
    {
        /// <summary>Decay α of the squared-gradient average.</summary>
        public double? alpha;

        /// <summary>λ added to sqrt(V).</summary>
        public double? eps;

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(alpha!.Value);
            writer.Write(eps!.Value);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            alpha = reader.ReadDouble();
            eps = reader.ReadDouble();
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            alpha = ((Options)source).alpha;
            eps = ((Options)source).eps;
        }

        internal override void FillFrom(LangevinOptions defaults)
        {
            base.FillFrom(defaults);
            alpha ??= ((Options)defaults).alpha;
            eps ??= ((Options)defaults).eps;
        }
    }

    /// <summary>PSGLD per-parameter state: the step count and the squared-gradient average V.</summary>
    public sealed class State : LangevinState
    {
        /// <summary>Creates an empty state.</summary>
        public State(Parameter parameter, int index) : base(parameter, index) { }

        /// <summary>Running average V of g⊙g (null before the first step).</summary>
        public Tensor? square_avg;

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            SaveTensor(writer, square_avg);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            LoadTensor(reader, ref square_avg);
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerState source)
        {
            base.LoadStateDict(source);
            CopyTensor(((State)source).square_avg, ref square_avg);
        }

        /// <inheritdoc />
        public override void to(Device device) => square_avg = square_avg?.to(device);

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing) square_avg?.Dispose();
        }
    }
}
