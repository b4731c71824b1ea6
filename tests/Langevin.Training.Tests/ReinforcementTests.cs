using Langevin.Optim;
using Langevin.Reinforcement;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>The environments against their published definitions, the DQN target, Adam Langevin's update, and exact resume.</summary>
public sealed class ReinforcementTests
{
    public ReinforcementTests() => Helpers.Torch();

    [Fact]
    public void A_cartpole_step_from_rest_is_the_published_equations_in_closed_form()
    {
        var env = new CartPole();
        env.SetState(0, 0, 0, 0);
        var (observation, reward, terminated, truncated) = env.Step(1);
        // Barto et al. with F = +10 N, θ = θ̇ = 0: temp = F/(M + m) = 100/11, θ̈ = −temp/(l·(4/3 − m/(M + m))) = −600/41,
        // ẍ = temp − m·l·θ̈/(M + m) = 4400/451. One explicit Euler step of τ = 0.02 moves the velocities only.
        var (x, xDot, theta, thetaDot) = env.State;
        Assert.Equal(0, x);
        Assert.Equal(0.02 * 4400 / 451, xDot, 15);
        Assert.Equal(0, theta);
        Assert.Equal(-0.02 * 600 / 41, thetaDot, 15);
        Assert.Equal([0f, (float)xDot, 0f, (float)thetaDot], observation);
        Assert.Equal(1.0, reward);
        Assert.False(terminated || truncated);
    }

