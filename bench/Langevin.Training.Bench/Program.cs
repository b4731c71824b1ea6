using System.Diagnostics;
using System.Globalization;
using Langevin.Data;
using Langevin.Optim;
using Langevin.Training;
using Langevin.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

// Usage: Langevin.Training.Bench MODE(sgd|sgld|pair) BATCH THREADS STEPS WARMUP ROUNDS
// sgd, sgld: one JSON line per round, {"impl":"langevin","optimizer":...,"images_per_s":...,"step_us":...}.
// pair: two copies of the model, one trained with SGD and one with SGLD, alternating step by step on the same
// batches, so both see the same machine load; one JSON line per round with the median iteration and step times.
string mode = args.Length > 0 ? args[0] : "sgd";
int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
int steps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 300;
int warmup = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;
int rounds = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 3;

Langevin.Torch.TorchRuntime.SetThreads(threads);
var folder = new DatasetLocator(DatasetSearchPaths.ForThisProcess(null)).Find(DatasetKind.FashionMnist).Folder;
using var train = FashionMnist.Load(folder, DatasetSplit.Train);
var random = new Random(0);
long n = train.Count;

// One seed, so both copies start from the same weights.
using var sgdModel = ModelKind.Cnn.Create((1, 28, 28), 10, seed: 0);
using var sgldModel = ModelKind.Cnn.Create((1, 28, 28), 10, seed: 0);
using var sgd = torch.optim.SGD(sgdModel.parameters(), 0.01);
using var sgld = new SGLD(sgldModel.parameters(), 0.01, 1e-5, seed: 0);

for (int round = 0; round < rounds; round++)
{
    var sgdTimes = new List<(double Iteration, double Step)>();
    var sgldTimes = new List<(double Iteration, double Step)>();
    var total = new Stopwatch();
    for (int s = 0; s < warmup + steps; s++)
    {
        if (s == warmup) total.Restart(); // the single modes time the whole loop, batch preparation included, like the peer
        using var scope = NewDisposeScope();
        long start = random.NextInt64(n - batch);
        var x = ImageDataset.ToFloat(train.Images.narrow(0, start, batch));
        var y = train.Labels.narrow(0, start, batch);
        bool timed = s >= warmup;
        switch (mode)
        {
            case "sgd": Record(sgdTimes, Iteration(sgdModel, sgd, x, y), timed); break;
            case "sgld": Record(sgldTimes, Iteration(sgldModel, sgld, x, y), timed); break;
            case "pair" when s % 2 == 0: // alternate which goes first, so neither always follows the other
                Record(sgdTimes, Iteration(sgdModel, sgd, x, y), timed);
                Record(sgldTimes, Iteration(sgldModel, sgld, x, y), timed);
                break;
            case "pair":
                Record(sgldTimes, Iteration(sgldModel, sgld, x, y), timed);
                Record(sgdTimes, Iteration(sgdModel, sgd, x, y), timed);
                break;
            default: throw new ArgumentException($"unknown mode {mode}: use sgd, sgld or pair");
        }
    }
    var single = mode == "sgd" ? sgdTimes : sgldTimes;
    var inv = CultureInfo.InvariantCulture;
    string prefix = string.Create(inv, $"{{\"impl\":\"langevin\",\"batch\":{batch},\"threads\":{threads},\"round\":{round},");
    Console.WriteLine(mode == "pair"
        ? prefix + string.Create(inv, $"\"mode\":\"pair\",\"sgd_iteration_us\":{Median(sgdTimes, t => t.Iteration):F1},\"sgld_iteration_us\":{Median(sgldTimes, t => t.Iteration):F1},\"sgd_step_us\":{Median(sgdTimes, t => t.Step):F1},\"sgld_step_us\":{Median(sgldTimes, t => t.Step):F1}}}")
        : prefix + string.Create(inv, $"\"optimizer\":\"{mode}\",\"images_per_s\":{steps * batch / total.Elapsed.TotalSeconds:F1},\"median_iteration_us\":{Median(single, t => t.Iteration):F1},\"step_us\":{1e6 * single.Average(t => t.Step):F1}}}"));
}

// One training iteration; returns its wall time and that of optimizer.step(), in seconds. Its own dispose scope frees
// the activations on return, as Python's reference counting does in the peer.
static (double Iteration, double Step) Iteration(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y)
{
    long start = Stopwatch.GetTimestamp();
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    var loss = nn.functional.cross_entropy(model.forward(x), y);
    loss.backward();
    long beforeStep = Stopwatch.GetTimestamp();
    optimizer.step();
    double step = Stopwatch.GetElapsedTime(beforeStep).TotalSeconds;
    _ = loss.item<float>();
    return (Stopwatch.GetElapsedTime(start).TotalSeconds, step);
}

static void Record(List<(double, double)> times, (double, double) time, bool timed)
{
    if (timed) times.Add(time);
}

static double Median(List<(double Iteration, double Step)> times, Func<(double Iteration, double Step), double> pick)
{
    var sorted = times.Select(pick).Order().ToArray();
    return 1e6 * (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
}
