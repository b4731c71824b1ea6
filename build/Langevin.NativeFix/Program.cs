using Langevin.NativeFix;

// Usage: Langevin.NativeFix <path/to/libLibTorchSharp.so> [system libstdc++ path]
// Run by TorchNativeFix.targets after build and publish. Never fails the build: when it cannot help,
// it says why, and the torch smoke test reports the load failure.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: Langevin.NativeFix <libLibTorchSharp.so> [libstdc++.so.6]");
    return 2;
}
if (!OperatingSystem.IsLinux() || !File.Exists(args[0]))
    return 0;

string? system = args.Length == 2 ? args[1] : LibStdCxxVersionFix.SystemLibraryCandidates.FirstOrDefault(File.Exists);
if (system is null)
{
    Console.WriteLine("Langevin.NativeFix: no system libstdc++.so.6 found; nothing to do");
    return 0;
}
Console.WriteLine("Langevin.NativeFix: " + LibStdCxxVersionFix.Apply(args[0], system));
return 0;
