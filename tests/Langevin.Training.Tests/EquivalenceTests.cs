using Langevin.Optim;
using Langevin.Training.Models;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>With D = 0 each Langevin optimizer is its deterministic counterpart in TorchSharp, bit for bit.</summary>
public sealed class EquivalenceTests
{
    public EquivalenceTests() => Helpers.Torch();

    /// <summary>Trains two copies of a small CNN on the same batches with two optimizers; returns both parameter lists.</summary>
    private static (Tensor[] A, Tensor[] B) TrainPair(
        Func<IEnumerable<Parameter>, torch.optim.Optimizer> makeA,
        Func<IEnumerable<Parameter>, torch.optim.Optimizer> makeB,
        int steps = 8)
    {
        using var data = Helpers.Synthetic(64, seed: 1);
        using var a = ModelKind.Cnn.Create((1, 16, 16), 2, seed: 7);
        using var b = ModelKind.Cnn.Create((1, 16, 16), 2, seed: 7);
        using (no_grad())
            foreach (var (pa, pb) in a.parameters().Zip(b.parameters())) pb.copy_(pa);
        var initial = a.parameters().Select(p => p.detach().clone()).ToArray();
        using var optA = makeA(a.parameters());
        using var optB = makeB(b.parameters());
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var x = Langevin.Data.ImageDataset.ToFloat(data.Images.narrow(0, (s * 16) % 64, 16));
            var y = data.Labels.narrow(0, (s * 16) % 64, 16);
            foreach (var (model, opt) in new[] { ((nn.Module<Tensor, Tensor>)a, optA), (b, optB) })
            {
                opt.zero_grad();
                nn.functional.cross_entropy(model.forward(x), y).backward();
                opt.step();
            }
        }
        // Guard against a vacuous comparison: training must have moved every parameter.
        foreach (var (p0, p1) in initial.Zip(a.parameters())) Assert.False(Bits.Equal(p0, p1), "a parameter did not move");
        return (a.parameters().Select(p => p.detach().clone()).ToArray(), b.parameters().Select(p => p.detach().clone()).ToArray());
    }

    private static void AssertBitEqual(Tensor[] a, Tensor[] b)
    {
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Bits.Equal(a[i], b[i]), $"parameter {i} differs");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Sgld_with_D_zero_is_torch_sgd(double weightDecay)
    {
        var (a, b) = TrainPair(
            ps => new SGLD(ps, 0.1, 0.0, weightDecay, seed: 1),
            ps => torch.optim.SGD(ps, 0.1, weight_decay: weightDecay));
        AssertBitEqual(a, b);
    }

    [Fact]
    public void Sghmc_with_D_zero_is_torch_sgd_with_momentum()
    {
        var (a, b) = TrainPair(
            ps => new SGHMC(ps, 0.05, 0.9, 0.0, 0.001, seed: 1),
            ps => torch.optim.SGD(ps, 0.05, momentum: 0.9, weight_decay: 0.001));
        AssertBitEqual(a, b);
    }

    [Fact]
    public void Psgld_with_D_zero_is_torch_rmsprop()
    {
        var (a, b) = TrainPair(
            ps => new PSGLD(ps, 0.001, 0.0, alpha: 0.99, eps: 1e-5, seed: 1),
            ps => torch.optim.RMSProp(ps, 0.001, alpha: 0.99, eps: 1e-5));
        AssertBitEqual(a, b);
    }

    [Fact]
    public void Seed_literal_with_D_zero_is_torch_sgd()
    {
        var (a, b) = TrainPair(
            ps => new SeedLiteral(ps, 0.1, 0.0, seed: 1),
            ps => torch.optim.SGD(ps, 0.1));
        AssertBitEqual(a, b);
    }

    [Fact]
    public void Same_seed_reproduces_and_another_seed_differs()
    {
        var (a, b) = TrainPair(ps => new SGLD(ps, 0.1, 1e-3, seed: 11), ps => new SGLD(ps, 0.1, 1e-3, seed: 11));
        AssertBitEqual(a, b);
        var (c, d) = TrainPair(ps => new SGLD(ps, 0.1, 1e-3, seed: 11), ps => new SGLD(ps, 0.1, 1e-3, seed: 12));
        Assert.Contains(Enumerable.Range(0, c.Length), i => !Bits.Equal(c[i], d[i]));
    }

    [Fact]
    public void Noise_changes_the_result_when_D_is_positive()
    {
        var (a, b) = TrainPair(ps => new SGLD(ps, 0.1, 1e-3, seed: 11), ps => torch.optim.SGD(ps, 0.1));
        Assert.Contains(Enumerable.Range(0, a.Length), i => !Bits.Equal(a[i], b[i]));
    }

    [Theory]
    [InlineData("sgld")]
    [InlineData("sghmc")]
    [InlineData("psgld")]
    public void Saved_and_loaded_state_continues_exactly(string kind)
    {
        torch.optim.Optimizer Make(IEnumerable<Parameter> ps) => kind switch
        {
            "sgld" => new SGLD(ps, 0.05, 1e-3, seed: 9),
            "sghmc" => new SGHMC(ps, 0.05, 0.8, 1e-3, seed: 9),
            _ => new PSGLD(ps, 0.001, 1e-4, seed: 9),
        };

        using var p = new Parameter(linspace(-1, 1, 1000));
        using var first = Make([p]);
        for (int i = 0; i < 3; i++) { Helpers.QuadraticGradient(p); first.step(); }
        using var saved = new MemoryStream();
        using (var w = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)first).save_state_dict(w);

        using var q = new Parameter(p.detach().clone());
        using var second = Make([q]);
        saved.Position = 0;
        using (var r = new BinaryReader(saved)) ((OptimizerHelper)second).load_state_dict(r);

        for (int i = 0; i < 3; i++)
        {
            Helpers.QuadraticGradient(p); first.step();
            Helpers.QuadraticGradient(q); second.step();
        }
        Assert.True(Bits.Equal(p, q));
    }
}
