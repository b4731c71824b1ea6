namespace Langevin.Pde.Operators;

/// <summary>Work on the rows [start, end) of an input field <paramref name="u"/> and an output field <paramref name="y"/>.</summary>
internal delegate void RowsAction(ReadOnlySpan<double> u, Span<double> y, int start, int end);

/// <summary>
/// Splits a loop over independent rows of a large grid across the machine's cores. Every row is computed with exactly
/// the operations of the serial loop, so results do not depend on the number of threads. Below
/// <see cref="MinimumPoints"/> points, or with one core, the loop runs on the calling thread: forking costs about as
/// much as a step on a small grid.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Grid points from which a step is split across threads (a 512 × 512 grid).</summary>
    public const int MinimumPoints = 1 << 18;

    /// <summary>Runs <paramref name="action"/> on rows [start, end), one contiguous block of rows per core.</summary>
    public static unsafe void For(ReadOnlySpan<double> u, Span<double> y, int start, int end, RowsAction action)
    {
        int rows = end - start;
        int chunks = y.Length < MinimumPoints || rows < 2 ? 1 : Math.Min(Environment.ProcessorCount, rows);
        if (chunks == 1)
        {
            action(u, y, start, end);
            return;
        }
        fixed (double* pu = u)
        fixed (double* py = y)
        {
            nint input = (nint)pu, output = (nint)py;
            int uLength = u.Length, yLength = y.Length;
            Parallel.For(0, chunks, c =>
            {
                int from = start + (int)((long)rows * c / chunks), to = start + (int)((long)rows * (c + 1) / chunks);
                action(new ReadOnlySpan<double>((void*)input, uLength), new Span<double>((void*)output, yLength), from, to);
            });
        }
    }
}
