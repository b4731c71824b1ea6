using System.Text.Json;
using System.Text.Json.Serialization;

namespace Langevin.Reinforcement;

/// <summary>The exploration strategy of a DQN agent.</summary>
public enum AgentKind
{
    /// <summary>DQN with ε-greedy exploration and Adam (Mnih et al. 2015): the baseline.</summary>
    Dqn,

    /// <summary>Langevin Monte Carlo DQN (Ishfaq et al., ICLR 2024): greedy actions of a Q-network updated by Adam Langevin dynamics, an approximate Thompson sample.</summary>
    Lmc,

    /// <summary>Greedy actions of a Q-network updated by SGHMC: Thompson sampling by stochastic-gradient Hamiltonian Monte Carlo.</summary>
    Sghmc,
}

/// <summary>Names of <see cref="AgentKind"/> on the command line.</summary>
public static class AgentKinds
{
    /// <summary>"dqn", "lmc" or "sghmc".</summary>
    public static string CommandLineName(this AgentKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses a command-line agent name.</summary>
    public static AgentKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "dqn" => AgentKind.Dqn,
        "lmc" or "lmcdqn" => AgentKind.Lmc,
        "sghmc" => AgentKind.Sghmc,
        _ => throw new UserErrorException($"unknown agent '{name}'; use dqn, lmc or sghmc"),
    };
}

/// <summary>
/// Settings of a reinforcement-learning run (<see cref="DqnTrainer"/>). The defaults are those of PyTorch's DQN tutorial
/// for CartPole (two hidden layers of 128, minibatches of 128, a replay buffer of 10,000, soft target updates with τ = 0.005
/// every step, Adam at 1e-4), with which ε-greedy DQN and Adam LMC solved CartPole-v1 in 4 of 5 seeds each; the hard target
/// copy every 500 steps of Mnih et al. solved it in none (docs/results-training.md).
/// </summary>
public sealed record RlConfig
{
    /// <summary>"cartpole" or "deepsea".</summary>
    public string Environment { get; init; } = "cartpole";

    /// <summary>N of DeepSea (ignored for CartPole).</summary>
    public int Size { get; init; } = 10;

    /// <summary>The agent.</summary>
    public AgentKind Agent { get; init; } = AgentKind.Dqn;

    /// <summary>Episodes to play at most.</summary>
    public int Episodes { get; init; } = 500;

    /// <summary>Seed of the network, the environment, exploration, replay sampling and noise.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Step size; null: the agent's own, <see cref="DefaultLearningRate"/>.</summary>
    public double? LearningRate { get; init; }

    /// <summary>The step size the run uses: <see cref="LearningRate"/>, or the agent's default.</summary>
    [JsonIgnore]
    public double StepSize => LearningRate ?? DefaultLearningRate(Agent);

    /// <summary>Diffusion coefficient D of the Langevin agents (lmc: 1/β; sghmc: D).</summary>
    public double Diffusion { get; init; } = 1e-5;

    /// <summary>Momentum μ of SGHMC.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Minibatch of transitions per update.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Transitions the replay buffer keeps.</summary>
    public int BufferSize { get; init; } = 10_000;

    /// <summary>Steps of experience, taken with uniformly random actions by every agent, before the first update.</summary>
    public int LearningStarts { get; init; } = 1_000;

    /// <summary>Steps between updates of the target network (see <see cref="TargetTau"/>).</summary>
    public int TargetEvery { get; init; } = 1;

    /// <summary>
    /// Weight τ of a target update, target ← τ·Q + (1 − τ)·target: 1 copies the Q-network (Mnih et al. 2015's hard update);
    /// a small τ with <see cref="TargetEvery"/> = 1 is the soft (Polyak) update of PyTorch's DQN tutorial and CleanRL.
    /// </summary>
    public double TargetTau { get; init; } = 0.005;

    /// <summary>
    /// Double DQN (van Hasselt et al. 2016): the target network evaluates the next state's action chosen by the Q-network,
    /// instead of its own maximum, which overestimates.
    /// </summary>
    public bool DoubleQ { get; init; }

    /// <summary>
    /// Updates of the Q-network per environment step, each on its own minibatch (stable-baselines3's gradient_steps; for
    /// the Langevin agents, the several noisy updates per step of Ishfaq et al.'s Langevin Monte Carlo).
    /// </summary>
    public int UpdatesPerStep { get; init; } = 1;

    /// <summary>Width of the two hidden layers of the Q-network.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>ε at the start (dqn).</summary>
    public double EpsilonStart { get; init; } = 1.0;

    /// <summary>ε after <see cref="EpsilonSteps"/> (dqn).</summary>
    public double EpsilonEnd { get; init; } = 0.05;

    /// <summary>Steps over which ε falls linearly (dqn).</summary>
    public int EpsilonSteps { get; init; } = 5_000;

    /// <summary>Episodes between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 25;

    /// <summary>End the run once the task is solved (CartPole: mean return ≥ 475 over 100 episodes; DeepSea: the treasure found).</summary>
    public bool StopWhenSolved { get; init; } = true;

