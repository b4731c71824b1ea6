using System.Globalization;
using System.Text;
using Langevin.Data;
using Langevin.IO;
using Langevin.Randomness;
using Langevin.Training.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training;

/// <summary>
/// What one chain of a set leaves for the merge: per posterior sample its test log-likelihood and its weights' projections
/// on a few fixed random directions (<c>trace.csv</c>), and its ensemble's test log-probabilities with the labels
/// (<c>posterior-test.bin</c>), so that the chains can be pooled and diagnosed without their checkpoints or the data.
/// </summary>
/// <param name="Draws">Per sample, oldest first: <see cref="Quantities"/> in order.</param>
/// <param name="Samples">Number of samples in the ensemble.</param>
/// <param name="LogProbabilities">log of the chain's ensemble-averaged class probabilities on the test set, N × classes (float32, as the model computes them).</param>
/// <param name="Labels">Test labels.</param>
internal sealed record ChainTrace(double[][] Draws, int Samples, Tensor LogProbabilities, Tensor Labels) : IDisposable
{
    /// <summary>Random directions in weight space traced besides the test log-likelihood.</summary>
    public const int Projections = 3;

    /// <summary>The traced quantities: the mean test log-likelihood of a sample, then the projections.</summary>
    public static IReadOnlyList<string> Quantities { get; } = ["test_loglik", .. Enumerable.Range(1, Projections).Select(j => $"proj_{j}")];

    /// <summary>
    /// Traces the samples <paramref name="sampler"/> kept for <paramref name="model"/> on <paramref name="test"/>. Projection j
    /// is u_j·θ/√P with u_j a standard normal vector keyed (<paramref name="directionSeed"/>, −4, j), the same for every chain.
    /// </summary>
    public static ChainTrace Of(PosteriorSampler sampler, nn.Module<Tensor, Tensor> model, ImageDataset test, long directionSeed)
    {
        var draws = new double[sampler.Count][];
        Tensor? sum = null;
        float[][]? directions = null;
        using (var scope = NewDisposeScope())
        {
            sampler.ForEachSample(model, i =>
            {
                // One scope per sample keeps memory flat over the samples; only the running sum leaves it.
                using var step = NewDisposeScope();
                var logp = Evaluation.LogProbabilities(model, test);
                double logLikelihood = -ClassificationMetrics.FromLogProbabilities(logp, test.Labels).Nll;
                float[] theta;
                using (no_grad()) theta = cat(model.parameters().Select(p => p.detach().flatten()).ToArray()).data<float>().ToArray();
                directions ??= Directions(theta.Length, directionSeed);
                draws[i] = [logLikelihood, .. directions.Select(u => Project(u, theta))];
                var next = sum is null ? logp : logaddexp(sum, logp);
                sum?.Dispose();
                sum = next.MoveToOuterDisposeScope();
            });
            sum = sum!.sub(Math.Log(sampler.Count)).MoveToOuterDisposeScope();
        }
        return new ChainTrace(draws, sampler.Count, sum, test.Labels.clone());
    }

    /// <summary>Writes trace.csv and posterior-test.bin into <paramref name="folder"/> (each atomically).</summary>
    public void Write(string folder)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("draw,").Append(string.Join(",", Quantities)).Append('\n');
        for (int i = 0; i < Draws.Length; i++)
            text.Append((i + 1).ToString(c)).Append(',').Append(string.Join(",", Draws[i].Select(v => v.ToString("R", c)))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, TraceFileName), text.ToString());
        AtomicFile.Write(Path.Combine(folder, PosteriorFileName), stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write("langevin-chain-posterior");
            writer.Write(Samples);
            LogProbabilities.Save(writer);
            Labels.Save(writer);
        });
    }

    /// <summary>Reads what <see cref="Write"/> wrote; null when the chain has not finished (either file missing).</summary>
    /// <exception cref="UserErrorException">A file is there but damaged.</exception>
    public static ChainTrace? Read(string folder)
    {
        string trace = Path.Combine(folder, TraceFileName), posterior = Path.Combine(folder, PosteriorFileName);
        if (!File.Exists(trace) || !File.Exists(posterior)) return null;
        try
        {
            var c = CultureInfo.InvariantCulture;
            var draws = File.ReadAllLines(trace).Skip(1).Where(l => l.Length > 0)
                .Select(l => l.Split(',').Skip(1).Select(v => double.Parse(v, NumberStyles.Float, c)).ToArray()).ToArray();
            using var stream = File.OpenRead(posterior);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != "langevin-chain-posterior") throw new FormatException("not a chain's posterior file");
            int samples = reader.ReadInt32();
            if (draws.Length != samples || draws.Any(d => d.Length != Quantities.Count)) throw new FormatException($"{TraceFileName} does not match {PosteriorFileName}");
            var logp = Tensor.Load(reader);
            try
            {
                return new ChainTrace(draws, samples, logp, Tensor.Load(reader));
            }
            catch
            {
                logp.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is FormatException or IOException or EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new UserErrorException($"{folder} holds a damaged chain result ({e.Message}); delete {TraceFileName} and {PosteriorFileName} there and run that chain's shard again", e);
        }
    }

    /// <summary>Per-sample quantities of the chain.</summary>
    public const string TraceFileName = "trace.csv";

    /// <summary>The chain's ensemble on the test set.</summary>
    public const string PosteriorFileName = "posterior-test.bin";

    private static float[][] Directions(int length, long seed) => Enumerable.Range(1, Projections).Select(j =>
    {
        var u = new float[length];
        CounterNormal.Fill(u, SeedTree.Key(seed, SeedBranches.Projections, j), 1f);
        return u;
    }).ToArray();

    private static double Project(float[] u, float[] theta)
    {
        double dot = 0;
        for (int k = 0; k < theta.Length; k++) dot += (double)u[k] * theta[k];
        return dot / Math.Sqrt(theta.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        LogProbabilities.Dispose();
        Labels.Dispose();
    }
}
