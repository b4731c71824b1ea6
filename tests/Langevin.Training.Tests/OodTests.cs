using Langevin.Data;
using Langevin.OutOfDistribution;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>Out-of-distribution scores: AUROC on known scores, entropy and mutual information against hand computation, the made-up sets.</summary>
public sealed class OodTests
{
    public OodTests() => Helpers.Torch();

    [Fact]
    public void Auroc_of_known_scores()
    {
        Assert.Equal(1.0, Auroc.Of([0.1, 0.2, 0.3], [0.4, 0.5]));
        Assert.Equal(0.0, Auroc.Of([0.4, 0.5], [0.1, 0.2, 0.3]));
        Assert.Equal(0.5, Auroc.Of([1, 1, 1], [1, 1]));
        // Pairs (out > in): 0.9 beats all 4 ins; 0.4 beats 0.1 and 0.35, ties 0.4 (½), loses to 0.8: 2.5; 0.05 beats none.
        // (4 + 2.5 + 0) / (3·4) = 6.5/12.
        Assert.Equal(6.5 / 12, Auroc.Of([0.1, 0.4, 0.35, 0.8], [0.9, 0.4, 0.05]), 15);
    }

    [Fact]
    public void Auroc_equals_the_pairwise_count_on_random_scores_with_ties()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            var inside = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(10)).ToArray();
            var outside = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(12)).ToArray();
            double pairs = outside.Sum(o => inside.Sum(i => o > i ? 1.0 : o == i ? 0.5 : 0.0));
            Assert.Equal(pairs / (inside.Length * outside.Length), Auroc.Of(inside, outside), 12);
        }
        Assert.Throws<ArgumentException>(() => Auroc.Of([], [1.0]));
        Assert.Throws<ArgumentException>(() => Auroc.Of([double.NaN], [1.0]));
    }

    [Fact]
    public void Entropy_and_mutual_information_of_an_ensemble_are_those_of_its_softmaxes()
    {
        using var data = Helpers.Synthetic(12, seed: 3);
        var model = nn.Sequential(nn.Flatten(), nn.Linear(256, 3));
        using var sampler = new PosteriorSampler(0, 1, 3);
        var weights = new List<(float[] W, float[] B)>();
        var random = new Random(9);
        for (int k = 0; k < 3; k++)
        {
            var w = Enumerable.Range(0, 3 * 256).Select(_ => (float)(random.NextDouble() - 0.5) * 0.02f).ToArray();
            var b = Enumerable.Range(0, 3).Select(_ => (float)random.NextDouble()).ToArray();
            SetWeights(model, w, b);
            sampler.Add(model);
            weights.Add((w, b));
        }
        var ensemble = PredictiveUncertainty.Of(sampler, model, data);
        var single = PredictiveUncertainty.Of(model, data);

        // By hand: the softmax of each sample's logits, in float64 from the same float32 logits the model computes.
        var x = ImageDataset.ToFloat(data.Images).flatten(1).data<float>().ToArray();
        for (int n = 0; n < data.Count; n++)
        {
            var probabilities = weights.Select(s => Softmax(Enumerable.Range(0, 3).Select(c =>
                Enumerable.Range(0, 256).Sum(j => (double)s.W[c * 256 + j] * x[n * 256 + j]) + s.B[c]).ToArray())).ToList();
            var mean = Enumerable.Range(0, 3).Select(c => probabilities.Average(p => p[c])).ToArray();
            double total = H(mean), expected = probabilities.Average(H);
            Assert.Equal(total, ensemble.Entropy[n], 1e-5);
            Assert.Equal(total - expected, ensemble.MutualInformation[n], 1e-5);
            Assert.True(ensemble.MutualInformation[n] >= 0);
            Assert.Equal(H(probabilities[2]), single.Entropy[n], 1e-5); // the model holds the last sample's weights
            Assert.Equal(0, single.MutualInformation[n]);
        }

        // Samples that agree have no epistemic uncertainty.
        using var same = new PosteriorSampler(0, 1, 2);
        same.Add(model);
        same.Add(model);
        Assert.All(PredictiveUncertainty.Of(same, model, data).MutualInformation, i => Assert.Equal(0, i, 1e-12));
    }

    [Fact]
    public void The_pooled_chains_are_one_ensemble_of_all_their_samples()
    {
        using var data = Helpers.Synthetic(12, seed: 5);
        var model = nn.Sequential(nn.Flatten(), nn.Linear(256, 3));
        var other = nn.Sequential(nn.Flatten(), nn.Linear(256, 3));
        using var first = new PosteriorSampler(0, 1, 2);
        using var second = new PosteriorSampler(0, 1, 1);
        using var all = new PosteriorSampler(0, 1, 3);
        var random = new Random(11);
        for (int k = 0; k < 3; k++)
        {
            SetWeights(model, Enumerable.Range(0, 3 * 256).Select(_ => (float)(random.NextDouble() - 0.5) * 0.05f).ToArray(), [0.1f * k, 0, -0.1f * k]);
            (k < 2 ? first : second).Add(model);
            all.Add(model);
        }
        // Each chain's samples run through its own model object (the second chain's is another one of the same shape).
        var pooled = PredictiveUncertainty.Of([(first, model), (second, other)], data);
        var whole = PredictiveUncertainty.Of(all, model, data);
        for (int n = 0; n < data.Count; n++)
        {
            Assert.Equal(whole.Entropy[n], pooled.Entropy[n], 1e-12);
            Assert.Equal(whole.MutualInformation[n], pooled.MutualInformation[n], 1e-12);
        }
    }

    [Fact]
    public void The_iterate_average_is_the_mean_of_the_samples_and_the_model_is_restored()
    {
        var model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2));
        using var sampler = new PosteriorSampler(0, 1, 2);
        SetWeights(model, [1, 2, 3, 4, 5, 6, 7, 8], [1, -1]);
        sampler.Add(model);
        SetWeights(model, [3, 2, 1, 0, -1, -2, -3, -4], [0, 0]);
        sampler.Add(model);
        SetWeights(model, [9, 9, 9, 9, 9, 9, 9, 9], [9, 9]);
        float[]? inside = null;
        sampler.WithMean(model, () => inside = model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray());
        Assert.Equal([2, 2, 2, 2, 2, 2, 2, 2, 0.5f, -0.5f], inside!);
        Assert.All(model.parameters().SelectMany(p => p.data<float>().ToArray()), v => Assert.Equal(9, v));
    }

    [Fact]
    public void The_made_up_sets_are_the_test_images_upside_down_inverted_and_seeded_uniform_noise()
    {
        using var test = FashionMnist.Load(Path.Combine(Shipped(), "fashion-mnist"), DatasetSplit.Test);
        var sets = OodSets.Build(test, Path.Combine(Shipped(), UciDigits.FolderName, UciDigits.FileName), seed: 4);
        var again = OodSets.Build(test, Path.Combine(Shipped(), UciDigits.FolderName, UciDigits.FileName), seed: 4);
        try
        {
            Assert.Equal(OodSets.Names, sets.Select(s => s.Name));
            var images = test.Images.data<byte>().ToArray();
            var flipped = sets[1].Images.Images.data<byte>().ToArray();
            var inverted = sets[2].Images.Images.data<byte>().ToArray();
            for (int n = 0; n < 3; n++)
                for (int r = 0; r < 28; r++)
                    for (int c = 0; c < 28; c++)
                    {
                        int at = (n * 28 + r) * 28 + c;
                        Assert.Equal(images[(n * 28 + 27 - r) * 28 + c], flipped[at]);
                        Assert.Equal(255 - images[at], inverted[at]);
                    }
            var noise = sets[3].Images.Images.data<byte>().ToArray();
            Assert.Equal(noise, again[3].Images.Images.data<byte>().ToArray());
            // Uniform on 0…255: mean 127.5, sd 73.9; the sample mean of 7.84 M values is within 5 standard errors (0.13).
            Assert.Equal(127.5, noise.Average(b => (double)b), 0.14);
            Assert.Equal(1797, sets[0].Images.Count);
        }
        finally
        {
            foreach (var (_, images) in sets.Concat(again)) images.Dispose();
        }
    }

    private static string Shipped() => DatasetSearchPaths.FindShippedDataFolder(AppContext.BaseDirectory)!;

    private static void SetWeights(nn.Module<Tensor, Tensor> model, float[] w, float[] b)
    {
        var p = model.parameters().ToArray();
        using var noGrad = no_grad();
        p[0].copy_(tensor(w).reshape(p[0].shape));
        p[1].copy_(tensor(b));
    }

    private static double[] Softmax(double[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    private static double H(double[] p) => -p.Where(v => v > 0).Sum(v => v * Math.Log(v));
}
