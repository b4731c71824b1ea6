using System.Globalization;
using System.Text;
using System.Text.Json;
using Langevin.IO;
using Langevin.Optim;
using Langevin.Randomness;
using Langevin.Runs;
using Langevin.Torch;
using Langevin.Tracking;
using Langevin.Training;
using Langevin.Training.Reporting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Reinforcement;

/// <summary>Where a reinforcement-learning run stands, shown to its trackers after every episode.</summary>
/// <param name="Episode">Episodes played (1-based count).</param>
/// <param name="Steps">Environment steps so far.</param>
/// <param name="Return">Return of the episode just played.</param>
/// <param name="MeanReturn">Mean return of the last 100 episodes (or all, when fewer).</param>
/// <param name="SolvedAt">The episode at which the task was solved, or null.</param>
public sealed record RlProgress(int Episode, long Steps, double Return, double MeanReturn, int? SolvedAt);

/// <summary>A finished reinforcement-learning run.</summary>
/// <param name="Returns">Return of every episode played.</param>
/// <param name="Steps">Environment steps.</param>
/// <param name="SolvedAt">CartPole: the first episode after which the mean return of the last 100 episodes was ≥ 475; DeepSea: the first episode that found the treasure; null when not solved.</param>
public sealed record RlResult(IReadOnlyList<double> Returns, long Steps, int? SolvedAt);

/// <summary>
/// Deep Q-learning (Mnih et al. 2015: replay buffer, target network, Huber loss on the one-step TD error) with the
/// exploration of <see cref="RlConfig.Agent"/>: ε-greedy with Adam, or greedy actions of a network sampled by Langevin
/// dynamics (Adam LMC, SGHMC) — Thompson sampling with the Q-network's weights as the posterior sample. Every random
/// choice is keyed in the seed's tree (network, episode starts, ε draws, minibatches, noise), and a checkpoint every
/// <see cref="RlConfig.CheckpointEvery"/> episodes holds the networks, the optimizer and the replay buffer, so a killed run
/// resumes to the same returns as an uninterrupted one.
/// </summary>
public sealed class DqnTrainer : IDisposable
{
    // 2: dqn's optimizer state is Langevin.Optim.Adam's (TorchSharp's Adam before).
    private const int CheckpointVersion = 2;
    private const double CartPoleSolvedReturn = 475;
    private readonly IEnvironment _environment;
    private readonly nn.Module<Tensor, Tensor> _q, _target;
    private readonly OptimizerHelper _optimizer;
    private readonly ReplayBuffer _buffer;
    private readonly List<double> _returns = [];
    private readonly RunFolder? _run;
    private long _steps;
    private int? _solvedAt;

