namespace Langevin.Pde.Operators;

/// <summary>How one time step of a <see cref="SplitStepper"/> is taken.</summary>
internal enum StepMethod
{
    /// <summary>Forward Euler.</summary>
    Explicit,

    /// <summary>Douglas ADI with the stepper's θ (θ = ½ Crank–Nicolson, θ = 1 implicit Euler in 1D).</summary>
    Douglas,

    /// <summary>Product of implicit Euler factors Π(I − dt·Aₐ)⁻¹: positive and L-stable in any dimension.</summary>
    LieImplicit,
}

/// <summary>
/// Advances u' = Σₐ(Aₐu + bₐ(t)) + f(t) by one step. Douglas ADI (Hundsdorfer–Verwer IV.3):
/// Y₀ = uⁿ + dt·F(tₙ, uⁿ), then for each axis (I − θ dt Aₐ) Yₐ = Yₐ₋₁ − θ dt Aₐ uⁿ + θ dt (bₐⁿ⁺¹ − bₐⁿ)
/// (the source goes with the first axis), uⁿ⁺¹ = Y_d. In 1D this is exactly θ-method time stepping.
/// Allocation-free after construction; factorisations are cached per (axis, θ·dt).
/// </summary>
internal sealed class SplitStepper
{
    private readonly SplitOperator op;
    private readonly double[] y;
    private readonly Dictionary<(int Axis, double C), LineSolver> solvers = [];

    public SplitStepper(SplitOperator op)
    {
        this.op = op;
        y = new double[op.Grid.Count];
    }

    public SplitOperator Operator => op;

    /// <summary>Advances <paramref name="u"/> from t to t + dt.</summary>
    public void Step(Span<double> u, double t, double dt, StepMethod method, double theta = 0.5)
    {
        int d = op.Grid.Dimension;
        double t1 = t + dt;
        var yy = y.AsSpan();
        switch (method)
        {
            case StepMethod.Explicit:
                ExplicitInto(u, yy, t, dt);
                break;
            case StepMethod.Douglas:
                {
                    // Y₀ = uⁿ + dt·F(tₙ, uⁿ), with the first axis's −θ·dt·A₀uⁿ folded in: one fused pass on uniform 2D grids.
                    double c = theta * dt;
                    Span<double> weights = stackalloc double[d];
                    weights.Fill(dt);
                    weights[0] = dt - c;
                    op.ExplicitUpdate(u, yy, weights);
                    for (int a = 0; a < d; a++) op.AddBoundary(a, t, yy, dt);
                    op.AddSource(t, yy, dt);
                    for (int a = 0; a < d; a++)
                    {
                        if (a > 0) op.AddAxis(a, u, yy, -c);
                        op.AddBoundary(a, t1, yy, c);
                        op.AddBoundary(a, t, yy, -c);
                        if (a == 0 && op.Source is not null)
                        {
                            op.AddSource(t1, yy, c);
                            op.AddSource(t, yy, -c);
                        }
                        op.ApplyDirichlet(t1, yy);
                        Solver(a, c).Solve(yy);
                    }
                    break;
                }
            case StepMethod.LieImplicit:
                u.CopyTo(yy);
                for (int a = 0; a < d; a++) op.AddBoundary(a, t1, yy, dt);
                op.AddSource(t1, yy, dt);
                for (int a = 0; a < d; a++)
                {
                    op.ApplyDirichlet(t1, yy);
                    Solver(a, dt).Solve(yy);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }
        yy.CopyTo(u);
    }

    /// <summary>
    /// The tangent of one 1D θ-method step (<see cref="Step"/> with <see cref="StepMethod.Douglas"/>), for a fit that
    /// differentiates the solver it forecasts with. Differentiating (I − θ·dt·A)u⁺ = u + (1−θ)·dt·(Au + b(t)) +
    /// θ·dt·b(t + dt) with respect to a parameter gives (I − θ·dt·A)s⁺ = s + (1−θ)·dt·(As + A′u + b′(t)) +
    /// θ·dt·(A′u⁺ + b′(t + dt)), with s = 0 on Dirichlet nodes (their values do not depend on the parameter);
    /// <paramref name="derivative"/> holds A′ and b′. It reuses the step's factorisation.
    /// </summary>
    /// <param name="s">∂u/∂η at t on entry, at t + dt on return.</param>
    /// <param name="u">The field at t.</param>
    /// <param name="uNew">The field at t + dt (after <see cref="Step"/>).</param>
    /// <param name="derivative">∂A/∂η and the derivative of the wall fluxes, on the same grid and walls.</param>
    /// <param name="t">Time at the start of the step.</param>
    /// <param name="dt">Step size.</param>
    /// <param name="theta">θ of the step.</param>
    public void StepTangent(Span<double> s, ReadOnlySpan<double> u, ReadOnlySpan<double> uNew, SplitOperator derivative, double t, double dt, double theta)
    {
        if (op.Grid.Dimension != 1) throw new InvalidOperationException("the step tangent is the θ-method's, which the stepper takes in 1D only");
        var yy = y.AsSpan();
        double explicitPart = (1 - theta) * dt, implicitPart = theta * dt;
        op.ExplicitUpdate(s, yy, explicitPart);
        derivative.AddAxis(0, u, yy, explicitPart);
        derivative.AddAxis(0, uNew, yy, implicitPart);
        derivative.AddBoundary(0, t, yy, explicitPart);
        derivative.AddBoundary(0, t + dt, yy, implicitPart);
        foreach (int node in op.DirichletNodes) yy[node] = 0;
        Solver(0, implicitPart).Solve(yy);
        yy.CopyTo(s);
    }

    /// <summary>One forward-Euler step from u (time t) into a different array y (time t + dt).</summary>
    public void ExplicitInto(ReadOnlySpan<double> u, Span<double> y, double t, double dt)
    {
        op.ExplicitUpdate(u, y, dt);
        for (int a = 0; a < op.Grid.Dimension; a++) op.AddBoundary(a, t, y, dt);
        op.AddSource(t, y, dt);
        op.ApplyDirichlet(t + dt, y);
    }

    private LineSolver Solver(int axis, double c)
    {
        if (!solvers.TryGetValue((axis, c), out var solver))
        {
            // A run uses one or two step sizes; bound the cache so that a caller who varies dt cannot grow it.
            if (solvers.Count >= 16) solvers.Clear();
            solver = new LineSolver(op, axis, c);
            solvers[(axis, c)] = solver;
        }
        return solver;
    }
}
