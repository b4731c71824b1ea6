using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Langevin.IO;

namespace Langevin.Runs;

/// <summary>
/// The folder of one resumable run, shared by every trainer: <c>config.json</c>, <c>metrics.csv</c>, <c>checkpoint.bin</c>
/// and whatever else the run writes. Its users write every file with <see cref="AtomicFile"/> (a kill leaves the old file or
/// the new one; event logs such as TensorBoard's are appended by their own writers), the
/// checkpoint carries a SHA-256 of its contents (a damaged checkpoint is refused, not half-read), whole sub-folders are
/// replaced as one unit, and <see cref="Open"/> takes an exclusive lock so that two runs cannot write one folder.
/// </summary>
public sealed partial class RunFolder : IDisposable
{
    /// <summary>The lock file's name; it stays in the folder, the lock itself ends with the process that holds it.</summary>
    public const string LockFileName = "run.lock";

    private const int DigestLength = 32;
    private FileStream? _lock;

    /// <summary>Names the folder at <paramref name="path"/> (nothing is created until <see cref="Open"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public RunFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary><c>config.json</c>: the settings of the run.</summary>
    public string Config => File("config.json");

    /// <summary><c>metrics.csv</c>: one row per epoch.</summary>
    public string Metrics => File("metrics.csv");

    /// <summary><c>checkpoint.bin</c>: everything needed to resume, with its SHA-256 at the end.</summary>
    public string Checkpoint => File("checkpoint.bin");

    /// <summary>Whether the folder holds a checkpoint.</summary>
    public bool HasCheckpoint => System.IO.File.Exists(Checkpoint);

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Creates the folder, takes its lock for the life of this object, and removes the temporary files that a run killed
    /// in the middle of a write left behind (no other writer can exist once the lock is held).
    /// </summary>
    /// <exception cref="UserErrorException">Another run holds the folder, or it cannot be created or written.</exception>
    public void Open()
    {
        if (_lock is not null) return;
        try
        {
            Directory.CreateDirectory(Path);
            // FileShare.None is an exclusive flock(2) on Linux: a second opener, in this process or another, fails at once,
            // and the kernel releases the lock when the holder dies, so a killed run never leaves the folder locked.
            _lock = new FileStream(File(LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (System.IO.File.Exists(File(LockFileName)))
        {
            throw new UserErrorException($"{Path} is in use by another run (it holds {LockFileName}); wait for that run to end or choose another {{RunFolder.path}} folder", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"cannot write the run folder {Path}: {e.Message.TrimEnd('.')}; choose another {{RunFolder.path}} folder", e);
        }
        try
        {
            RemoveTemporaries(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Dispose();
            throw new UserErrorException($"cannot clean the run folder {Path} of unfinished writes: {e.Message.TrimEnd('.')}; check its permissions or choose another {{RunFolder.path}} folder", e);
        }
    }

    /// <summary>
    /// Writes the checkpoint atomically: the bytes <paramref name="write"/> produces, then their SHA-256, so that
    /// <see cref="ReadCheckpoint{T}"/> can tell a complete checkpoint from a damaged one.
    /// </summary>
    public void WriteCheckpoint(Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        AtomicFile.Write(Checkpoint, file =>
        {
            using var sha = SHA256.Create();
            // A CryptoStream over a hash passes the bytes through unchanged and hashes them on the way.
            using (var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write, leaveOpen: true))
            {
                write(hashing);
                hashing.FlushFinalBlock();
            }
            file.Write(sha.Hash!);
        });
    }

    /// <summary>
    /// Checks the checkpoint's SHA-256, then lets <paramref name="read"/> read its contents (positioned at the start).
    /// </summary>
    /// <exception cref="UserErrorException">There is no checkpoint, or it is truncated or damaged.</exception>
    public T ReadCheckpoint<T>(Func<Stream, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        FileStream file;
        try
        {
            file = new FileStream(Checkpoint, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = file.Length - DigestLength;
            if (length <= 0 || !ContentMatchesDigest(file, length))
            {
                file.Dispose();
                throw new UserErrorException($"{Checkpoint} is damaged (its SHA-256 does not match its contents, or it was written by an older build); delete it to start the run again, or choose another {{RunFolder.path}} folder");
            }
            file.Position = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"cannot read {Checkpoint}: {e.Message.TrimEnd('.')}; check the file's permissions", e);
        }
        // The contents are whole: what goes wrong from here is the reader's to say.
        using (file) return read(file);
    }

    /// <summary>
    /// Opens the folder for a trainer (<see cref="Open"/>) and refuses a checkpoint already there unless the run is to be
    /// resumed; returns whether there is a checkpoint to load. The parameters name, for the message, the trainer's
    /// resume switch and folder (e.g. "{GanTrainer.resume}").
    /// </summary>
    /// <exception cref="UserErrorException">The folder is in use, cannot be written, or holds a run and <paramref name="resume"/> is false.</exception>
    public bool OpenForTraining(bool resume, string resumeParameter, string folderParameter)
    {
        Open();
        if (HasCheckpoint && !resume)
            throw new UserErrorException($"{Path} already holds a run (checkpoint.bin); pass {resumeParameter} to continue it or choose another {folderParameter}");
        return HasCheckpoint;
    }

    /// <summary>
    /// Reads the checkpoint through a <see cref="BinaryReader"/> (checksum first, as <see cref="ReadCheckpoint{T}"/>); what
    /// <paramref name="read"/> cannot make sense of (a short or malformed file, a version of another build) becomes one
    /// line telling the user to start again in another folder, the one <paramref name="setBy"/> names.
    /// </summary>
    /// <exception cref="UserErrorException">The checkpoint is missing, damaged or unreadable.</exception>
    public void LoadCheckpoint(Action<BinaryReader> read, string setBy)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            ReadCheckpoint(stream =>
            {
                using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                read(reader);
                return true;
            });
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or System.Text.Json.JsonException or FormatException or ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            throw new UserErrorException($"{Checkpoint} is not a readable checkpoint ({e.Message}); start a new run in another {setBy} folder", e);
        }
    }

    /// <summary>Writes the checkpoint through a <see cref="BinaryWriter"/> (atomically, with its SHA-256, as <see cref="WriteCheckpoint(Action{Stream})"/>).</summary>
    public void SaveCheckpoint(Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteCheckpoint((Stream stream) =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            write(writer);
        });
    }

