using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Langevin.Generative.Schedulers;
using Langevin.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// Every sampler against diffusers 0.27.2 on the fixture's fake model (reference.json → conventions): timesteps, σ,
/// init_noise_sigma, each model input and each step's sample, and the generator's draws of the stochastic samplers.
/// </summary>
public sealed class SamplerReferenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<SafeTensorsFile> Tensors = new(() =>
    {
        TorchRuntime.EnsureLoaded();
        return SafeTensorsFile.Open(SdFixture.PathOf("reference.safetensors"));
    });

    /// <summary>The case ids of reference.json's scheduler section.</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in SdFixture.Reference.GetProperty("sections").GetProperty("schedulers").EnumerateArray())
            data.Add(c.GetProperty("id").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sampler_matches_diffusers(string id)
    {
        TorchRuntime.EnsureLoaded();
        var c = Case(id);
        string prefix = c.GetProperty("prefix").GetString()!;
        var sampler = Samplers.Create(c.GetProperty("class").GetString()!, BaseConfig().With(Overrides(c)));
        int steps = c.GetProperty("num_inference_steps").GetInt32();
        sampler.SetTimesteps(steps);
        var f = Tensors.Value;

        using var expectedTimesteps = f.Read(prefix + ".timesteps").to_type(ScalarType.Float64);
        Check(prefix + ".timesteps", expectedTimesteps, tensor(sampler.Timesteps.ToArray()));
        if (f.Contains(prefix + ".sigmas"))
            Check(prefix + ".sigmas", f.Read(prefix + ".sigmas"), tensor(sampler.Sigmas.ToArray()));
        double initSigma = c.GetProperty("init_noise_sigma").GetDouble();
        Assert.True(Math.Abs(sampler.InitNoiseSigma - initSigma) <= 1e-6 * Math.Max(1, initSigma), $"init_noise_sigma {sampler.InitNoiseSigma} vs {initSigma}");
        Assert.Equal(c.GetProperty("num_step_calls").GetInt32(), sampler.Timesteps.Count);

        var (a, b, scale) = FakeModel();
        using var inputs = f.Read(prefix + ".model_inputs");
        using var outputs = f.Read(prefix + ".model_outputs");
        using var trajectory = f.Read(prefix + ".trajectory");
        using var denoised = f.Contains(prefix + ".denoised") ? f.Read(prefix + ".denoised") : null;
        var seed = c.GetProperty("generator_seed");
        var generator = seed.ValueKind == JsonValueKind.Null ? null : new Generator((ulong)seed.GetInt64());
        double inputError = 0, outputError = 0, stepError = 0, denoisedError = 0;
        var x = f.Read("sched.initial_noise") * (float)sampler.InitNoiseSigma;
        for (int i = 0; i < sampler.Timesteps.Count; i++)
        {
            using var scope = NewDisposeScope();
            double t = sampler.Timesteps[i];
            var input = sampler.ScaleModelInput(x, t);
            inputError = Math.Max(inputError, MaxError(inputs[i], input));
            // The fixture's fake model: a·tanh(b·x_in) + c·float(t)/1000, the scalar term summed in double as Python does.
            var modelOutput = (input * b).tanh() * a + scale * t / 1000;
            outputError = Math.Max(outputError, MaxError(outputs[i], modelOutput));
            Tensor next;
            if (sampler is LcmScheduler lcm)
            {
                (next, var d) = lcm.StepWithDenoised(modelOutput, t, x, generator);
                denoisedError = Math.Max(denoisedError, MaxError(denoised![i], d));
            }
            else
                next = sampler.Step(modelOutput, t, x, generator);
            stepError = Math.Max(stepError, MaxError(trajectory[i], next));
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
        }
        x.Dispose();
        output.WriteLine($"{id}: model_inputs {inputError:G3}, model_outputs {outputError:G3}, trajectory {stepError:G3}, denoised {denoisedError:G3}");
        Assert.True(inputError <= SdFixture.Tolerance(prefix + ".model_inputs"), $"model inputs differ by {inputError}");
        Assert.True(outputError <= SdFixture.Tolerance(prefix + ".model_outputs"), $"model outputs differ by {outputError}");
        Assert.True(stepError <= SdFixture.Tolerance(prefix + ".trajectory"), $"trajectory differs by {stepError}");
        if (denoised is not null) Assert.True(denoisedError <= SdFixture.Tolerance(prefix + ".denoised"), $"denoised differs by {denoisedError}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generator_draws_the_step_noise_diffusers_drew(string id)
    {
        TorchRuntime.EnsureLoaded();
        var c = Case(id);
        string name = c.GetProperty("prefix").GetString() + ".step_noise";
        if (!Tensors.Value.Contains(name)) return; // a deterministic sampler draws nothing
        using var expected = Tensors.Value.Read(name);
        var generator = new Generator((ulong)c.GetProperty("generator_seed").GetInt64());
        using var drawn = stack(Enumerable.Range(0, (int)expected.shape[0])
            .Select(_ => randn(expected.shape[1..], generator: generator)).ToArray());
        Check(name, expected, drawn);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Config_reader_resolves_like_from_config(string id)
    {
        var c = Case(id);
        var resolved = BaseConfig().With(Overrides(c)).ResolveFor(c.GetProperty("class").GetString()!).ToJson();
        var expected = JsonNode.Parse(c.GetProperty("config").GetRawText())!.AsObject();
        foreach (var key in SupportedKeys())
        {
            var mine = resolved[key];
            var theirs = expected.TryGetPropertyValue(key, out var value) ? value : null;
            Assert.True(JsonNode.DeepEquals(mine, theirs), $"{key}: {mine?.ToJsonString() ?? "absent"} vs diffusers {theirs?.ToJsonString() ?? "absent"}");
        }
    }

    [Fact]
    public void Generator_fingerprints_match_torch()
    {
        TorchRuntime.EnsureLoaded();
        var rng = SdFixture.Reference.GetProperty("rng");
        using var vectorised = randn([2, 4, 8, 8], generator: new Generator(0)).flatten();
        using var scalarPath = randn([8], generator: new Generator(0));
        var big = rng.GetProperty("fingerprint").GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var small = rng.GetProperty("fingerprint_small").GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(big, vectorised.data<float>().ToArray()[..big.Length]);
        Assert.Equal(small, scalarPath.data<float>().ToArray()[..small.Length]);
    }

    private void Check(string name, Tensor expected, Tensor actual)
    {
        double error = MaxError(expected, actual), tolerance = SdFixture.Tolerance(name);
        output.WriteLine($"{name}: max error {error:G3} (tolerance {tolerance:G3})");
        Assert.True(error <= tolerance, $"{name} differs by {error} (tolerance {tolerance})");
    }

    private static double MaxError(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var difference = (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs();
        return difference.max().item<double>();
    }

    private static JsonElement Case(string id) =>
        SdFixture.Reference.GetProperty("sections").GetProperty("schedulers").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static SchedulerConfig BaseConfig() => SchedulerConfig.Load(SdFixture.PathOf("tiny-sd", "scheduler", "scheduler_config.json"));

    private static SchedulerConfig Overrides(JsonElement c) => SchedulerConfig.Parse(c.GetProperty("from_config_overrides").GetRawText());

    private static (float A, float B, double C) FakeModel()
    {
        // "[0.5, 1.0, 0.01]" in the conventions text.
        string text = SdFixture.Reference.GetProperty("conventions").GetProperty("fake_model_for_scheduler_fixtures").GetString()!;
        var numbers = text[(text.IndexOf('[') + 1)..text.IndexOf(']')].Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return ((float)numbers[0], (float)numbers[1], numbers[2]);
    }

    private static IEnumerable<string> SupportedKeys() =>
        typeof(SchedulerConfig).GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>().Where(k => k != "_class_name");
}
