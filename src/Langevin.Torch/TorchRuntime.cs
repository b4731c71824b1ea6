using TorchSharp;

namespace Langevin.Torch;

/// <summary>
/// Loads libtorch once per process and reports on it. Everything that touches tensors calls
/// <see cref="EnsureLoaded"/> first, so that a machine where the native library cannot load gets one
/// clear message instead of a TypeInitializationException deep inside a training loop.
/// </summary>
public static class TorchRuntime
{
    /// <summary>Loads libtorch (idempotent) and returns what was loaded.</summary>
    /// <exception cref="UserErrorException">The native library could not be loaded.</exception>
    public static TorchStatus EnsureLoaded()
    {
        var status = Probe();
        if (!status.Loaded)
            throw new UserErrorException(
                $"libtorch could not be loaded ({status.Error}); rebuild with 'dotnet build' so that build/TorchNativeFix.targets patches the output copy of libLibTorchSharp.so");
        return status;
    }

    /// <summary>Tries to load libtorch without throwing; the result says whether it worked and why not.</summary>
    public static TorchStatus Probe()
    {
        try
        {
            // Touching any torch API runs TorchSharp's static initialiser, which loads the native libraries.
            bool loaded = torch.TryInitializeDeviceType(DeviceType.CPU);
            return new TorchStatus(
                Loaded: loaded,
                TorchSharpVersion: typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown",
                LibTorchVersion: loaded ? torch.__version__ : "not loaded",
                Threads: loaded ? torch.get_num_threads() : 0,
                Error: loaded ? null : "TorchSharp could not initialise the CPU backend");
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return new TorchStatus(false, typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown", "not loaded", 0,
                OneLine(e));
        }
    }

    /// <summary>Sets the number of intra-op threads torch uses (0 keeps torch's default: one per core).</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 0) throw new UserErrorException($"{{TorchRuntime.threads}} must be 0 (all cores) or a positive count, got {threads}");
        // More threads than cores only adds contention; thousands of them make the machine unusable.
        if (threads > Environment.ProcessorCount)
            throw new UserErrorException($"{{TorchRuntime.threads}} {threads} is more than the {Environment.ProcessorCount} cores of this machine; give at most {Environment.ProcessorCount} (or 0 for one per core)");
        EnsureLoaded();
        if (threads > 0) torch.set_num_threads(threads);
    }

    private static string OneLine(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        string message = e.Message.ReplaceLineEndings(" ");
        return message.Length > 240 ? message[..240] + "…" : message;
    }
}

/// <summary>What <see cref="TorchRuntime.Probe"/> found.</summary>
/// <param name="Loaded">True when libtorch is loaded and a CPU tensor can be created.</param>
/// <param name="TorchSharpVersion">Version of the managed TorchSharp assembly.</param>
/// <param name="LibTorchVersion">Version reported by the native libtorch.</param>
/// <param name="Threads">Intra-op threads torch will use.</param>
/// <param name="Error">Why loading failed, or null.</param>
public sealed record TorchStatus(bool Loaded, string TorchSharpVersion, string LibTorchVersion, int Threads, string? Error);