    /// <summary>Torch intra-op threads (0: libtorch's default).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// The step size of an agent when none is given: 1e-4 for the Adam-preconditioned agents (dqn, lmc; PyTorch's DQN
    /// tutorial uses 1e-4 with these settings), 1e-3 for sghmc, whose plain gradient steps need a larger one (at 1e-4 it did
    /// not learn CartPole in 5 of 5 seeds; docs/results-training.md).
    /// </summary>
    public static double DefaultLearningRate(AgentKind agent) => agent == AgentKind.Sghmc ? 1e-3 : 1e-4;

    /// <summary>Most observation numbers the replay buffer may hold (states and next states: 8 bytes each, 400 MB).</summary>
    private const long MaxBufferFloats = 50_000_000;

    /// <summary>Checks every setting; a bad one is one line naming it.</summary>
    public void Validate()
    {
        if (Environment is not ("cartpole" or "deepsea")) throw new UserErrorException($"{{RlConfig.Environment}} '{Environment}' is unknown; use cartpole or deepsea");
        if (Size is < 2 or > 100) throw new UserErrorException($"{{RlConfig.Size}} must be in 2…100, got {Size}");
        if (Episodes < 1) throw new UserErrorException($"{{RlConfig.Episodes}} must be ≥ 1, got {Episodes}");
        if (LearningRate is { } lr) Positive(lr, "{RlConfig.LearningRate}");
        if (!(Diffusion >= 0) || double.IsInfinity(Diffusion)) throw new UserErrorException($"{{RlConfig.Diffusion}} must be a finite number ≥ 0, got {Diffusion}");
        if (!(Momentum >= 0 && Momentum < 1)) throw new UserErrorException($"{{RlConfig.Momentum}} must be in [0, 1), got {Momentum}");
        if (!(Gamma >= 0 && Gamma <= 1)) throw new UserErrorException($"{{RlConfig.Gamma}} must be in [0, 1], got {Gamma}");
        if (BatchSize < 1) throw new UserErrorException($"{{RlConfig.BatchSize}} must be ≥ 1, got {BatchSize}");
        if (BufferSize < BatchSize) throw new UserErrorException($"{{RlConfig.BufferSize}} {BufferSize} is smaller than a minibatch ({BatchSize})");
        if (LearningStarts < BatchSize) throw new UserErrorException($"{{RlConfig.LearningStarts}} {LearningStarts} is fewer steps than a minibatch ({BatchSize})");
        if (Environment == "deepsea" && (long)BufferSize * Size * Size > MaxBufferFloats)
            throw new UserErrorException($"a replay buffer of {BufferSize} DeepSea observations of {Size}×{Size} would hold {(long)BufferSize * Size * Size * 8 / 1_000_000} MB; lower {{RlConfig.Size}} (at most {(int)Math.Sqrt(MaxBufferFloats / BufferSize)})");
        if (TargetEvery < 1) throw new UserErrorException($"{{RlConfig.TargetEvery}} must be ≥ 1, got {TargetEvery}");
        if (!(TargetTau is > 0 and <= 1)) throw new UserErrorException($"{{RlConfig.TargetTau}} must be in (0, 1], got {TargetTau}");
        if (UpdatesPerStep is < 1 or > 64) throw new UserErrorException($"{{RlConfig.UpdatesPerStep}} must be in 1…64, got {UpdatesPerStep}");
        if (Hidden < 1) throw new UserErrorException($"{{RlConfig.Hidden}} must be ≥ 1, got {Hidden}");
        if (!(EpsilonStart is >= 0 and <= 1) || !(EpsilonEnd is >= 0 and <= 1)) throw new UserErrorException("ε must be in [0, 1]");
        if (EpsilonSteps < 1) throw new UserErrorException($"{{RlConfig.EpsilonSteps}} must be ≥ 1, got {EpsilonSteps}");
        if (CheckpointEvery < 1) throw new UserErrorException($"{{RlConfig.CheckpointEvery}} must be ≥ 1, got {CheckpointEvery}");
        if (Threads < 0 || Threads > System.Environment.ProcessorCount)
            throw new UserErrorException($"{{RlConfig.Threads}} must be in 0…{System.Environment.ProcessorCount}, got {Threads}");
    }

    /// <summary>The environment these settings describe.</summary>
    public IEnvironment CreateEnvironment() => Environment == "cartpole" ? new CartPole() : new DeepSea(Size, Seed);

    /// <summary>As JSON (config.json of the run folder).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Langevin.Training.TrainingConfig.JsonOptions);

    /// <summary>Reads <see cref="ToJson"/>'s output; <paramref name="source"/> names it in errors.</summary>
    public static RlConfig FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<RlConfig>(json, Langevin.Training.TrainingConfig.JsonOptions) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{source} is not a readable RL configuration ({e.Message}); start a new run", e);
        }
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new UserErrorException($"{name} must be a finite number > 0, got {value}");
    }
}