    /// <summary>Sets up a run in <paramref name="runDirectory"/> (null: in memory), resuming its checkpoint when there is one and <paramref name="resume"/> is set.</summary>
    /// <exception cref="UserErrorException">A bad setting; the folder is in use; a checkpoint without <paramref name="resume"/>; a damaged checkpoint.</exception>
    public DqnTrainer(RlConfig config, string? runDirectory, bool resume = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        string? savedConfig = runDirectory is null ? null : new RunFolder(runDirectory).Config;
        if (resume && File.Exists(savedConfig))
        {
            // A resumed run keeps its saved settings; only a larger episode budget and the thread count come from the caller.
            var saved = RlConfig.FromJson(File.ReadAllText(savedConfig), savedConfig);
            config = saved with { Episodes = Math.Max(saved.Episodes, config.Episodes), Threads = config.Threads };
        }
        config.Validate();
        TorchRuntime.EnsureLoaded();
        Config = config;
        _environment = config.CreateEnvironment();
        _q = Network(config, _environment, SeedTree.Key(config.Seed, SeedBranches.Weights));
        _target = Network(config, _environment, SeedTree.Key(config.Seed, SeedBranches.Weights));
        long noiseSeed = (long)SeedTree.Key(config.Seed, SeedBranches.Noise);
        _optimizer = config.Agent switch
        {
            AgentKind.Dqn => (OptimizerHelper)new Langevin.Optim.Adam(_q.parameters(), config.StepSize),
            AgentKind.Lmc => new AdamLangevin(_q.parameters(), config.StepSize, config.Diffusion, seed: noiseSeed),
            _ => new SGHMC(_q.parameters(), config.StepSize, config.Momentum, config.Diffusion, seed: noiseSeed),
        };
        _buffer = new ReplayBuffer(config.BufferSize, _environment.ObservationSize);
        if (runDirectory is null) return;
        _run = new RunFolder(runDirectory);
        try
        {
            if (_run.OpenForTraining(resume, "{DqnTrainer.resume}", "{DqnTrainer.runDirectory}")) LoadCheckpoint();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The settings (after a resume: the saved ones, with the episode budget possibly raised).</summary>
    public RlConfig Config { get; }

    /// <summary>Episodes played so far.</summary>
    public int EpisodesPlayed => _returns.Count;

    /// <summary>
    /// Plays the remaining episodes (or until solved, with <see cref="RlConfig.StopWhenSolved"/>), checkpointing every
    /// <see cref="RlConfig.CheckpointEvery"/> episodes and at the end, and writing <c>returns.csv</c> and <c>returns.png</c>.
    /// </summary>
    public RlResult Run(IEnumerable<Tracker<RlProgress>>? trackers = null, CancellationToken cancellationToken = default)
    {
        // A run folder gets its TensorBoard curves as the other trainers' do.
        var all = new TrackerCollection<RlProgress>(_run is null ? trackers : [.. trackers ?? [], new RlTensorBoardTracker(_run.File("tensorboard"))]);
        if (_run is not null) AtomicFile.WriteAllText(_run.Config, Config.ToJson());
        var state = Progress(double.NaN);
        all.Initialise(state, _returns.Count);
        try
        {
            while (_returns.Count < Config.Episodes && !(Config.StopWhenSolved && _solvedAt is not null))
            {
                cancellationToken.ThrowIfCancellationRequested();
                double episodeReturn = PlayEpisode(_returns.Count, cancellationToken);
                _returns.Add(episodeReturn);
                _solvedAt ??= IsSolved(episodeReturn) ? _returns.Count : null;
                state = Progress(episodeReturn);
                bool last = _returns.Count == Config.Episodes || (Config.StopWhenSolved && _solvedAt is not null);
                if (_run is not null && (last || _returns.Count % Config.CheckpointEvery == 0)) WriteCheckpoint();
                if (all.Handle(state, _returns.Count) == TrackerAction.Stop) break;
            }
        }
        finally
        {
            all.Finalise(state, _returns.Count);
        }
        return new RlResult(_returns.ToArray(), _steps, _solvedAt);
    }

    /// <summary>The greedy action of the Q-network for <paramref name="observation"/>.</summary>
    internal int Greedy(float[] observation)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (int)_q.forward(tensor(observation).unsqueeze(0)).argmax(1).item<long>();
    }

    /// <summary>
    /// The one-step TD targets r + γ·(1 − terminated)·Q_target(s', a') of a minibatch, with a' = argmax Q_target(s', ·), or
    /// argmax Q(s', ·) for <see cref="RlConfig.DoubleQ"/> (s' of a terminal transition is not bootstrapped; one cut by the
    /// time limit is).
    /// </summary>
    internal Tensor Targets(Tensor rewards, Tensor next, Tensor notTerminal)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var values = _target.forward(next);
        var nextValue = Config.DoubleQ ? values.gather(1, _q.forward(next).argmax(1, keepdim: true)).squeeze(1) : values.max(1).values;
        // Explicit scalars, disposed after the call (see the remarks of LangevinOptimizer.Update).
        using Scalar gamma = Config.Gamma, one = 1.0;
        return rewards.add(nextValue.mul(notTerminal).mul(gamma), one).MoveToOuterDisposeScope();
    }

    /// <summary>The Q-network (for tests and inspection).</summary>
    internal nn.Module<Tensor, Tensor> Q => _q;

    /// <summary>The target network (for tests and inspection).</summary>
    internal nn.Module<Tensor, Tensor> Target => _target;

    /// <summary>Moves the target network towards the Q-network: target ← τ·Q + (1 − τ)·target (τ = 1: a copy).</summary>
    internal void UpdateTarget()
    {
        using var noGrad = no_grad();
        using Scalar tau = Config.TargetTau, keep = 1 - Config.TargetTau;
        foreach (var (target, source) in _target.parameters().Zip(_q.parameters()))
        {
            if (Config.TargetTau == 1) target.copy_(source);
            else target.mul_(keep).add_(source, tau);
        }
    }

    private double PlayEpisode(int episode, CancellationToken cancellationToken)
    {
        var observation = _environment.Reset(SeedTree.Key(Config.Seed, SeedBranches.EpisodeStarts, episode));
        double total = 0;
        ulong exploreKey = SeedTree.Key(Config.Seed, SeedBranches.Exploration);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The replay buffer is filled by uniformly random actions first, for every agent (Mnih et al.'s replay start);
            // then dqn explores ε-greedily and the Langevin agents act greedily on their sampled Q-network.
            bool random = _steps < Config.LearningStarts
                || (Config.Agent == AgentKind.Dqn && CounterUniform.Double(exploreKey, 2 * _steps) < Epsilon());
            int action = random ? (int)(CounterUniform.Double(exploreKey, 2 * _steps + 1) * _environment.ActionCount) : Greedy(observation);
            var (next, reward, terminated, truncated) = _environment.Step(action);
            _buffer.Add(observation, action, reward, next, terminated);
            _steps++;
            total += reward;
            if (_steps >= Config.LearningStarts)
                for (int update = 0; update < Config.UpdatesPerStep; update++) Learn(update);
            if (_steps % Config.TargetEvery == 0) UpdateTarget();
            if (terminated || truncated) return total;
            observation = next;
        }
    }

