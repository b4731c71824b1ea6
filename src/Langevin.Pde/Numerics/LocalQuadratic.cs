namespace Langevin.Pde.Numerics;

/// <summary>
/// The objective of a minimisation at one point and its local quadratic model: value F, gradient ∇F and a
/// symmetric positive semi-definite approximation of the Hessian (for least squares the Gauss–Newton JᵀJ, for a
/// likelihood or KL loss its generalised Gauss–Newton or Fisher form).
/// </summary>
/// <param name="Value">F at the point; +∞ marks a point where the objective is undefined (a step there is refused).</param>
/// <param name="Gradient">∇F, one entry per parameter.</param>
/// <param name="Hessian">The Hessian approximation, parameters × parameters.</param>
public sealed record LocalQuadratic(double Value, double[] Gradient, double[,] Hessian);
