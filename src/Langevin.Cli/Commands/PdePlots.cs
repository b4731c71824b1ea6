using Langevin.IO;
using ScottPlot;

namespace Langevin.Cli.Commands;

/// <summary>PNG plots of PDE results (1D profiles, fits and 2D heatmaps).</summary>
internal static class PdePlots
{
    /// <summary>Writes a profile plot of one or more curves against x (atomically).</summary>
    public static void Profile(string path, string title, string yLabel, double[] x, params (string Label, double[] Y)[] series)
    {
        var plot = new Plot();
        foreach (var (label, y) in series)
        {
            var line = plot.Add.Scatter(x, y);
            if (series.Length > 1) line.LegendText = label;
            line.MarkerSize = x.Length <= 60 ? 5 : 0;
        }
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel(yLabel);
        if (series.Length > 1) plot.ShowLegend();
        byte[] png = plot.GetImageBytes(800, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>Writes data (markers) and model curves (lines) against x (atomically).</summary>
    public static void Fit(string path, string title, IReadOnlyList<(string Label, double[] X, double[] Y, bool Markers)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, x, y, markers) = series[i];
            var scatter = plot.Add.Scatter(x, y);
            scatter.LegendText = label;
            scatter.Color = palette.GetColor(i / 2);
            if (markers)
            {
                scatter.LineWidth = 0;
                scatter.MarkerSize = 4;
            }
            else
            {
                scatter.MarkerSize = 0;
                scatter.LineWidth = 2;
            }
        }
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("u");
        plot.ShowLegend();
        byte[] png = plot.GetImageBytes(800, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>Writes a heatmap of a field on a 2D grid with a colour bar, x to the right and y up (atomically).</summary>
    public static void Heatmap(string path, string title, Pde.Grids.Grid grid, double[] field)
    {
        var (xAxis, yAxis) = (grid.Axes[0], grid.Axes[1]);
        // ScottPlot draws row 0 at the top; the grid stores y fastest (index i·ny + j), so row ny−1−j holds y_j.
        var intensities = new double[yAxis.Points, xAxis.Points];
        for (int i = 0; i < xAxis.Points; i++)
            for (int j = 0; j < yAxis.Points; j++)
                intensities[yAxis.Points - 1 - j, i] = field[i * grid.Stride(0) + j * grid.Stride(1)];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        // Cell centres at the nodes: the first and last node sit on the walls.
        heatmap.Position = new CoordinateRect(xAxis.Min, xAxis.Coordinate(xAxis.Points - 1), yAxis.Min, yAxis.Coordinate(yAxis.Points - 1));
        plot.Add.ColorBar(heatmap);
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.Axes.SquareUnits();
        byte[] png = plot.GetImageBytes(800, 700, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>A 3D field shown by its middle plane across z.</summary>
    public static void MiddlePlane(string plotFile, string title, Pde.Grids.Grid grid, double[] u)
    {
        int k = grid.Axes[2].Points / 2;
        var plane = new Pde.Grids.Grid(grid.Axes[0], grid.Axes[1]);
        var slice = new double[plane.Count];
        for (int i = 0; i < grid.Axes[0].Points; i++)
            for (int j = 0; j < grid.Axes[1].Points; j++)
                slice[i * plane.Stride(0) + j * plane.Stride(1)] = u[i * grid.Stride(0) + j * grid.Stride(1) + k * grid.Stride(2)];
        Heatmap(plotFile, $"{title}, z = {grid.Axes[2].Coordinate(k):G4}", plane, slice);
    }
}
