using Langevin.Pde.Grids;

namespace Langevin.Pde.Expressions;

/// <summary>
/// Fields and boundary values written as expressions (<see cref="ScalarExpression"/>): of position x (y, z on 2D/3D
/// grids), of position and time t, or of time alone.
/// </summary>
public static class FieldExpressions
{
    private static readonly string[] Axes = ["x", "y", "z"];

    /// <summary>A function of position on a grid of <paramref name="dimension"/> axes, e.g. α(x) = <c>1 + 0.5*x</c>.</summary>
    /// <exception cref="UserErrorException">When the text does not parse or uses a name other than the axes'.</exception>
    public static SpatialFunction Spatial(string text, string role, int dimension)
    {
        var names = Names(dimension, withTime: false);
        var expression = ScalarExpression.Parse(text, role).Using(role, names);
        return point => expression.Evaluate(names, point[..names.Length]);
    }

    /// <summary>A function of position and time, e.g. a source f(x, t) = <c>Sin(pi*x)*Exp(-t)</c>.</summary>
    /// <exception cref="UserErrorException">When the text does not parse or uses a name other than the axes' and t.</exception>
    public static SpaceTimeFunction SpaceTime(string text, string role, int dimension)
    {
        var names = Names(dimension, withTime: true);
        var expression = ScalarExpression.Parse(text, role).Using(role, names);
        return (point, t) =>
        {
            Span<double> values = stackalloc double[4];
            point[..dimension].CopyTo(values);
            values[dimension] = t;
            return expression.Evaluate(names, values[..names.Length]);
        };
    }

    /// <summary>A function of time, e.g. a boundary value g(t) = <c>100*(1 - Exp(-t))</c>.</summary>
    /// <exception cref="UserErrorException">When the text does not parse or uses a name other than t.</exception>
    public static Func<double, double> OfTime(string text, string role)
    {
        string[] names = ["t"];
        var expression = ScalarExpression.Parse(text, role).Using(role, names);
        return t => expression.Evaluate(names, [t]);
    }

    private static string[] Names(int dimension, bool withTime)
    {
        if (dimension is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "grids have 1 to 3 axes");
        return withTime ? [.. Axes[..dimension], "t"] : Axes[..dimension];
    }
}
