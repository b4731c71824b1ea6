using System.Diagnostics;
using System.Globalization;
using Langevin.Data;
using Langevin.Optim;
using Langevin.Training;
using TorchSharp;
using static TorchSharp.torch;

// Usage: Langevin.Training.Bench OPTIMIZER(sgd|sgld) BATCH THREADS STEPS WARMUP ROUNDS
// Prints one JSON line per round: {"impl":"langevin","optimizer":...,"images_per_s":...,"step_us":...}
string optimizerName = args.Length > 0 ? args[0] : "sgd";
int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
int steps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 300;
int warmup = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;
int rounds = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 3;

Langevin.Torch.TorchRuntime.SetThreads(threads);
var folder = new DatasetLocator(DatasetSearchPaths.ForThisProcess(null)).Find(DatasetKind.FashionMnist).Folder;
using var train = FashionMnist.Load(folder, DatasetSplit.Train);
torch.manual_seed(0);
using var model = new SmallCnn(1, 28, 28);
using optim.Optimizer optimizer = optimizerName == "sgld"
    ? new SGLD(model.parameters(), 0.01, 1e-5, seed: 0)
    : torch.optim.SGD(model.parameters(), 0.01);
var random = new Random(0);
long n = train.Count;

for (int round = 0; round < rounds; round++)
{
    double stepSeconds = 0;
    var total = new Stopwatch();
    for (int s = 0; s < warmup + steps; s++)
    {
        if (s == warmup) { total.Restart(); stepSeconds = 0; }
        using var scope = NewDisposeScope();
        long start = random.NextInt64(n - batch);
        var x = ImageDataset.ToFloat(train.Images.narrow(0, start, batch));
        var y = train.Labels.narrow(0, start, batch);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.forward(x), y);
        loss.backward();
        long t0 = Stopwatch.GetTimestamp();
        optimizer.step();
        stepSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
        _ = loss.item<float>();
    }
    total.Stop();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"impl\":\"langevin\",\"optimizer\":\"{optimizerName}\",\"batch\":{batch},\"threads\":{threads},\"round\":{round},\"images_per_s\":{steps * batch / total.Elapsed.TotalSeconds:F1},\"step_us\":{1e6 * stepSeconds / steps:F1}}}"));
}