    [Fact]
    public void A_cartpole_step_of_a_leaning_moving_pole_matches_the_equations_and_ends_beyond_12_degrees()
    {
        var env = new CartPole();
        double x0 = 0.3, v0 = -0.4, t0 = 0.15, w0 = 0.7;
        env.SetState(x0, v0, t0, w0);
        env.Step(0);
        // The equations written out once more, independently, in the order Barto et al. give them.
        double f = -10, cos = Math.Cos(t0), sin = Math.Sin(t0);
        double temp = (f + 0.1 * 0.5 * w0 * w0 * sin) / 1.1;
        double thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1));
        double xAcc = temp - 0.1 * 0.5 * thetaAcc * cos / 1.1;
        var state = env.State;
        Assert.Equal(x0 + 0.02 * v0, state.X, 15);
        Assert.Equal(v0 + 0.02 * xAcc, state.XDot, 15);
        Assert.Equal(t0 + 0.02 * w0, state.Theta, 15);
        Assert.Equal(w0 + 0.02 * thetaAcc, state.ThetaDot, 15);
        // 12° = 0.2094 rad: 0.15 + 0.014 = 0.164 is inside; keep falling and it ends, terminated (not cut).
        bool ended = false;
        for (int i = 0; i < 50 && !ended; i++)
        {
            var step = env.Step(0);
            ended = step.Terminated;
            Assert.False(step.Truncated);
            if (ended) Assert.True(Math.Abs(env.State.Theta) > CartPole.AngleLimit || Math.Abs(env.State.X) > CartPole.PositionLimit);
        }
        Assert.True(ended);
        Assert.Throws<InvalidOperationException>(() => env.Step(0));
    }

    [Fact]
    public void A_cartpole_episode_is_cut_at_500_steps_and_starts_within_5_hundredths()
    {
        var env = new CartPole();
        var start = env.Reset(12345);
        Assert.All(start, v => Assert.InRange(v, -0.05f, 0.05f));
        Assert.Equal(start, env.Reset(12345));
        // A PD controller on the pole's angle keeps it up for the whole episode; the 500th step is cut, not terminated.
        int steps = 0;
        (float[] Observation, double Reward, bool Terminated, bool Truncated) step = (start, 0, false, false);
        while (!step.Terminated && !step.Truncated)
        {
            var (x, v, theta, w) = env.State;
            step = env.Step(theta + 0.3 * w + 0.01 * x + 0.05 * v > 0 ? 1 : 0);
            steps++;
        }
        Assert.Equal(CartPole.MaxSteps, steps);
        Assert.True(step.Truncated);
        Assert.False(step.Terminated);
    }

    [Fact]
    public void Deep_sea_pays_one_only_for_n_right_moves_and_charges_each_right_move()
    {
        const int n = 6;
        var env = new DeepSea(n, seed: 3);
        // Every right move costs 0.01/N; the N-th right move, from the right-hand column, pays 1.
        env.Reset(0);
        double total = 0;
        for (int row = 0; row < n; row++)
        {
            var step = env.Step(env.RightAction(row, row));
            total += step.Reward;
            Assert.Equal(row == n - 1, step.Terminated);
        }
        Assert.Equal(1 - n * 0.01 / n, total, 12);

        // Always left: nothing paid, nothing charged; one left move anywhere loses the treasure.
        env.Reset(0);
        double left = 0;
        for (int row = 0; row < n; row++) left += env.Step(1 - env.RightAction(row, 0)).Reward;
        Assert.Equal(0, left);
        env.Reset(0);
        double almost = 0;
        for (int row = 0, column = 0; row < n; row++)
        {
            bool right = row != 2;
            almost += env.Step(right ? env.RightAction(row, column) : 1 - env.RightAction(row, column)).Reward;
            column = right ? Math.Min(column + 1, n - 1) : Math.Max(column - 1, 0);
        }
        Assert.True(almost < 0);
        // The mapping is fixed by the seed, and varies between cells (about half are 1).
        Assert.Equal(Enumerable.Range(0, n * n).Select(i => env.RightAction(i / n, i % n)), Enumerable.Range(0, n * n).Select(i => new DeepSea(n, 3).RightAction(i / n, i % n)));
        Assert.InRange(Enumerable.Range(0, n * n).Count(i => env.RightAction(i / n, i % n) == 1), 6, 30);
    }

    [Fact]
    public void The_dqn_target_bootstraps_from_the_target_network_except_after_a_terminal_transition()
    {
        using var trainer = new DqnTrainer(new RlConfig { Gamma = 0.9 }, null);
        // A target network whose output is the constant (2, 5).
        SetConstantOutput(trainer.Target, 2, 5);
        // Two transitions of a two-state chain: s0 → s1 with reward 1 (not terminal), s1 → end with reward 0 (terminal).
        using var targets = trainer.Targets(tensor(new float[] { 1, 0 }), rand(2, 4), tensor(new float[] { 1, 0 }));
        Assert.Equal([1 + 0.9f * 5, 0f], targets.data<float>().ToArray());
    }

    [Fact]
    public void The_double_dqn_target_evaluates_the_q_networks_choice_with_the_target_network()
    {
        using var trainer = new DqnTrainer(new RlConfig { Gamma = 0.9, DoubleQ = true }, null);
        // Target network outputs the constant (2, 5), the Q-network (7, 1): the Q-network picks action 0, worth 2 to the
        // target network (plain DQN would take the target network's own maximum, 5).
        SetConstantOutput(trainer.Target, 2, 5);
        SetConstantOutput(trainer.Q, 7, 1);
        using var targets = trainer.Targets(tensor(new float[] { 1, 0 }), rand(2, 4), tensor(new float[] { 1, 0 }));
        Assert.Equal([1 + 0.9f * 2, 0f], targets.data<float>().ToArray());
    }

    [Fact]
    public void A_target_update_moves_the_target_network_by_tau_towards_the_q_network()
    {
        using var trainer = new DqnTrainer(new RlConfig { TargetTau = 0.25 }, null);
        SetConstantOutput(trainer.Target, 2, 5);
        SetConstantOutput(trainer.Q, 6, 1);
        var before = trainer.Target.parameters().Select(p => p.clone()).ToArray();
        var q = trainer.Q.parameters().ToArray();
        trainer.UpdateTarget();
        var after = trainer.Target.parameters().ToArray();
        for (int i = 0; i < after.Length; i++)
        {
            using var expected = before[i] * 0.75 + q[i] * 0.25;
            Assert.True(after[i].allclose(expected, rtol: 0, atol: 1e-6), $"parameter {i}");
            before[i].Dispose();
        }
        Assert.Equal([0.25f * 6 + 0.75f * 2, 0.25f * 1 + 0.75f * 5], after[^1].data<float>().ToArray());

        // τ = 1 copies.
        using var hard = new DqnTrainer(new RlConfig { TargetTau = 1 }, null);
        hard.UpdateTarget();
        foreach (var (t, s) in hard.Target.parameters().Zip(hard.Q.parameters())) Assert.True(t.eq(s).all().item<bool>());
    }

    /// <summary>Makes <paramref name="network"/> output the constant (a, b): last layer's weights 0, biases (a, b).</summary>
    private static void SetConstantOutput(TorchSharp.torch.nn.Module<Tensor, Tensor> network, float a, float b)
    {
        var last = network.parameters().ToArray()[^2..];
        using (no_grad())
        {
            last[0].zero_();
            last[1].copy_(tensor(new float[] { a, b }));
        }
    }

    [Fact]
    public void Adam_takes_the_steps_of_torch_optim_adam()
    {
        // Six steps on L = Σ c·θ² with a different curvature per element, against TorchSharp's own torch.optim.Adam.
        var ours = new TorchSharp.Modules.Parameter(tensor(new float[] { 1, -2, 3, 0.5f }));
        var theirs = new TorchSharp.Modules.Parameter(tensor(new float[] { 1, -2, 3, 0.5f }));
        using var curvature = tensor(new float[] { 0.5f, 2, 0.1f, 8 });
        using var adam = new Langevin.Optim.Adam([ours], 0.05);
        using var reference = TorchSharp.torch.optim.Adam([theirs], 0.05);
        for (int step = 0; step < 6; step++)
        {
            foreach (var (p, optimizer) in new (TorchSharp.Modules.Parameter, TorchSharp.Modules.OptimizerHelper)[] { (ours, adam), (theirs, reference) })
            {
                optimizer.zero_grad();
                using (var loss = (p.square() * curvature).sum()) loss.backward();
                optimizer.step();
            }
            // The same float32 operations in the same order: equal up to the rounding of lr/(1−β₁ᵗ) computed in double.
            var a = ours.data<float>().ToArray();
            var b = theirs.data<float>().ToArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-6f);
        }
    }

    [Fact]
    public void Adam_langevin_takes_the_drift_of_the_paper_and_adds_noise_of_variance_two_lr_D()
    {
        const double lr = 0.1, a = 0.5, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var p = new TorchSharp.Modules.Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdamLangevin([p], lr, diffusion: 0, bias: a, beta1: beta1, beta2: beta2, eps: eps, seed: 1);
        using (var loss = p.square().sum().div(2)) loss.backward(); // gradient θ
        optimizer.step();
        float[] expected = new[] { 1.0, -2.0, 3.0 }.Select(t =>
        {
            double m = (1 - beta1) * t, v = (1 - beta2) * t * t;
            return (float)(t - lr * (t + a * m / (Math.Sqrt(v) + eps)));
        }).ToArray();
        var got = p.data<float>().ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], got[i], 5e-7f);

        // Zero gradient: the step is the noise alone, N(0, 2·lr·D) per element.
        const double d = 0.02;
        var flat = Helpers.Flat(200_000);
        using var noisy = new AdamLangevin([flat], lr, d, seed: 5);
        Helpers.ZeroGradient(flat);
        noisy.step();
        var (mean, variance) = Helpers.Moments(flat);
        Assert.Equal(0, mean, 5 * Math.Sqrt(2 * lr * d / 200_000));
        Assert.Equal(2 * lr * d, variance, Helpers.VarianceTolerance(2 * lr * d, 200_000));
    }

    [Theory]
    [InlineData(AgentKind.Dqn, 1, 1.0, false)]
    [InlineData(AgentKind.Lmc, 1, 1.0, false)]
    [InlineData(AgentKind.Sghmc, 1, 1.0, false)]
    [InlineData(AgentKind.Dqn, 3, 0.05, true)]
    [InlineData(AgentKind.Lmc, 2, 1.0, true)]
    public void A_run_resumed_from_its_checkpoint_plays_the_same_returns_as_an_uninterrupted_one(AgentKind agent, int updatesPerStep, double tau, bool doubleQ)
    {
        var config = new RlConfig
        {
            Agent = agent, Episodes = 24, CheckpointEvery = 6, LearningStarts = 64, BatchSize = 16, BufferSize = 400, TargetEvery = tau == 1 ? 50 : 1,
            TargetTau = tau, DoubleQ = doubleQ, UpdatesPerStep = updatesPerStep, Seed = 7, StopWhenSolved = false,
        };
        using var straightFolder = new TempFolder();
        using var resumedFolder = new TempFolder();
        RlResult straight;
        using (var trainer = new DqnTrainer(config, straightFolder.Path)) straight = trainer.Run();
        using (var first = new DqnTrainer(config with { Episodes = 12 }, resumedFolder.Path)) first.Run();
        Assert.Throws<UserErrorException>(() => new DqnTrainer(config, resumedFolder.Path));
        using var resumed = new DqnTrainer(config, resumedFolder.Path, resume: true);
        Assert.Equal(12, resumed.EpisodesPlayed);
        var result = resumed.Run();

        Assert.Equal(straight.Returns, result.Returns);
        Assert.Equal(straight.Steps, result.Steps);
        Assert.Equal(File.ReadAllText(Path.Combine(straightFolder.Path, "returns.csv")), File.ReadAllText(Path.Combine(resumedFolder.Path, "returns.csv")));
    }

    [Fact]
    public void Bad_settings_are_one_line_naming_the_setting()
    {
        Assert.Contains("RlConfig.Environment", Assert.Throws<UserErrorException>(() => new RlConfig { Environment = "pong" }.Validate()).Message);
        Assert.Contains("RlConfig.Episodes", Assert.Throws<UserErrorException>(() => new RlConfig { Episodes = 0 }.Validate()).Message);
        Assert.Contains("RlConfig.LearningRate", Assert.Throws<UserErrorException>(() => new RlConfig { LearningRate = double.NaN }.Validate()).Message);
        Assert.Contains("RlConfig.Size", Assert.Throws<UserErrorException>(() => new RlConfig { Size = 1 }.Validate()).Message);
        Assert.Equal(AgentKind.Lmc, AgentKinds.Parse("LMC"));
        Assert.Throws<UserErrorException>(() => AgentKinds.Parse("ppo"));
    }
}

