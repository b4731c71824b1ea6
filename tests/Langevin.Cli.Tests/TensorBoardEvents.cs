using System.Text;

namespace Langevin.Cli.Tests;

/// <summary>Checks that a TensorBoard folder holds event files naming given scalar tags.</summary>
internal static class TensorBoardEvents
{
    public static void AssertHolds(string folder, params string[] tags)
    {
        var files = Directory.GetFiles(folder, "events.out.tfevents.*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        // Event records are protobufs whose summary values carry their tag as plain UTF-8 bytes.
        string content = Encoding.Latin1.GetString(files.SelectMany(File.ReadAllBytes).ToArray());
        foreach (string tag in tags) Assert.Contains(tag, content);
    }
}