    private double Epsilon()
    {
        double fraction = Math.Min(1.0, (double)_steps / Config.EpsilonSteps);
        return Config.EpsilonStart + fraction * (Config.EpsilonEnd - Config.EpsilonStart);
    }

    private void Learn(int update)
    {
        using var scope = NewDisposeScope();
        // The first update of a step draws the minibatch it always drew; further ones draw theirs from sub-branches.
        ulong key = update == 0 ? SeedTree.Key(Config.Seed, SeedBranches.Replay, _steps) : SeedTree.Key(Config.Seed, SeedBranches.Replay, _steps, update);
        var (states, actions, rewards, next, notTerminal) = _buffer.Sample(Config.BatchSize, key);
        int size = _environment.ObservationSize;
        var s = tensor(states).reshape(Config.BatchSize, size);
        var y = Targets(tensor(rewards), tensor(next).reshape(Config.BatchSize, size), tensor(notTerminal));
        var q = _q.forward(s).gather(1, tensor(actions).unsqueeze(1)).squeeze(1);
        var loss = nn.functional.smooth_l1_loss(q, y);
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
    }

    private bool IsSolved(double episodeReturn) => _environment is CartPole
        ? _returns.Count >= 100 && _returns.TakeLast(100).Average() >= CartPoleSolvedReturn
        : episodeReturn > 0.5;

    private RlProgress Progress(double episodeReturn) => new(
        _returns.Count, _steps, episodeReturn, _returns.Count == 0 ? double.NaN : _returns.TakeLast(100).Average(), _solvedAt);

    private static nn.Module<Tensor, Tensor> Network(RlConfig config, IEnvironment environment, ulong key)
    {
        using var generator = new Generator(key);
        return nn.Sequential(
            SeededInit.Default(nn.Linear(environment.ObservationSize, config.Hidden), generator), nn.ReLU(),
            SeededInit.Default(nn.Linear(config.Hidden, config.Hidden), generator), nn.ReLU(),
            SeededInit.Default(nn.Linear(config.Hidden, environment.ActionCount), generator));
    }

    private void WriteCheckpoint()
    {
        var run = _run!;
        run.SaveCheckpoint(writer =>
        {
            writer.Write("langevin-rl-checkpoint");
            writer.Write(CheckpointVersion);
            writer.Write(Config.ToJson());
            writer.Write(_steps);
            writer.Write(_solvedAt ?? -1);
            writer.Write(JsonSerializer.Serialize(_returns));
            _q.save(writer);
            _target.save(writer);
            _optimizer.save_state_dict(writer);
            _buffer.Save(writer);
        });
        var c = CultureInfo.InvariantCulture;
        var means = RlSummary.MovingMean(_returns);
        var csv = new StringBuilder("episode,return,mean_return_100\n");
        for (int i = 0; i < _returns.Count; i++)
            csv.Append((i + 1).ToString(c)).Append(',').Append(_returns[i].ToString("R", c)).Append(',').Append(means[i].ToString("R", c)).Append('\n');
        AtomicFile.WriteAllText(run.File("returns.csv"), csv.ToString());
        double[] x = Enumerable.Range(1, _returns.Count).Select(i => (double)i).ToArray();
        RunPlots.Save(run.File("returns.png"), $"{Config.Environment} {Config.Agent.CommandLineName()} seed {Config.Seed}", "return", x, ScottPlot.Alignment.LowerRight,
            [("episode return", _returns), ("mean of the last 100", means)], "episode");
    }

    private void LoadCheckpoint() => _run!.LoadCheckpoint(reader =>
    {
        if (reader.ReadString() != "langevin-rl-checkpoint") throw new FormatException("not a Langevin RL checkpoint");
        int version = reader.ReadInt32();
        if (version != CheckpointVersion) throw new FormatException($"checkpoint version {version}, this build reads {CheckpointVersion}");
        var saved = RlConfig.FromJson(reader.ReadString(), "checkpoint");
        if (saved with { Episodes = Config.Episodes, Threads = Config.Threads } != Config)
            throw new UserErrorException("the checkpoint was written with another configuration than config.json; start a new run");
        _steps = reader.ReadInt64();
        int solved = reader.ReadInt32();
        _solvedAt = solved < 0 ? null : solved;
        _returns.Clear();
        _returns.AddRange(JsonSerializer.Deserialize<List<double>>(reader.ReadString())!);
        _q.load(reader);
        _target.load(reader);
        _optimizer.load_state_dict(reader);
        _buffer.Load(reader);
    }, "{DqnTrainer.runDirectory}");

    /// <inheritdoc />
    public void Dispose()
    {
        _run?.Dispose();
        _optimizer.Dispose();
        _q.Dispose();
        _target.Dispose();
    }
}
