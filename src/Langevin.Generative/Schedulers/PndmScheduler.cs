using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Pseudo linear multistep (PLMS) sampling of Liu et al. (2022, PNDM) with skip_prk_steps, as diffusers'
/// <c>PNDMScheduler</c> does for Stable Diffusion: a fourth-order Adams–Bashforth combination of the last noise
/// predictions, plugged into the DDIM-like transfer φ(x_t, ε, t → t'). The first timestep is taken twice (a
/// second-order warm-up), so n steps make n + 1 model calls.
/// </summary>
public sealed class PndmScheduler : DiffusionScheduler
{
    private readonly List<Tensor> _history = [];
    private Tensor? _firstSample;
    private int _counter;

    /// <summary>Creates the sampler from a diffusers config (resolved for PNDMScheduler if it is not already).</summary>
    public PndmScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "PNDMScheduler"))
    {
        if (Config!.SkipPrkSteps != true)
            throw new UserErrorException("PNDM with Runge–Kutta warm-up steps (skip_prk_steps = false) is not supported; Stable Diffusion's configs set it to true");
        if (Prediction == PredictionType.Sample) throw new UserErrorException("PNDM supports prediction_type epsilon and v_prediction only");
    }

    /// <inheritdoc />
    public override void SetTimesteps(int inferenceSteps)
    {
        CheckInferenceSteps(inferenceSteps);
        // diffusers: ascending spacing t_0 < … < t_{n−1}, then [t_0 … t_{n−2}, t_{n−2}, t_{n−1}] reversed, so the
        // second-noisiest timestep is repeated.
        var descending = DiscreteTimesteps(inferenceSteps);
        var ascending = descending.Reverse().ToArray();
        int[] plms = [.. ascending[..^1], .. ascending.Length > 1 ? ascending[^2..^1] : [], ascending[^1]];
        UseTimesteps(plms.Reverse().Select(t => (double)t).ToArray(), inferenceSteps);
        Reset();
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int ratio = Schedule.Steps / InferenceSteps;
        int t = (int)timestep, previous = t - ratio;
        if (_counter != 1)
        {
            if (_history.Count > 3)
            {
                _history[0].Dispose();
                _history.RemoveAt(0);
            }
            _history.Add(modelOutput.alias().DetachFromDisposeScope());
        }
        else
        {
            // The repeated timestep: redo the first step from the first sample with the mean of both predictions.
            previous = t;
            t += ratio;
        }

        Tensor combined;
        var x = sample;
        if (_history.Count == 1 && _counter == 0)
        {
            combined = modelOutput;
            _firstSample = sample.alias().DetachFromDisposeScope();
        }
        else if (_history.Count == 1 && _counter == 1)
        {
            combined = (modelOutput + _history[^1]) / 2;
            x = _firstSample!;
        }
        else if (_history.Count == 2)
            combined = (_history[^1] * 3 - _history[^2]) / 2;
        else if (_history.Count == 3)
            combined = (_history[^1] * 23 - _history[^2] * 16 + _history[^3] * 5) / 12;
        else
            combined = (_history[^1] * 55 - _history[^2] * 59 + _history[^3] * 37 - _history[^4] * 9) * (1.0 / 24);

        var next = Transfer(x, t, previous, combined);
        if (_counter == 1)
        {
            _firstSample?.Dispose();
            _firstSample = null;
        }
        _counter++;
        return next.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// PNDM's transfer part φ (Liu et al. eq. 11): x_{t'} = √(ᾱ'/ᾱ)·x − (ᾱ' − ᾱ)·ε / (ᾱ·√(1−ᾱ') + √(ᾱ(1−ᾱ)ᾱ')), in float32 scalars.
    /// </summary>
    private Tensor Transfer(Tensor sample, int timestep, int previous, Tensor modelOutput)
    {
        float a = (float)AlphaBar(timestep), aPrev = (float)AlphaBar(previous);
        float beta = 1f - a, betaPrev = 1f - aPrev;
        var epsilon = Prediction == PredictionType.VPrediction ? modelOutput * MathF.Sqrt(a) + sample * MathF.Sqrt(beta) : modelOutput;
        float sampleCoefficient = MathF.Sqrt(aPrev / a);
        float denominator = a * MathF.Sqrt(betaPrev) + MathF.Sqrt(a * beta * aPrev);
        return sample * sampleCoefficient - epsilon * (aPrev - a) / denominator;
    }

    private void Reset()
    {
        foreach (var e in _history) e.Dispose();
        _history.Clear();
        _firstSample?.Dispose();
        _firstSample = null;
        _counter = 0;
    }
}