/// <summary>The summary of runs over seeds: moving means, episodes to solve, and the bands plot.</summary>
public sealed class RlSummaryTests
{
    [Fact]
    public void The_moving_mean_is_the_mean_of_the_last_hundred_returns()
    {
        var returns = Enumerable.Range(1, 250).Select(i => (double)i).ToArray();
        var mean = RlSummary.MovingMean(returns);
        Assert.Equal(1, mean[0]);
        Assert.Equal(50.5, mean[99], 12);   // 1…100
        Assert.Equal(200.5, mean[249], 12); // 151…250
    }

    [Fact]
    public void Runs_are_grouped_by_agent_and_solved_at_the_first_episode_whose_mean_of_100_reaches_475()
    {
        using var root = new TempFolder();
        // Run a: 100 episodes of 500 → solved at episode 100 (the first with 100 episodes to average); run b: never.
        Write(Path.Combine(root.Path, "dqn", "seed=1"), Enumerable.Repeat(500.0, 120));
        Write(Path.Combine(root.Path, "dqn", "seed=2"), Enumerable.Repeat(200.0, 120));
        var summary = Assert.Single(RlSummary.Of(root.Path));
        Assert.Equal("dqn", summary.Name); // the group's path below the folder
        Assert.Equal(2, summary.Runs);
        Assert.Equal([100], summary.Solved);
        Assert.Equal([100, 100], summary.Reached195); // over 100 consecutive episodes: no earlier than the 100th
        Assert.Equal([500.0, 200.0], summary.BestMean);
        Assert.True(File.Exists(Path.Combine(root.Path, "returns-bands.png")));
        string empty = Directory.CreateDirectory(Path.Combine(root.Path, "empty")).FullName;
        Assert.Contains("holds no RL run", Assert.Throws<UserErrorException>(() => RlSummary.Of(empty)).Message);
    }

    private static void Write(string folder, IEnumerable<double> returns)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), new RlConfig().ToJson());
        File.WriteAllText(Path.Combine(folder, "returns.csv"), "episode,return,mean_return_100\n" + string.Concat(returns.Select((r, i) => $"{i + 1},{r},0\n")));
    }
}
