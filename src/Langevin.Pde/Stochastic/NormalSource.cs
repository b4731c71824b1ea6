namespace Langevin.Pde.Stochastic;

/// <summary>Standard normal draws by the Marsaglia polar method on a seeded <see cref="Random"/> (reproducible).</summary>
internal sealed class NormalSource(int seed)
{
    private readonly Random random = new(seed);
    private double spare;
    private bool hasSpare;

    public double Next()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * random.NextDouble() - 1;
            v = 2 * random.NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }
}
