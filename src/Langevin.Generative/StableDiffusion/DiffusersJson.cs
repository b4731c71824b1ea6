using System.Text.Json;

namespace Langevin.Generative.StableDiffusion;

/// <summary>Reads the JSON configuration files of a diffusers model folder, with one clear error per bad file.</summary>
internal static class DiffusersJson
{
    public static JsonElement Read(string path)
    {
        if (!File.Exists(path)) throw new UserErrorException($"'{path}' does not exist; a diffusers model folder has model_index.json and unet/, vae/, text_encoder/, tokenizer/, scheduler/ with their config files");
        try
        {
            // The stream overload skips a UTF-8 byte-order mark, which editors on Windows write.
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the top level is not an object");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"'{path}' is not valid JSON ({e.Message.ReplaceLineEndings(" ")}); restore the file from the model's download");
        }
    }

    public static int Int(JsonElement json, string key, int fallback) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    public static double Double(JsonElement json, string key, double fallback) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    public static bool Bool(JsonElement json, string key, bool fallback) =>
        json.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public static string? String(JsonElement json, string key) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static IReadOnlyList<int> Ints(JsonElement json, string key, string path) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray()
            : throw new UserErrorException($"'{path}' has no list '{key}'; restore the file from the model's download");

    public static IReadOnlyList<string> Strings(JsonElement json, string key, string path) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
            : throw new UserErrorException($"'{path}' has no list '{key}'; restore the file from the model's download");
}
