namespace Langevin.Pde.Operators;

/// <summary>Time-stepping scheme for linear diffusion problems.</summary>
public enum Scheme
{
    /// <summary>
    /// Chooses for you: explicit FTCS when Σα·dt/dx² ≤ 1/4 (cheap, and then free of oscillations), otherwise
    /// Crank–Nicolson (ADI in 2D/3D) with a Rannacher start-up of four implicit quarter steps that damps the
    /// ringing that jumps in initial or boundary data cause.
    /// </summary>
    Auto,

    /// <summary>Forward Euler in time, centred in space (FTCS); first order in time, needs Σα·dt/dx² ≤ 1/2.</summary>
    Explicit,

    /// <summary>
    /// Backward (implicit) Euler: first order, unconditionally stable. Exact backward Euler with a Thomas solve
    /// in 1D; the Douglas ADI splitting with θ = 1 in 2D/3D (O(N) per step, same order, same steady state).
    /// </summary>
    Implicit,

    /// <summary>
    /// Crank–Nicolson: second order, unconditionally stable. Exact Crank–Nicolson in 1D; Douglas ADI with
    /// θ = ½ in 2D/3D (second order, O(N) per step).
    /// </summary>
    CrankNicolson,
}
