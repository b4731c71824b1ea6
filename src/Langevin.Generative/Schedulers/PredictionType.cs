namespace Langevin.Generative.Schedulers;

/// <summary>What the denoising model predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (DDPM; Stable Diffusion 1.x and 2.x-base).</summary>
    Epsilon,

    /// <summary>v = √ᾱ·ε − √(1−ᾱ)·x_0 (Salimans &amp; Ho 2022, §2.4 of Imagen Video; Stable Diffusion 2.x-768).</summary>
    VPrediction,

    /// <summary>The clean sample x_0 itself.</summary>
    Sample,
}
