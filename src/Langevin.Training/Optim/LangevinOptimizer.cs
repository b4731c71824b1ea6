using Langevin.Randomness;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Common plumbing of the Langevin optimizers, built on TorchSharp's <see cref="OptimizerHelper"/> like
/// its own SGD: parameter groups with their options, per-parameter state, <c>step()</c> under no_grad,
/// and <c>save_state_dict</c>/<c>load_state_dict</c> that round-trip everything (options, seed, step counts,
/// buffers), so a resumed run continues exactly.
/// </summary>
/// <typeparam name="TOptions">Options type of the groups.</typeparam>
public abstract class LangevinOptimizer<TOptions> : OptimizerHelper, ILangevinOptimizer
    where TOptions : LangevinOptions, new()
{
    /// <summary>Elements per span handed to the noise generator: a span covers at most 2³¹ − 1 bytes.</summary>
    private const long SpanElements = 1 << 28;

    private int _parameterCount;

    /// <summary>Checks the common arguments and stores the defaults; derived constructors then add the groups.</summary>
    protected LangevinOptimizer(TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        CheckNonNegative(defaults.LearningRate ?? double.NaN, "learning rate");
        CheckNonNegative(defaults.diffusion ?? double.NaN, "diffusion coefficient D");
        CheckNonNegative(defaults.weight_decay ?? 0, "weight decay");
        defaults.weight_decay ??= 0;
        defaults.seed ??= SeedTree.Fresh();
        defaults.InitialLearningRate = defaults.LearningRate!.Value;
        _defaults = defaults;
        _parameter_groups = new List<TorchSharp.Modules.ParamGroup>();
    }

    /// <inheritdoc />
    public double Diffusion
    {
        get => ((TOptions)_parameter_groups[0].Options).diffusion!.Value;
        set
        {
            CheckNonNegative(value, "diffusion coefficient D");
            foreach (var group in _parameter_groups) ((TOptions)group.Options).diffusion = value;
        }
    }

    /// <inheritdoc />
    public long Seed => ((TOptions)_defaults).seed!.Value;

    /// <inheritdoc />
    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        param_group.Options ??= new TOptions();
        var options = (TOptions)param_group.Options;
        options.FillFrom((TOptions)_defaults);
        options.InitialLearningRate = options.LearningRate!.Value;
        _parameter_groups.Add(param_group);
        foreach (var parameter in param_group.Parameters)
        {
            var state = CreateState(parameter, _parameterCount++);
            state.Initialize(options);
            _state[parameter.Handle] = state;
        }
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) =>
        _step<TorchSharp.Modules.ParamGroup>(group =>
        {
            var options = (TOptions)group.Options;
            foreach (var parameter in group.Parameters)
            {
                if (parameter.grad is not { } grad) continue;
                var state = (LangevinState)_state[parameter.Handle];
                // L2 weight decay (a Gaussian prior) joins the gradient the same way for every optimizer.
                if (options.weight_decay is { } decay && decay != 0)
                {
                    using Scalar alpha = decay;
                    grad = grad.add(parameter, alpha: alpha);
                }
                Update(parameter, grad, options, state);
                state.step++;
            }
        }, closure!);

    /// <summary>Applies one update to <paramref name="parameter"/>; runs under no_grad inside a dispose scope.</summary>
    /// <param name="parameter">The parameter, updated in place.</param>
    /// <param name="grad">Its gradient (of the mean minibatch loss), with the weight decay already added.</param>
    /// <param name="options">Its group's options, read now: schedules may have changed lr and D.</param>
    /// <param name="state">Its state; <see cref="LangevinState.step"/> is the number of steps before this one.</param>
    /// <remarks>
    /// Implementations pass numbers to libtorch as explicit <see cref="Scalar"/>s disposed after the calls (<c>using
    /// Scalar s = x;</c>), never as implicitly converted doubles: TorchSharp hands an implicit Scalar's native pointer to
    /// libtorch and leaves the object to the finalizer, which can free it while the call still reads it (seen as a
    /// random abort, "Expected false to be true" in c10::Scalar::toFloat, in long runs on a loaded machine). That includes
    /// the factor 1 that TorchSharp's one-argument <c>add_</c> overloads convert implicitly: give it as an explicit Scalar.
    /// </remarks>
    protected abstract void Update(Parameter parameter, Tensor grad, TOptions options, LangevinState state);

    /// <summary>Creates the state of a parameter.</summary>
    protected virtual LangevinState CreateState(Parameter parameter, int index) => new(parameter, index);

    /// <summary>
    /// Standard normal noise shaped like <paramref name="like"/> (a parameter or a buffer of it) times
    /// <paramref name="std"/>, for the parameter of <paramref name="state"/> at this step: a pure function of
    /// (seed, parameter index, step), drawn by the library's counter-based Box–Muller generator.
    /// </summary>
    /// <remarks>
    /// The numbers are computed in float32 on the CPU, then converted and copied for other types and devices: a
    /// float64 parameter gets float32-rounded noise (relative error 6e-8, far below the noise itself), and a GPU
    /// parameter pays a host-to-device copy per step.
    /// </remarks>
    protected Tensor Noise(Tensor like, LangevinState state, double std, TOptions options)
    {
        var noise = empty(like.shape, ScalarType.Float32, CPU);
        WriteNoise(noise, NoiseKey(state, options), (float)std, add: false);
        if (like.dtype == ScalarType.Float32 && like.device_type == DeviceType.CPU) return noise;
        using (noise) return noise.to(like.dtype, like.device);
    }

    /// <summary>
    /// Adds <see cref="Noise"/> to <paramref name="target"/> in place; for a contiguous float32 tensor on the CPU
    /// without allocating, with the same result bit for bit.
    /// </summary>
    /// <remarks>
    /// The in-place path writes the tensor's memory directly, which autograd's version counter does not see. Call it
    /// from <see cref="Update"/> only, on state buffers or on a parameter already changed in place in this step (as
    /// every optimizer here does with the drift), so a graph that saved the old values is still flagged as stale.
    /// </remarks>
    protected void AddNoise(Tensor target, LangevinState state, double std, TOptions options)
    {
        if (target.dtype == ScalarType.Float32 && target.device_type == DeviceType.CPU && target.is_contiguous())
            WriteNoise(target, NoiseKey(state, options), (float)std, add: true);
        else
        {
            using Scalar one = 1.0;
            target.add_(Noise(target, state, std, options), one);
        }
    }

    private static ulong NoiseKey(LangevinState state, TOptions options) =>
        SeedTree.Key(options.seed!.Value, state.Index, state.step);

    /// <summary>Fills, or adds to, a contiguous float32 CPU tensor with the stream of <paramref name="key"/> times <paramref name="std"/>.</summary>
    private static void WriteNoise(Tensor tensor, ulong key, float std, bool add)
    {
        long count = tensor.numel();
        if (count <= SpanElements) // every tensor of a usual model: no view and narrow calls on the step's hot path
        {
            Write(tensor, 0);
            return;
        }
        using var flat = tensor.view(-1);
        for (long first = 0; first < count; first += SpanElements)
        {
            using var part = flat.narrow(0, first, Math.Min(SpanElements, count - first));
            Write(part, first);
        }

        void Write(Tensor part, long first)
        {
            var span = MemoryMarshal.Cast<byte, float>(part.bytes);
            if (add) CounterNormal.Add(span, key, std, first);
            else CounterNormal.Fill(span, key, std, first);
        }
    }

    /// <summary>Throws <see cref="UserErrorException"/> for a negative or non-finite value.</summary>
    protected static void CheckNonNegative(double value, string what)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new UserErrorException($"{what} must be a finite number ≥ 0, got {value}");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (_, state) in _state) (state as IDisposable)?.Dispose();
        }
        base.Dispose(disposing);
    }
}
