using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Adam Langevin Monte Carlo, the update of Ishfaq et al.'s Adam LMCDQN ("Provable and practical: efficient exploration in
/// reinforcement learning via Langevin Monte Carlo", ICLR 2024, Algorithm 2): m ← β₁·m + (1−β₁)·g,
/// v ← β₂·v + (1−β₂)·g⊙g, θ ← θ − lr·(g + a·m ⊘ (sqrt(v) + λ)) + N(0, 2·lr·D) — plain Langevin dynamics on the loss
/// whose drift is biased along Adam's direction by the factor a. D = 1/β is the paper's inverse of the inverse
/// temperature β.
/// </summary>
public sealed class AdamLangevin : LangevinOptimizer<AdamLangevin.Options>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Step size lr ≥ 0.</param>
    /// <param name="diffusion">Diffusion coefficient D ≥ 0.</param>
    /// <param name="bias">The factor a of Adam's direction in the drift (the paper's bias factor).</param>
    /// <param name="beta1">Decay β₁ ∈ [0, 1) of the gradient average.</param>
    /// <param name="beta2">Decay β₂ ∈ [0, 1) of the squared-gradient average.</param>
    /// <param name="eps">λ &gt; 0 added to sqrt(v).</param>
    /// <param name="weight_decay">L2 weight decay (a Gaussian prior).</param>
    /// <param name="seed">Seed of the noise; null draws one at random.</param>
    public AdamLangevin(IEnumerable<Parameter> parameters, double lr, double diffusion, double bias = 1, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, long? seed = null)
        : base(new Options { LearningRate = lr, diffusion = diffusion, bias = bias, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = weight_decay, seed = seed })
    {
        if (!(bias >= 0) || double.IsInfinity(bias)) throw new ArgumentOutOfRangeException(nameof(bias), bias, "the bias factor must be a finite number ≥ 0");
        CheckMoments(beta1, beta2, eps);
        add_param_group(new ParamGroup<Options> { Parameters = parameters });
    }

    /// <summary>Checks the settings of Adam's averages m and v (here and in <see cref="Adam"/>).</summary>
    internal static void CheckMoments(double beta1, double beta2, double eps)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1)");
        if (!(eps > 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "must be a finite number > 0");
    }

    /// <inheritdoc />
    protected override LangevinState CreateState(Parameter parameter, int index) => new State(parameter, index);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, Options options, LangevinState langevinState)
    {
        var state = (State)langevinState;
        double lr = options.LearningRate!.Value;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
        double diffusion = options.diffusion!.Value;
        // Explicit scalars: see the remarks of LangevinOptimizer.Update.
        using Scalar eps = options.eps!.Value, one = 1.0, step = -lr, biasedStep = -lr * options.bias!.Value;

        var (average, squareAverage) = state.UpdateMoments(parameter, grad, beta1, beta2);
        var denominator = squareAverage.sqrt().add_(eps, one);
        parameter.add_(grad, alpha: step).addcdiv_(average, denominator, value: biasedStep);

        double variance = 2 * lr * diffusion;
        if (variance > 0) AddNoise(parameter, state, Math.Sqrt(variance), options);
    }

    /// <summary>Adam Langevin options: those of every Langevin optimizer plus a, β₁, β₂ and λ (eps).</summary>
    public sealed class Options : LangevinOptions
    {
        /// <summary>Bias factor a.</summary>
        public double? bias;

        /// <summary>Decay β₁ of the gradient average.</summary>
        public double? beta1;

        /// <summary>Decay β₂ of the squared-gradient average.</summary>
        public double? beta2;

        /// <summary>λ added to sqrt(v).</summary>
        public double? eps;

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(bias!.Value);
            writer.Write(beta1!.Value);
            writer.Write(beta2!.Value);
            writer.Write(eps!.Value);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            bias = reader.ReadDouble();
            beta1 = reader.ReadDouble();
            beta2 = reader.ReadDouble();
            eps = reader.ReadDouble();
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var o = (Options)source;
            (bias, beta1, beta2, eps) = (o.bias, o.beta1, o.beta2, o.eps);
        }

        internal override void FillFrom(LangevinOptions defaults)
        {
            base.FillFrom(defaults);
            var o = (Options)defaults;
            bias ??= o.bias;
            beta1 ??= o.beta1;
            beta2 ??= o.beta2;
            eps ??= o.eps;
        }
    }

    /// <summary>Adam Langevin per-parameter state: the step count and the averages m and v.</summary>
    public sealed class State : LangevinState
    {
        /// <summary>Creates an empty state.</summary>
        public State(Parameter parameter, int index) : base(parameter, index) { }

        /// <summary>Running average m of g (null before the first step).</summary>
        public Tensor? exp_avg;

        /// <summary>Running average v of g⊙g (null before the first step).</summary>
        public Tensor? exp_avg_sq;

        /// <summary>m ← β₁·m + (1−β₁)·g and v ← β₂·v + (1−β₂)·g⊙g, from zero at the first step; returns (m, v).</summary>
        internal (Tensor Average, Tensor SquareAverage) UpdateMoments(Tensor parameter, Tensor grad, double beta1, double beta2)
        {
            // Explicit scalars: see the remarks of LangevinOptimizer.Update.
            using Scalar decay1 = beta1, keep1 = 1 - beta1, decay2 = beta2, keep2 = 1 - beta2;
            exp_avg ??= zeros_like(parameter).DetachFromDisposeScope();
            exp_avg_sq ??= zeros_like(parameter).DetachFromDisposeScope();
            exp_avg.mul_(decay1).add_(grad, alpha: keep1);
            exp_avg_sq.mul_(decay2).addcmul_(grad, grad, value: keep2);
            return (exp_avg, exp_avg_sq);
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            SaveTensor(writer, exp_avg);
            SaveTensor(writer, exp_avg_sq);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            LoadTensor(reader, ref exp_avg);
            LoadTensor(reader, ref exp_avg_sq);
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerState source)
        {
            base.LoadStateDict(source);
            CopyTensor(((State)source).exp_avg, ref exp_avg);
            CopyTensor(((State)source).exp_avg_sq, ref exp_avg_sq);
        }

        /// <inheritdoc />
        public override void to(Device device)
        {
            exp_avg = exp_avg?.to(device);
            exp_avg_sq = exp_avg_sq?.to(device);
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (!disposing) return;
            exp_avg?.Dispose();
            exp_avg_sq?.Dispose();
        }
    }
}
