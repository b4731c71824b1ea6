using System.Globalization;
using NCalc;
using NCalc.Exceptions;

namespace Langevin.Pde.Expressions;

/// <summary>
/// A real-valued expression such as <c>theta*(mu - x)</c> or <c>s*Sqrt(x)</c>, parsed once by NCalc and evaluated with
/// named values. Functions are NCalc's (Abs, Exp, Ln, Log10, Pow, Sqrt, Sin, Cos, Tan, Max, Min, …; any case); powers are
/// written <c>x**2</c> or <c>Pow(x, 2)</c>, because <c>^</c> is NCalc's bitwise exclusive or and would silently give
/// integers, so it is refused. The names <c>pi</c> and <c>e</c> are the constants π and e. Evaluation holds a lock:
/// NCalc binds values to the expression object, so one expression evaluates one point at a time.
/// </summary>
public sealed class ScalarExpression
{
    private readonly Expression expression;

    private ScalarExpression(string text, Expression expression, IReadOnlyList<string> names)
    {
        Text = text;
        this.expression = expression;
        Names = names;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The names it uses, in order of first appearance.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Parses <paramref name="text"/>; <paramref name="role"/> names it in error messages (e.g. "the drift").</summary>
    /// <exception cref="UserErrorException">When the text is empty, does not parse, uses <c>^</c>, or calls an unknown function.</exception>
    public static ScalarExpression Parse(string text, string role)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(role);
        if (string.IsNullOrWhiteSpace(text)) throw new UserErrorException($"{role} expression is empty; write it in x, e.g. 'theta*(mu - x)'");
        int caret = text.IndexOf('^', StringComparison.Ordinal);
        if (caret >= 0)
            throw new UserErrorException($"{role} '{text}': '^' at character {caret + 1} is bitwise exclusive or in NCalc; write powers as x**2 or Pow(x, 2)");
        var expression = new Expression(text, ExpressionOptions.IgnoreCaseAtBuiltInFunctions | ExpressionOptions.NoCache, (ExpressionContext?)null, CultureInfo.InvariantCulture);
        List<string> names;
        try
        {
            if (expression.HasErrors()) throw new UserErrorException($"{role} '{text}' does not parse: {FirstLine(expression.Error?.Message)}");
            names = expression.GetParameterNames().Distinct(StringComparer.Ordinal).Where(n => !Constants.ContainsKey(n)).ToList();
            foreach (var (constant, value) in Constants) expression.Parameters[constant] = value;
            var unknown = expression.GetFunctionNames().Where(f => !Known.Contains(f)).ToList();
            if (unknown.Count > 0)
                throw new UserErrorException($"{role} '{text}' calls unknown function {string.Join(", ", unknown)}; use Abs, Exp, Ln, Log10, Pow, Sqrt, Sin, Cos, Tan, Tanh, Max, Min, Sign");
        }
        catch (NCalcException e)
        {
            throw new UserErrorException($"{role} '{text}' does not parse: {FirstLine(e.Message)}", e);
        }
        var parsed = new ScalarExpression(text, expression, names);
        // Argument-count errors surface only on evaluation: evaluate once with every name at 1 to find them now.
        try
        {
            parsed.Evaluate(names.ToArray(), names.Select(_ => 1.0).ToArray());
        }
        catch (UserErrorException e) when (e.InnerException is not null)
        {
            throw new UserErrorException($"{role} {e.Message}", e.InnerException);
        }
        return parsed;
    }

    /// <summary>The value with the given names bound (every name of <see cref="Names"/> must be).</summary>
    /// <exception cref="UserErrorException">When the result is not a number (e.g. a comparison).</exception>
    public double Evaluate(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (expression)
        {
            foreach (string name in Names) expression.Parameters[name] = values[name];
            return Result();
        }
    }

    /// <summary>The value with <paramref name="names"/>[i] bound to <paramref name="values"/>[i] (names the expression does
    /// not use are ignored).</summary>
    public double Evaluate(ReadOnlySpan<string> names, ReadOnlySpan<double> values)
    {
        lock (expression)
        {
            for (int i = 0; i < names.Length; i++) expression.Parameters[names[i]] = values[i];
            return Result();
        }
    }

    /// <summary>Refuses any name outside <paramref name="allowed"/> with one line saying which may be used.</summary>
    /// <exception cref="UserErrorException">When the expression uses another name.</exception>
    public ScalarExpression Using(string role, params string[] allowed)
    {
        var other = Names.Where(n => !allowed.Contains(n)).ToList();
        if (other.Count > 0)
            throw new UserErrorException($"{role} '{Text}' uses {string.Join(", ", other)}; it may use only {string.Join(", ", allowed)} (and pi, e)");
        return this;
    }

    private double Result()
    {
        object? result;
        try
        {
            result = expression.Evaluate();
        }
        catch (Exception e) when (e is NCalcException or ArgumentException or InvalidOperationException or FormatException or InvalidCastException)
        {
            // A call with the wrong number of arguments (Sqrt(x, 2), Log(x): NCalc's Log takes a base) shows only here.
            throw new UserErrorException($"'{Text}' cannot be evaluated: {FirstLine(e.Message)}; check the functions' arguments (Ln(x) is the natural logarithm, Log(x, b) takes a base)", e);
        }
        return result switch
        {
            double d => d,
            int or long or float or decimal => Convert.ToDouble(result, CultureInfo.InvariantCulture),
            _ => throw new UserErrorException($"'{Text}' gives {result ?? "nothing"}, not a number; write an arithmetic expression"),
        };
    }

    private static readonly Dictionary<string, double> Constants = new(StringComparer.Ordinal) { ["pi"] = Math.PI, ["e"] = Math.E };

    private static string FirstLine(string? message) => (message ?? "syntax error").Split('\n')[0].Trim().TrimEnd('.');

    // NCalc's built-in mathematical functions (https://github.com/ncalc/ncalc, "Functions"), compared case-insensitively.
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "Abs", "Acos", "Asin", "Atan", "Atan2", "Ceiling", "Cos", "Cosh", "Exp", "Floor", "IEEERemainder", "Ln", "Log", "Log10", "Max", "Min",
        "Pow", "Round", "Sign", "Sin", "Sinh", "Sqrt", "Tan", "Tanh", "Truncate", "if",
    };
}
