using Langevin.Pde.Grids;

namespace Langevin.Pde.Tests.Grids;

public sealed class AxisTests
{
    [Fact]
    public void Coordinates_are_the_nodes_from_min_to_max_in_equal_steps()
    {
        var axis = new Axis(-1, 1, 5);
        Assert.Equal([-1, -0.5, 0, 0.5, 1], axis.Coordinates());
        Assert.Equal(Enumerable.Range(0, 5).Select(axis.Coordinate), axis.Coordinates());
    }
}
