using System.CommandLine;
using System.Runtime.InteropServices;
using Langevin.Data;
using Langevin.Generative.Pipeline;
using Langevin.Torch;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin info</c>: versions, torch status and threads, and where each dataset and shipped model was found.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var command = new Command("info", "Show versions, whether libtorch loads, its threads, and where each dataset and shipped model was found.") { data };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var version = typeof(InfoCommand).Assembly.GetName().Version?.ToString(3);
            output.WriteLine($"langevin {version}");
            output.WriteLine($".NET {Environment.Version} ({RuntimeInformation.RuntimeIdentifier}), {Environment.ProcessorCount} cores");

            var torch = TorchRuntime.Probe();
            output.WriteLine(torch.Loaded
                ? $"torch: loaded (TorchSharp {torch.TorchSharpVersion}, libtorch {torch.LibTorchVersion}, {torch.Threads} threads)"
                : $"torch: NOT loaded (TorchSharp {torch.TorchSharpVersion}): {torch.Error}");

            var locator = CommonOptions.Locator(parse.GetValue(data));
            foreach (var kind in Enum.GetValues<DatasetKind>())
            {
                var found = locator.TryFind(kind);
                output.WriteLine(found is null
                    ? $"{kind.CommandLineName()}: not found — {UserErrorException.Describe(kind.HowToGet(), FlagNames.Of)}"
                    : $"{kind.CommandLineName()}: found at {found.Folder} ({found.Source})");
            }
            foreach (string name in new[] { ShippedModels.TextToImage, ShippedModels.Classifier })
            {
                var found = ShippedModels.TryFind(name);
                output.WriteLine(found is { } f
                    ? $"model {name}: found at {f.Path} ({f.Source})"
                    : $"model {name}: not found — set ${ShippedModels.EnvironmentVariable} to a folder holding it, or pass --model / --classifier");
            }
            return torch.Loaded ? ExitCodes.Success : ExitCodes.UserError;
        });
        return command;
    }
}
