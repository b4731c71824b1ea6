using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>What a tracker sees of a generation: the starting latents, then the state after each sampler step (valid only during the call).</summary>
/// <param name="Index">Steps taken so far (0 = the starting latents, before any step).</param>
/// <param name="Steps">Steps this generation runs.</param>
/// <param name="Timestep">The timestep of the step just taken (the first timestep for the starting state).</param>
/// <param name="Latents">The latents after the step (the starting latents at index 0).</param>
/// <param name="NoisePrediction">The guided model output the step used; null for the starting state.</param>
public sealed record DenoisingStep(int Index, int Steps, double Timestep, Tensor Latents, Tensor? NoisePrediction);
