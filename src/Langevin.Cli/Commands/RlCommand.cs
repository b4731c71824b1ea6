using System.CommandLine;
using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Reinforcement;
using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin rl train</c>: DQN with ε-greedy, Langevin Monte Carlo or SGHMC exploration on CartPole or DeepSea.</summary>
internal static class RlCommand
{
    private static readonly RlConfig Defaults = new();

    private static Command Summary()
    {
        var folder = new Argument<string>("dir") { Description = "A folder holding run folders of langevin rl train, grouped by agent (e.g. DIR/dqn/seed=1)." };
        var command = new Command("summary", "Summarise runs over seeds per agent: episodes to solve, best and final mean return of 100 episodes; writes returns-bands.png.") { folder };
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var c = CultureInfo.InvariantCulture;
            writer.WriteLine($"{"agent",-10} {"environment",-12} {"runs",4}  {"solved (episode)",-24} {"mean-100 ≥ 195 (episode)",-26} {"best mean-100",-16} {"final mean-100",-16}");
            foreach (var s in RlSummary.Of(parse.GetValue(folder)!))
                writer.WriteLine($"{s.Name,-10} {s.Environment,-12} {s.Runs,4}  {Episodes(s.Solved, s.Runs),-24} {(s.Environment == "cartpole" ? Episodes(s.Reached195, s.Runs) : "–"),-26} {MeanStd(s.BestMean),-16} {MeanStd(s.FinalMean),-16}");
            return ExitCodes.Success;

            string Episodes(IReadOnlyList<int> at, int runs) => at.Count == 0 ? $"0 of {runs}" : string.Create(c, $"{at.Count} of {runs} ({string.Join(", ", at)})");
            string MeanStd(IReadOnlyList<double> values) => string.Create(c, $"{values.Average():F1} ± {(values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - values.Average()) * (v - values.Average())) / (values.Count - 1)) : 0):F1}");
        });
        return command;
    }

    public static Command Create()
    {
        var environment = TypedOptions.Choice("--env", "Environment: CartPole-v1 (Barto et al. 1983) or bsuite's DeepSea.", "cartpole", ("cartpole", "cartpole"), ("deepsea", "deepsea"), ("deep-sea", "deepsea"));
        var size = new Option<int>("--size") { Description = "N of DeepSea (an N×N grid).", DefaultValueFactory = _ => Defaults.Size };
        var agent = TypedOptions.Parsed("--agent", "Agent: dqn (ε-greedy, Adam), lmc (Adam Langevin Monte Carlo DQN, Ishfaq et al. 2024) or sghmc (SGHMC-sampled Q-network).", Defaults.Agent.CommandLineName(), AgentKinds.Parse);
        var episodes = new Option<int>("--episodes") { Description = "Episodes at most (the run ends earlier once solved, unless --no-stop).", DefaultValueFactory = _ => Defaults.Episodes };
        var seed = new Option<long>("--seed") { Description = "Seed of network, episode starts, exploration, replay and noise.", DefaultValueFactory = _ => Defaults.Seed };
        var lr = new Option<double?>("--lr") { Description = "Step size (default: 1e-4 for dqn and lmc, 1e-3 for sghmc)." };
        var diffusion = new Option<double>("--diffusion") { Description = "Diffusion coefficient D of lmc (1/β) and sghmc.", DefaultValueFactory = _ => Defaults.Diffusion };
        var momentum = new Option<double>("--momentum") { Description = "Momentum of sghmc.", DefaultValueFactory = _ => Defaults.Momentum };
        var gamma = new Option<double>("--gamma") { Description = "Discount γ.", DefaultValueFactory = _ => Defaults.Gamma };
        var batch = new Option<int>("--batch-size") { Description = "Transitions per update.", DefaultValueFactory = _ => Defaults.BatchSize };
        var buffer = new Option<int>("--buffer-size") { Description = "Transitions the replay buffer keeps.", DefaultValueFactory = _ => Defaults.BufferSize };
        var starts = new Option<int>("--learning-starts") { Description = "Steps of uniformly random actions before the first update.", DefaultValueFactory = _ => Defaults.LearningStarts };
        var targetEvery = new Option<int>("--target-every") { Description = "Steps between updates of the target network.", DefaultValueFactory = _ => Defaults.TargetEvery };
        var targetTau = new Option<double>("--target-tau") { Description = "Weight τ of a target update, target ← τ·Q + (1 − τ)·target (1: a copy; e.g. 0.005 with --target-every 1: soft updates).", DefaultValueFactory = _ => Defaults.TargetTau };
        var updatesPerStep = new Option<int>("--updates-per-step") { Description = "Updates of the Q-network per environment step, each on its own minibatch (1…64).", DefaultValueFactory = _ => Defaults.UpdatesPerStep };
        var doubleQ = new Option<bool>("--double-q") { Description = "Double DQN: the target network evaluates the action the Q-network picks." };
        var hidden = new Option<int>("--hidden") { Description = "Width of the Q-network's two hidden layers.", DefaultValueFactory = _ => Defaults.Hidden };
        var epsilonSteps = new Option<int>("--epsilon-steps") { Description = "dqn: steps over which ε falls from 1 to 0.05.", DefaultValueFactory = _ => Defaults.EpsilonSteps };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Episodes between checkpoints.", DefaultValueFactory = _ => Defaults.CheckpointEvery };
        var noStop = new Option<bool>("--no-stop") { Description = "Play every episode even after the task is solved." };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Run directory: config.json, checkpoint.bin (every --checkpoint-every episodes), returns.csv, returns.png.", HelpName = "DIR", Required = true }.WritableFolder();
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint (--episodes may be raised)." };
        var train = new Command("train", "Train a DQN agent; prints the return every 10 episodes, checkpoints every 25.")
        {
            environment, size, agent, episodes, seed, lr, diffusion, momentum, gamma, batch, buffer, starts, targetEvery, targetTau, doubleQ, updatesPerStep, hidden, epsilonSteps,
            checkpointEvery, noStop, threads, output, resume,
        };
        train.SetAction((parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var config = new RlConfig
            {
                Environment = parse.GetValue(environment)!, Size = parse.GetValue(size), Agent = parse.GetValue(agent), Episodes = parse.GetValue(episodes),
                Seed = parse.GetValue(seed), LearningRate = parse.GetValue(lr), Diffusion = parse.GetValue(diffusion), Momentum = parse.GetValue(momentum),
                Gamma = parse.GetValue(gamma), BatchSize = parse.GetValue(batch), BufferSize = parse.GetValue(buffer), LearningStarts = parse.GetValue(starts),
                TargetEvery = parse.GetValue(targetEvery), TargetTau = parse.GetValue(targetTau), DoubleQ = parse.GetValue(doubleQ), UpdatesPerStep = parse.GetValue(updatesPerStep), Hidden = parse.GetValue(hidden), EpsilonSteps = parse.GetValue(epsilonSteps),
                CheckpointEvery = parse.GetValue(checkpointEvery), StopWhenSolved = !parse.GetValue(noStop),
                Threads = CommonOptions.Threads(parse, threads, parse.GetValue(resume), parse.GetValue(output)!, (json, source) => RlConfig.FromJson(json, source).Threads),
            };
            config.Validate();
            TorchRuntime.SetThreads(config.Threads);
            using var trainer = new DqnTrainer(config, parse.GetValue(output)!, parse.GetValue(resume));
            var c = trainer.Config;
            var invariant = CultureInfo.InvariantCulture;
            writer.WriteLine(string.Create(invariant, $"{c.Environment}{(c.Environment == "deepsea" ? $" N={c.Size}" : "")} {c.Agent.CommandLineName()} lr={c.StepSize} D={c.Diffusion} seed={c.Seed}, {c.Episodes} episodes at most"));
            if (trainer.EpisodesPlayed > 0) writer.WriteLine($"resuming after episode {trainer.EpisodesPlayed}");
            var report = new CallbackTracker<RlProgress>(10, (p, _) =>
            {
                if (!double.IsNaN(p.Return)) writer.WriteLine(string.Create(invariant, $"episode {p.Episode}: return {p.Return:G4}, mean of the last 100 {p.MeanReturn:F1}, {p.Steps} steps"));
            });
            var result = trainer.Run([report], cancellationToken);
            writer.WriteLine(result.SolvedAt is int at
                ? string.Create(invariant, $"solved at episode {at} ({(c.Environment == "cartpole" ? "mean return of the last 100 ≥ 475" : "treasure found")}); {result.Returns.Count} episodes, {result.Steps} steps")
                : string.Create(invariant, $"not solved in {result.Returns.Count} episodes ({result.Steps} steps); mean return of the last 100 {result.Returns.TakeLast(100).Average():F1}"));
            return Task.FromResult(ExitCodes.Success);
        });
        return new Command("rl", "Reinforcement learning with Langevin exploration.") { train, Summary() };
    }
}
