using System.Diagnostics;
using Langevin.Runs;
using Langevin.Tests;

namespace Langevin.Core.Tests;

/// <summary>The one run folder: its lock, the checkpoint's checksum, leftover temporaries and folders replaced as one unit.</summary>
public sealed class RunFolderTests
{
    [Fact]
    public void A_second_opener_is_refused_while_the_first_holds_the_folder_and_admitted_after()
    {
        using var temp = new TempFolder();
        var first = new RunFolder(temp.Path);
        first.Open();
        using (var second = new RunFolder(temp.Path))
        {
            var error = Assert.Throws<UserErrorException>(second.Open);
            Assert.Contains("in use by another run", error.Message);
        }
        first.Dispose();
        using var third = new RunFolder(temp.Path);
        third.Open();
    }

    [Fact]
    public void Another_process_cannot_take_a_held_folder()
    {
        using var temp = new TempFolder();
        using var run = new RunFolder(temp.Path);
        run.Open();
        // flock(1) from util-linux asks for the same exclusive lock without waiting (-n): it must fail, exit code 1.
        using var flock = Process.Start(new ProcessStartInfo("flock", ["-n", run.File(RunFolder.LockFileName), "true"]) { UseShellExecute = false })!;
        flock.WaitForExit();
        Assert.Equal(1, flock.ExitCode);
    }

    [Fact]
    public void A_checkpoint_reads_back_and_any_damage_is_refused()
    {
        using var temp = new TempFolder();
        using var run = new RunFolder(temp.Path);
        run.Open();
        byte[] payload = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        run.WriteCheckpoint(s => s.Write(payload));
        Assert.Equal(payload.Length + 32, new FileInfo(run.Checkpoint).Length);
        Assert.Equal(payload, run.ReadCheckpoint(Read(payload.Length)));

        byte[] bytes = File.ReadAllBytes(run.Checkpoint);
        bytes[12_345] ^= 1;
        File.WriteAllBytes(run.Checkpoint, bytes);
        Assert.Contains("damaged", Assert.Throws<UserErrorException>(() => run.ReadCheckpoint(Read(payload.Length))).Message);

        File.WriteAllBytes(run.Checkpoint, payload[..50_000]); // truncated
        Assert.Throws<UserErrorException>(() => run.ReadCheckpoint(Read(payload.Length)));
        File.WriteAllBytes(run.Checkpoint, []);
        Assert.Throws<UserErrorException>(() => run.ReadCheckpoint(Read(payload.Length)));
    }

    [Fact]
    public void Opening_removes_the_temporaries_of_a_killed_write_and_nothing_else()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("metrics.csv.0123abcd.tmp"), "torn");
        Directory.CreateDirectory(temp.Combine("model.89abcdef.tmp"));
        File.WriteAllText(temp.Combine("model.89abcdef.tmp", "unet.bin"), "half");
        Directory.CreateDirectory(temp.Combine("samples"));
        File.WriteAllText(temp.Combine("samples", "epoch-001.png.deadbeef.tmp"), "torn");
        File.WriteAllText(temp.Combine("notes.tmp"), "the user's");
        using var run = new RunFolder(temp.Path);
        run.Open();
        Assert.Equal(["notes.tmp", RunFolder.LockFileName, "samples"], Names(temp.Path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("samples")));
    }

    [Fact]
    public void Opening_leaves_the_temporaries_of_a_run_nested_deeper_alone()
    {
        // A run folder inside this one (runs/a inside runs, as a sweep lays them out) may be writing right now.
        using var temp = new TempFolder();
        string nested = temp.Combine("D=0", "seed=1");
        Directory.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(nested, "checkpoint.bin.0123abcd.tmp"), "being written");
        using var run = new RunFolder(temp.Path);
        run.Open();
        Assert.True(File.Exists(Path.Combine(nested, "checkpoint.bin.0123abcd.tmp")));
    }

    [Fact]
    public void A_replaced_folder_holds_only_the_new_files_and_a_failed_write_keeps_the_old()
    {
        using var temp = new TempFolder();
        using var run = new RunFolder(temp.Path);
        run.Open();
        run.ReplaceFolder("model", dir =>
        {
            File.WriteAllText(Path.Combine(dir, "a.bin"), "1");
            File.WriteAllText(Path.Combine(dir, "b.bin"), "1");
        });
        run.ReplaceFolder("model", dir => File.WriteAllText(Path.Combine(dir, "a.bin"), "2"));
        Assert.Equal(["a.bin"], Names(run.File("model")));
        Assert.Equal("2", File.ReadAllText(run.File("model/a.bin")));

        Assert.Throws<UserErrorException>(() => run.ReplaceFolder("model", _ => throw new IOException("disk full")));
        Assert.Equal("2", File.ReadAllText(run.File("model/a.bin")));
        Assert.Equal(["model", RunFolder.LockFileName], Names(temp.Path));
    }

    private static string[] Names(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray();

    private static Func<Stream, byte[]> Read(int length) => s =>
    {
        var buffer = new byte[length];
        s.ReadExactly(buffer);
        return buffer;
    };
}
