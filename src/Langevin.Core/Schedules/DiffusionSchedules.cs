using System.Globalization;

namespace Langevin.Schedules;

/// <summary>Parses the command-line spelling of a <see cref="DiffusionSchedule"/>.</summary>
public static class DiffusionSchedules
{
    /// <summary>The accepted spellings, for help texts and error messages.</summary>
    public const string Syntax = "constant | exp:RATE (D·RATE^epoch) | poly:GAMMA (D/(1+epoch)^GAMMA) | cyclical:CYCLE_EPOCHS[:EXPLORATION_FRACTION]";

    /// <summary>Parses <paramref name="text"/>, e.g. "constant", "exp:0.5", "poly:0.55", "cyclical:4:0.5".</summary>
    /// <exception cref="UserErrorException">The text is not a valid schedule.</exception>
    public static DiffusionSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        return (parts[0], parts.Length) switch
        {
            ("constant", 1) => new ConstantDiffusion(),
            ("exp", 2) => new ExponentialDiffusion(Number(parts[1], text)),
            ("poly", 2) => new PolynomialDiffusion(Number(parts[1], text)),
            ("cyclical", 2) => new CyclicalCosineDiffusion(Number(parts[1], text)),
            ("cyclical", 3) => new CyclicalCosineDiffusion(Number(parts[1], text), Number(parts[2], text)),
            _ => throw new UserErrorException($"{{DiffusionSchedules.text}} '{text}' is not a schedule; use {Syntax}"),
        };
    }

    private static double Number(string part, string text) =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new UserErrorException($"{{DiffusionSchedules.text}} '{text}': '{part}' is not a number; use {Syntax}");
}
