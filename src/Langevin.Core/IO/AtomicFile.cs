namespace Langevin.IO;

/// <summary>
/// Writes files so that a reader (or a run resumed after a kill) sees either the old complete file or
/// the new complete file, never a torn one: write to a temporary file in the same folder, flush it to
/// disk, then rename over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with the bytes produced by <paramref name="write"/>.</summary>
    /// <exception cref="UserErrorException">
    /// When the file cannot be written (no such folder, no permission, a full disk, a read-only file system): the
    /// previous file, if any, is left as it was.
    /// </exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (string.IsNullOrWhiteSpace(path)) throw new UserErrorException("an output file name is empty; give a path");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UserErrorException($"cannot write {full}: it is a folder; give a file name");
        string temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"cannot write {full}: {e.Message.TrimEnd('.')}; free space or choose another path (nothing else was changed)", e);
        }
        finally
        {
            try
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the write already failed and says so.
            }
        }
    }

    /// <summary>Writes text atomically (UTF-8, no byte-order mark).</summary>
    /// <exception cref="UserErrorException">When the file cannot be written.</exception>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
}
