namespace Langevin.OutOfDistribution;

/// <summary>
/// Area under the ROC curve of a score that should be higher on out-of-distribution inputs: the probability that a random
/// out-of-distribution input scores above a random in-distribution one, ties counting one half (the Mann–Whitney U
/// statistic divided by n·m). 0.5 is chance, 1 perfect separation.
/// </summary>
public static class Auroc
{
    /// <summary>The AUROC of <paramref name="outOfDistribution"/> (positives) against <paramref name="inDistribution"/> (negatives).</summary>
    /// <exception cref="ArgumentException">Either set is empty or a score is NaN.</exception>
    public static double Of(IReadOnlyList<double> inDistribution, IReadOnlyList<double> outOfDistribution)
    {
        ArgumentNullException.ThrowIfNull(inDistribution);
        ArgumentNullException.ThrowIfNull(outOfDistribution);
        if (inDistribution.Count == 0) throw new ArgumentException("no in-distribution scores", nameof(inDistribution));
        if (outOfDistribution.Count == 0) throw new ArgumentException("no out-of-distribution scores", nameof(outOfDistribution));
        if (inDistribution.Any(double.IsNaN)) throw new ArgumentException("a score is NaN", nameof(inDistribution));
        if (outOfDistribution.Any(double.IsNaN)) throw new ArgumentException("a score is NaN", nameof(outOfDistribution));
        // Rank-sum form: sort all scores once, give tied runs their mean rank; U = (sum of the positives' ranks) − m(m+1)/2.
        var all = inDistribution.Select(s => (Score: s, Positive: false)).Concat(outOfDistribution.Select(s => (Score: s, Positive: true)))
            .OrderBy(p => p.Score).ToArray();
        double positiveRanks = 0;
        for (int start = 0; start < all.Length;)
        {
            int end = start;
            while (end + 1 < all.Length && all[end + 1].Score == all[start].Score) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) if (all[k].Positive) positiveRanks += rank;
            start = end + 1;
        }
        double m = outOfDistribution.Count, n = inDistribution.Count;
        return (positiveRanks - m * (m + 1) / 2) / (m * n);
    }
}
