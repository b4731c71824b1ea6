namespace Langevin.Pde.TimeSeries;

/// <summary>The models by name, as the command line gives them.</summary>
public static class SdeModels
{
    /// <summary>The names <see cref="Parse"/> takes, with the expression form last.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ou", "vasicek", "gbm", "cir", "double-well", "expr:drift=…;sigma=…[;positive]"];

    /// <summary>
    /// A model from its name: ou (or vasicek), gbm, cir, double-well, or <c>expr:drift=EXPR;sigma=EXPR</c> with an
    /// optional <c>;positive</c> for a process on x &gt; 0 (<see cref="ExpressionModel"/>).
    /// </summary>
    /// <exception cref="UserErrorException">For an unknown name or a malformed expression model.</exception>
    public static SdeModel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string name = text.Trim();
        switch (name.ToLowerInvariant())
        {
            case "ou" or "vasicek" or "ornstein-uhlenbeck": return new OrnsteinUhlenbeckModel();
            case "gbm": return new GeometricBrownianMotionModel();
            case "cir": return new CoxIngersollRossModel();
            case "double-well": return new DoubleWellModel();
        }
        if (!name.StartsWith("expr:", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"unknown model '{name}'; use one of {string.Join(", ", Names)}");
        string? drift = null, sigma = null;
        bool positive = false;
        foreach (string part in name[5..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string key = (equals < 0 ? part : part[..equals]).Trim().ToLowerInvariant(), value = equals < 0 ? "" : part[(equals + 1)..].Trim();
            switch (key)
            {
                case "drift" or "mu": drift = value; break;
                case "sigma" or "volatility": sigma = value; break;
                case "positive" when equals < 0: positive = true; break;
                default: throw new UserErrorException($"model '{name}': '{part}' is not drift=…, sigma=… or positive; write e.g. expr:drift=a*(b-x);sigma=s");
            }
        }
        if (drift is null || sigma is null)
            throw new UserErrorException($"model '{name}' needs both drift=… and sigma=…, e.g. expr:drift=a*(b-x);sigma=s");
        return new ExpressionModel(drift, sigma, positive);
    }
}
