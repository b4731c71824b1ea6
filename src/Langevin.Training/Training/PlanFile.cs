using System.Text.Json;

namespace Langevin.Training;

/// <summary>
/// The plan of a job split into shards (a sweep, a set of chains), kept as JSON in the job's folder: the first shard
/// writes it, every later one checks that it was started with the same plan, and the merge reads it.
/// </summary>
internal static class PlanFile
{
    /// <summary>
    /// Writes <paramref name="plan"/> to <paramref name="directory"/>/<paramref name="fileName"/>, or checks that the file there
    /// holds the same JSON; <paramref name="what"/> (e.g. "sweep") and <paramref name="setBy"/> (the parameter naming the folder)
    /// are for messages.
    /// </summary>
    public static void WriteOrCheck<T>(string directory, string fileName, T plan, string what, string setBy)
    {
        string path = Path.Combine(directory, fileName);
        string json = JsonSerializer.Serialize(plan, TrainingConfig.JsonOptions);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            // Written beside and moved without overwriting: of shards starting together, exactly one plan lands and
            // every other shard compares itself with it below, so two different plans can never both be used.
            string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, json);
            try
            {
                File.Move(temporary, path, overwrite: false);
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }
        string saved = JsonSerializer.Serialize(Read<T>(directory, fileName, what), TrainingConfig.JsonOptions);
        if (saved != json)
            throw new UserErrorException($"{directory} holds another {what} ({path} differs from these settings); give the same settings to every shard, or choose another {setBy}");
    }

    /// <summary>Reads the plan in <paramref name="directory"/>/<paramref name="fileName"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing or unreadable.</exception>
    public static T Read<T>(string directory, string fileName, string what)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path)) throw new UserErrorException($"{directory} holds no {what} ({fileName} is missing); run the {what} or one of its shards there first");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), TrainingConfig.JsonOptions) ?? throw new JsonException("the file is empty");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UserErrorException($"{path} is not a readable {what} plan ({e.Message}); start the {what} in a new folder", e);
        }
    }
}