    /// <summary>
    /// Replaces the sub-folder <paramref name="name"/> as one unit: <paramref name="write"/> fills a new temporary folder,
    /// which then takes the old one's place, so a reader never sees files of two versions mixed.
    /// </summary>
    /// <remarks>
    /// Two renames (old away, new in): a kill between them leaves no folder of that name until the run resumes and
    /// writes it again; it never leaves a mixed one.
    /// </remarks>
    public void ReplaceFolder(string name, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(write);
        string target = File(name), fresh = TemporaryName(target), old = TemporaryName(target);
        try
        {
            Directory.CreateDirectory(fresh);
            write(fresh);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(fresh);
            throw new UserErrorException($"cannot write {target}: {e.Message.TrimEnd('.')}; free space or choose another {{RunFolder.path}} folder (the previous {name} is kept)", e);
        }
        try
        {
            if (Directory.Exists(target)) Directory.Move(target, old);
            Directory.Move(fresh, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                if (!Directory.Exists(target) && Directory.Exists(old)) Directory.Move(old, target);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // The previous version stays under its temporary name; the next Open removes it, and a resumed run
                // writes the folder again.
            }
            TryDelete(fresh);
            throw new UserErrorException($"cannot replace {target}: {e.Message.TrimEnd('.')}; check the folder's permissions or choose another {{RunFolder.path}} folder", e);
        }
        // The new version is in place; an old one that cannot be deleted now is removed by the next Open.
        TryDelete(old);
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private static bool ContentMatchesDigest(FileStream file, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        for (long left = length; left > 0;)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) return false;
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        Span<byte> stored = stackalloc byte[DigestLength];
        file.ReadExactly(stored);
        return hash.GetHashAndReset().AsSpan().SequenceEqual(stored);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next Open to remove.
        }
    }

    private static string TemporaryName(string path) => path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";

    /// <summary>
    /// Deletes what <see cref="AtomicFile"/> and <see cref="ReplaceFolder"/> name their unfinished writes, in the folder and
    /// its direct sub-folders (where a run writes: <c>samples/</c>, <c>model/</c>); not deeper, where another run's folder
    /// may be nested.
    /// </summary>
    private static void RemoveTemporaries(string folder)
    {
        var places = Directory.EnumerateDirectories(folder).Where(d => !TemporaryPattern().IsMatch(d)).Prepend(folder).ToList();
        foreach (string place in places)
            foreach (string entry in Directory.EnumerateFileSystemEntries(place, "*.tmp").ToList())
            {
                if (!TemporaryPattern().IsMatch(entry)) continue;
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else if (System.IO.File.Exists(entry)) System.IO.File.Delete(entry);
            }
    }

    [GeneratedRegex(@"\.[0-9a-f]{8}\.tmp$")]
    private static partial Regex TemporaryPattern();
}
