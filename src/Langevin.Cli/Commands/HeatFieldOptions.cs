using System.CommandLine;
using System.Globalization;
using Langevin.Pde.Expressions;
using Langevin.Pde.Grids;
using Langevin.Pde.Jobs;

namespace Langevin.Cli.Commands;

/// <summary>
/// The heat equation's coefficient, wall, source and initial-field flags of <c>pde solve</c>: each takes a number or
/// <c>expr:…</c> (NCalc, in x and y on a plate, t for walls and sources); the initial field also <c>csv:FILE</c>, a field
/// written by an earlier solve. They map onto <see cref="HeatSolveOptions"/>.
/// </summary>
internal sealed class HeatFieldOptions
{
    private static readonly HeatSolveOptions Defaults = new();

    public Option<string> Alpha { get; } = Text("--alpha", "Heat: diffusivity α (length²/time): a number, expr:α(x[,y[,z]]) (e.g. expr:1 + 0.5*x) or csv:FILE (values on the grid, interpolated between nodes).", Defaults.Diffusivity);

    public Option<string> Left { get; } = Text("--left-value", "Heat: temperature at x = 0: a number or expr:g(t).", Defaults.LeftValue);

    public Option<string> Right { get; } = Text("--right-value", "Heat: temperature at x = L: a number or expr:g(t).", Defaults.RightValue);

    public Option<string> Bottom { get; } = Text("--bottom-value", "Heat in 2D: temperature at y = 0 (corners take the left/right values): a number or expr:g(t).", Defaults.BottomValue);

    public Option<string> Top { get; } = Text("--top-value", "Heat in 2D: temperature at y = W: a number or expr:g(t).", Defaults.TopValue);

    public Option<string> Front { get; } = Text("--front-value", "Heat in 3D: temperature at z = 0: a number or expr:g(t).", Defaults.FrontValue);

    public Option<string> Back { get; } = Text("--back-value", "Heat in 3D: temperature at z = depth: a number or expr:g(t).", Defaults.BackValue);

    public Option<string?> Source { get; } = new("--source") { Description = "Heat: a source f in u per unit time: a number, expr:f(x[,y[,z]],t) (e.g. expr:Sin(pi*x)*Exp(-t)) or csv:FILE (a steady f on the grid).", HelpName = "F" };

    public void AddTo(Command command)
    {
        command.Add(Alpha);
        command.Add(Left);
        command.Add(Right);
        command.Add(Bottom);
        command.Add(Top);
        command.Add(Front);
        command.Add(Back);
        command.Add(Source);
    }

    /// <summary>Whether a plate-only flag (bottom, top) was typed.</summary>
    public bool PlateWallsGiven(ParseResult parse) => parse.GetResult(Bottom) is { Implicit: false } || parse.GetResult(Top) is { Implicit: false };

    /// <summary>Whether a block-only flag (front, back) was typed.</summary>
    public bool BlockWallsGiven(ParseResult parse) => parse.GetResult(Front) is { Implicit: false } || parse.GetResult(Back) is { Implicit: false };

    /// <summary>The options with the flags' coefficients, walls, source and initial field (<paramref name="initial"/>: the
    /// --initial text, or null for the default).</summary>
    public HeatSolveOptions Apply(ParseResult parse, HeatSolveOptions options, string? initial)
    {
        int dimension = options.PointsZ is not null ? 3 : options.PointsY is not null ? 2 : 1;
        string space = dimension switch { 1 => "x", 2 => "x, y", _ => "x, y, z" };
        // Fields given as files are read on the problem's own grid (the walls and sizes come from the other flags).
        var grid = new Lazy<Grid>(() => options.Problem().Grid);
        var (alpha, alphaField) = Number(parse.GetValue(Alpha)!, "--alpha", t => FieldExpressions.Spatial(t, $"--alpha α({space})", dimension),
            file: path => GridField.ReadCsv(path, grid.Value).Interpolant());
        var (left, leftAt) = Number(parse.GetValue(Left)!, "--left-value", t => FieldExpressions.OfTime(t, "--left-value g(t)"));
        var (right, rightAt) = Number(parse.GetValue(Right)!, "--right-value", t => FieldExpressions.OfTime(t, "--right-value g(t)"));
        var (bottom, bottomAt) = Number(parse.GetValue(Bottom)!, "--bottom-value", t => FieldExpressions.OfTime(t, "--bottom-value g(t)"));
        var (top, topAt) = Number(parse.GetValue(Top)!, "--top-value", t => FieldExpressions.OfTime(t, "--top-value g(t)"));
        var (front, frontAt) = Number(parse.GetValue(Front)!, "--front-value", t => FieldExpressions.OfTime(t, "--front-value g(t)"));
        var (back, backAt) = Number(parse.GetValue(Back)!, "--back-value", t => FieldExpressions.OfTime(t, "--back-value g(t)"));
        SpaceTimeFunction? source = null;
        if (parse.GetValue(Source) is { } sourceText)
        {
            var (constant, field) = Number(sourceText, "--source", t => FieldExpressions.SpaceTime(t, $"--source f({space}, t)", dimension),
                file: path =>
                {
                    var steady = GridField.ReadCsv(path, grid.Value).Interpolant();
                    return (point, _) => steady(point);
                });
            source = field ?? ((_, _) => constant);
        }
        var result = options with
        {
            Diffusivity = alpha, DiffusivityField = alphaField, LeftValue = left, RightValue = right, BottomValue = bottom, TopValue = top,
            FrontValue = front, BackValue = back, Source = source,
            WallValuesAt = (leftAt ?? rightAt ?? bottomAt ?? topAt ?? frontAt ?? backAt) is null ? null : new WallValues(leftAt, rightAt, bottomAt, topAt, frontAt, backAt),
        };
        if (initial is null) return result;
        if (FieldText.IsFile(initial, out string initialFile))
            return result with { InitialValues = GridField.ReadCsv(initialFile, result.Problem().Grid).Values };
        var (u0, u0Field) = Number(initial, "--initial", t => FieldExpressions.Spatial(t, $"--initial u0({space})", dimension), $"a number, expr:u0({space}) or csv:FILE");
        return result with { Initial = u0, InitialField = u0Field };
    }

    /// <summary>A number, <c>expr:…</c> made into a function by <paramref name="expression"/>, or (where <paramref name="file"/>
    /// is given) <c>csv:FILE</c> made into one by it.</summary>
    private static (double Constant, T? Function) Number<T>(string text, string flag, Func<string, T> expression, string? forms = null, Func<string, T>? file = null) where T : class
    {
        forms ??= file is null ? "a number or expr:…" : "a number, expr:… or csv:FILE";
        if (FieldText.IsExpression(text, out string body)) return (double.NaN, expression(body));
        if (file is not null && FieldText.IsFile(text, out string path)) return (double.NaN, file(path));
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)) return (value, null);
        throw new UserErrorException($"{flag} '{text}' is not {forms}");
    }

    private static Option<string> Text(string name, string description, double fallback) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback.ToString("R", CultureInfo.InvariantCulture) };
}
