using Langevin.Randomness;

namespace Langevin.Reinforcement;

/// <summary>
/// The cart-pole of Barto, Sutton and Anderson (1983) with the constants and termination of Gymnasium's CartPole-v1: a
/// pole hinged on a cart that is pushed left or right with 10 N; reward 1 per step; the episode ends when the pole leans
/// more than 12° or the cart leaves ±2.4, and is cut at 500 steps. Explicit Euler with τ = 0.02 s, as
/// Gymnasium's default <c>kinematics_integrator="euler"</c>. Observation (x, ẋ, θ, θ̇); start uniform in ±0.05 each.
/// </summary>
public sealed class CartPole : IEnvironment
{
    /// <summary>g, m/s².</summary>
    public const double Gravity = 9.8;

    /// <summary>Cart mass, kg.</summary>
    public const double CartMass = 1.0;

    /// <summary>Pole mass, kg.</summary>
    public const double PoleMass = 0.1;

    /// <summary>Half the pole's length, m.</summary>
    public const double HalfLength = 0.5;

    /// <summary>Push, N.</summary>
    public const double Force = 10.0;

    /// <summary>Time step, s.</summary>
    public const double Tau = 0.02;

    /// <summary>Pole angle beyond which the episode fails: 12°, in radians.</summary>
    public const double AngleLimit = 12 * 2 * Math.PI / 360;

    /// <summary>Cart position beyond which the episode fails, m.</summary>
    public const double PositionLimit = 2.4;

    /// <summary>Steps after which an episode is cut (CartPole-v1).</summary>
    public const int MaxSteps = 500;

    private double _x, _xDot, _theta, _thetaDot;
    private int _steps;
    private bool _done = true;

    /// <inheritdoc />
    public int ObservationSize => 4;

    /// <inheritdoc />
    public int ActionCount => 2;

    /// <summary>The state (x, ẋ, θ, θ̇) now.</summary>
    public (double X, double XDot, double Theta, double ThetaDot) State => (_x, _xDot, _theta, _thetaDot);

    /// <inheritdoc />
    public float[] Reset(ulong key)
    {
        double Uniform(int i) => -0.05 + 0.1 * CounterUniform.Double(key, i);
        return SetState(Uniform(0), Uniform(1), Uniform(2), Uniform(3));
    }

    /// <summary>Starts an episode at the given state (for tests and replays).</summary>
    public float[] SetState(double x, double xDot, double theta, double thetaDot)
    {
        (_x, _xDot, _theta, _thetaDot) = (x, xDot, theta, thetaDot);
        _steps = 0;
        _done = false;
        return Observation();
    }

    /// <inheritdoc />
    public (float[] Observation, double Reward, bool Terminated, bool Truncated) Step(int action)
    {
        if (_done) throw new InvalidOperationException("the episode has ended; call Reset first");
        if (action is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(action), action, "CartPole's actions are 0 (push left) and 1 (push right)");
        double force = action == 1 ? Force : -Force;
        double cos = Math.Cos(_theta), sin = Math.Sin(_theta);
        const double totalMass = CartMass + PoleMass, poleMassLength = PoleMass * HalfLength;
        // Barto et al.'s equations of motion (frictionless), as Gymnasium writes them.
        double temp = (force + poleMassLength * _thetaDot * _thetaDot * sin) / totalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - PoleMass * cos * cos / totalMass));
        double xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;
        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;
        _steps++;
        bool terminated = _x < -PositionLimit || _x > PositionLimit || _theta < -AngleLimit || _theta > AngleLimit;
        bool truncated = !terminated && _steps >= MaxSteps;
        _done = terminated || truncated;
        return (Observation(), 1.0, terminated, truncated);
    }

    private float[] Observation() => [(float)_x, (float)_xDot, (float)_theta, (float)_thetaDot];
}
