using System.Diagnostics;
using System.Globalization;
using System.Text;
using Langevin.Generative.StableDiffusion;
using TorchSharp;
using static TorchSharp.torch;

// Usage: Langevin.Generative.Bench unet [CALLS] [THREADS] [SEED]
// One full-size Stable Diffusion 1.5 UNet (diffusers' UNet2DConditionModel configuration of
// runwayml/stable-diffusion-v1-5) with seeded random weights, called on latents (2, 4, 64, 64) at timestep 500 with
// text states (2, 77, 768): batch 2, as classifier-free guidance runs it. One warm-up call, then CALLS timed calls
// under inference mode. Prints one JSON line: seconds per call (mean of the timed calls, and each; wall clock, and the
// process's CPU seconds, which a machine shared with other jobs disturbs less), peak RSS
// (VmHWM of /proc/self/status over the whole process: build, fill, warm-up and calls), the peak of the calls alone
// (VmHWM reset through /proc/self/clear_refs after the fill), parameter count and float32 weight bytes.
//    or: Langevin.Generative.Bench model sd15|sd-turbo FOLDER [SEED]
// Writes a full-size diffusers folder with seeded random weights (RandomModelFolder), for bench/sd-image-speed.sh to
// time whole generations with `langevin generate`.
if (args.Length >= 3 && args[0] == "model")
    return RandomModelFolder.Write(args[1], args[2], args.Length > 3 ? ulong.Parse(args[3], CultureInfo.InvariantCulture) : 0);
if (args.Length < 1 || args[0] != "unet")
{
    Console.Error.WriteLine("usage: Langevin.Generative.Bench unet [CALLS] [THREADS] [SEED] | model sd15|sd-turbo FOLDER [SEED]");
    return 2;
}
int calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
ulong seed = args.Length > 3 ? ulong.Parse(args[3], CultureInfo.InvariantCulture) : 0;
if (calls < 1) throw new ArgumentException("CALLS must be at least 1");

Langevin.Torch.TorchRuntime.SetThreads(threads);
var config = new UNetConfig(
    InChannels: 4,
    OutChannels: 4,
    BlockOutChannels: [320, 640, 1280, 1280],
    DownBlockTypes: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    UpBlockTypes: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    LayersPerBlock: 2,
    AttentionHeads: [8, 8, 8, 8],
    CrossAttentionDim: 768,
    NormGroups: 32,
    NormEps: 1e-5,
    SampleSize: 64);

long rssStart = Memory.Read("VmRSS");
var build = Stopwatch.StartNew();
using var unet = new UNet2DCondition(config);
unet.eval();
long parameters = 0, weightBytes = 0;
// The module allocates its parameters uninitialised (torch.empty); a benchmark fills them with seeded values from an
// explicit generator, in place, so that no second copy of the weights is ever made.
using (no_grad())
{
    using var generator = new Generator(seed);
    foreach (var p in unet.parameters())
    {
        p.normal_(0, 0.02, generator);
        parameters += p.numel();
        weightBytes += p.numel() * p.element_size();
    }
}
double buildSeconds = build.Elapsed.TotalSeconds;
long rssAfterInit = Memory.Read("VmRSS");
long peakAfterInit = Memory.Read("VmHWM");

using var inputGenerator = new Generator(seed + 1);
using var latents = randn([2, 4, 64, 64], generator: inputGenerator);
using var context = randn([2, 77, 768], generator: inputGenerator);
using var timestep = tensor(500L);
bool resetPeak = Memory.ResetPeak();

double warmUpSeconds;
var times = new List<double>();
var cpuTimes = new List<double>();
var process = Process.GetCurrentProcess();
double CpuSeconds() { process.Refresh(); return process.TotalProcessorTime.TotalSeconds; }
string loadStart = Memory.LoadAverage();
double outputMeanAbs;
using (inference_mode())
{
    var watch = Stopwatch.StartNew();
    using (var warm = unet.Forward(latents, timestep, context)) outputMeanAbs = warm.abs().mean().item<float>();
    warmUpSeconds = watch.Elapsed.TotalSeconds;
    for (int i = 0; i < calls; i++)
    {
        double cpu = CpuSeconds();
        watch.Restart();
        using var output = unet.Forward(latents, timestep, context);
        times.Add(watch.Elapsed.TotalSeconds);
        cpuTimes.Add(CpuSeconds() - cpu);
    }
}
long peak = Math.Max(peakAfterInit, Memory.Read("VmHWM"));
long callsPeak = resetPeak ? Memory.Read("VmHWM") : -1;

var json = new StringBuilder();
json.Append(CultureInfo.InvariantCulture, $"{{\"impl\":\"langevin\",\"model\":\"sd15-unet\",\"batch\":2,\"latent\":64,\"threads\":{torch.get_num_threads()}");
json.Append(CultureInfo.InvariantCulture, $",\"calls\":{calls},\"seconds_per_call\":{times.Average():F3},\"call_seconds\":[{string.Join(",", times.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))}]");
json.Append(CultureInfo.InvariantCulture, $",\"cpu_seconds_per_call\":{cpuTimes.Average():F3},\"loadavg_start\":\"{loadStart}\",\"loadavg_end\":\"{Memory.LoadAverage()}\"");
json.Append(CultureInfo.InvariantCulture, $",\"warmup_seconds\":{warmUpSeconds:F3},\"build_fill_seconds\":{buildSeconds:F3}");
json.Append(CultureInfo.InvariantCulture, $",\"peak_rss_bytes\":{peak},\"calls_peak_rss_bytes\":{callsPeak},\"rss_start_bytes\":{rssStart},\"rss_after_init_bytes\":{rssAfterInit}");
json.Append(CultureInfo.InvariantCulture, $",\"param_count\":{parameters},\"weights_bytes\":{weightBytes},\"output_mean_abs\":{outputMeanAbs:G6}");
json.Append(CultureInfo.InvariantCulture, $",\"libtorch\":\"{torch.__version__}\"}}");
Console.WriteLine(json.ToString());
return 0;

internal static class Memory
{
    /// <summary>A field of /proc/self/status ("VmRSS", "VmHWM") in bytes.</summary>
    public static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"/proc/self/status has no {field}");
    }

    /// <summary>The 1-, 5- and 15-minute load averages of the machine (/proc/loadavg).</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux 4.0+); false where refused.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
