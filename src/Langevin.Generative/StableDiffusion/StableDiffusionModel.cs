using Langevin.Generative.Schedulers;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Text;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// A Stable Diffusion 1.x/2.x checkpoint loaded for inference: tokenizer, CLIP text encoder, UNet and VAE, from a
/// diffusers folder (model_index.json with unet/, vae/, text_encoder/, tokenizer/, scheduler/; .safetensors or PyTorch
/// .bin weights) or from one original-layout .safetensors or .ckpt file, whose configuration is inferred from its
/// tensors (<see cref="SingleFileLayout"/>). Weights are read tensor by tensor from memory maps into float32 parameters
/// (<see cref="TensorFile"/>; PyTorch files are read as data, never unpickled by running them): fp16 and bf16 files are
/// upcast, and the model is never held twice.
/// </summary>
public sealed class StableDiffusionModel : IDisposable
{
    private StableDiffusionModel(string path, ClipTokenizer tokenizer, ClipTextModel textEncoder, UNet2DCondition unet,
        AutoencoderKl vae, PredictionType prediction, string? schedulerConfig, IReadOnlyList<string> inferred)
    {
        Path = path;
        Tokenizer = tokenizer;
        TextEncoder = textEncoder;
        UNet = unet;
        Vae = vae;
        Prediction = prediction;
        SchedulerConfigPath = schedulerConfig;
        Inferred = inferred;
    }

    /// <summary>The folder or file loaded.</summary>
    public string Path { get; }

    /// <summary>The CLIP tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The CLIP text encoder.</summary>
    public ClipTextModel TextEncoder { get; }

    /// <summary>The denoising UNet.</summary>
    public UNet2DCondition UNet { get; }

    /// <summary>The KL autoencoder.</summary>
    public AutoencoderKl Vae { get; }

    /// <summary>What the UNet predicts.</summary>
    public PredictionType Prediction { get; }

    /// <summary>The folder's scheduler/scheduler_config.json, or null for a single file (which has none).</summary>
    public string? SchedulerConfigPath { get; }

    /// <summary>What was inferred rather than read from a config, one line each (empty for a diffusers folder).</summary>
    public IReadOnlyList<string> Inferred { get; }

    /// <summary>Whether <paramref name="path"/> is a diffusers folder (rather than a single file).</summary>
    public static bool IsFolder(string path) => Directory.Exists(path);

    /// <summary>Loads the checkpoint at <paramref name="path"/>: a diffusers folder, or a single .safetensors or .ckpt file.</summary>
    /// <exception cref="UserErrorException">The path is missing, or the checkpoint is corrupt, truncated or of an unknown kind.</exception>
    public static StableDiffusionModel Load(string path, StableDiffusionLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new StableDiffusionLoadOptions();
        TorchRuntime.EnsureLoaded();
        StableDiffusionModel model;
        if (IsFolder(path)) model = LoadFolder(path, options);
        else
        {
            CheckSingleFile(path);
            model = LoadSingleFile(path, options);
        }
        try
        {
            // LoRAs merge into the float32 CPU weights, which then move to the device and dtype asked for.
            foreach (var lora in options.Loras) model.ApplyLora(lora);
            return model.MoveTo(options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Merges a LoRA file into the UNet's and text encoder's weights with its weight (W ← W + weight·alpha/rank·up·down):
    /// kohya/web-UI files (<c>lora_unet_…</c>, <c>lora_te_…</c>, with diffusers or original LDM layer names) and
    /// diffusers/PEFT files (<c>unet.….lora_A.weight</c>, <c>text_encoder.…</c>).
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing or corrupt, or is a LoRA for another architecture (names the layer).</exception>
    public LoraReport ApplyLora(LoraSpec lora) => LoraMerge.Apply(this, lora);

    /// <summary>Refuses a missing single file with the way out.</summary>
    internal static void CheckSingleFile(string path)
    {
        if (!File.Exists(path))
            throw new UserErrorException($"'{path}' does not exist; give a diffusers model folder or a Stable Diffusion .safetensors or .ckpt file");
    }

    /// <summary>Where the networks run.</summary>
    public Device Device { get; private set; } = CPU;

    /// <summary>The networks' dtype.</summary>
    public ScalarType DType { get; private set; } = ScalarType.Float32;

    /// <summary>The UNet's output for CPU float32 <paramref name="latents"/>, computed on the model's device and dtype, back as CPU float32.</summary>
    public Tensor Denoise(Tensor latents, Tensor timesteps, Tensor context)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var scope = NewDisposeScope();
        var output = UNet.Forward(latents.to(DType, Device), timesteps.to(Device), context);
        return output.to(ScalarType.Float32, CPU).MoveToOuterDisposeScope();
    }

    /// <summary>The text states (on the model's device and dtype) of one 77-token encoding.</summary>
    public Tensor EncodeTokens(long[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var scope = NewDisposeScope();
        return TextEncoder.Forward(tensor(ids, device: Device).unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>The latent distribution of CPU float32 images in [−1, 1], back as CPU float32.</summary>
    public LatentDistribution EncodeImage(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var distribution = Vae.Encode(image.to(DType, Device));
        return new LatentDistribution(distribution.Mean.to(ScalarType.Float32, CPU), distribution.LogVariance.to(ScalarType.Float32, CPU));
    }

    /// <summary>The image decoded from CPU float32 unscaled latents, back as CPU float32.</summary>
    public Tensor DecodeLatents(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var scope = NewDisposeScope();
        return Vae.Decode(latents.to(DType, Device)).to(ScalarType.Float32, CPU).MoveToOuterDisposeScope();
    }

    /// <summary>The latent side for an image side (the VAE's downscaling, 8 for Stable Diffusion).</summary>
    public int LatentScale => Vae.Config.ScaleFactor;

    /// <summary>Releases the components' native memory.</summary>
    public void Dispose()
    {
        TextEncoder.Dispose();
        UNet.Dispose();
        Vae.Dispose();
    }

    private static StableDiffusionModel LoadFolder(string folder, StableDiffusionLoadOptions options)
    {
        string Part(params string[] parts) => System.IO.Path.Combine([folder, .. parts]);
        if (!File.Exists(Part("model_index.json")))
            throw new UserErrorException($"'{folder}' has no model_index.json; give a diffusers Stable Diffusion folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) or a .safetensors or .ckpt file");
        var tokenizer = ClipTokenizer.Load(options.Tokenizer ?? Part("tokenizer"));
        ClipTextModel? text = null;
        UNet2DCondition? unet = null;
        AutoencoderKl? vae = null;
        try
        {
            text = new ClipTextModel(ClipTextConfig.Load(Part("text_encoder", "config.json")));
            LoadInto(text, WeightsFile(Part("text_encoder"), TransformersWeights));
            unet = LoadUNet(options.UNet ?? Part("unet"));
            vae = new AutoencoderKl(AutoencoderKlConfig.Load(Part("vae", "config.json")));
            LoadInto(vae, WeightsFile(Part("vae"), DiffusersWeights));
            string scheduler = Part("scheduler", "scheduler_config.json");
            var prediction = options.PredictionType ?? SchedulerPrediction(scheduler);
            return new StableDiffusionModel(folder, tokenizer, text, unet, vae, prediction, File.Exists(scheduler) ? scheduler : null, []);
        }
        catch
        {
            text?.Dispose();
            unet?.Dispose();
            vae?.Dispose();
            throw;
        }
    }

    private static StableDiffusionModel LoadSingleFile(string path, StableDiffusionLoadOptions options)
    {
        using var file = TensorFile.Open(path);
        string? yamlPath = options.OriginalConfig ?? BesideYaml(path);
        var yaml = yamlPath is null ? null : LdmYaml.Load(yamlPath);
        var layout = SingleFileLayout.Infer(file, yaml, options.PredictionType);
        var tokenizer = ClipTokenizer.Load(options.Tokenizer ?? ShippedModels.Find(ShippedModels.ClipTokenizer));
        // SD 2.x's tokenizer (OpenCLIP's vocabulary in CLIPTokenizer) pads with "!", id 0; the shipped one is SD 1.x's.
        if (layout.OpenClip && options.Tokenizer is null) tokenizer = tokenizer.WithPadId(0);
        ClipTextModel? text = null;
        UNet2DCondition? unet = null;
        AutoencoderKl? vae = null;
        try
        {
            text = new ClipTextModel(layout.TextEncoder);
            WeightLoader.Load(text, file, name => LdmKeyMap.Text(name, layout.OpenClip, layout.LegacyClipNames));
            if (options.UNet is not null) unet = LoadUNet(options.UNet);
            else
            {
                unet = new UNet2DCondition(layout.UNet);
                WeightLoader.Load(unet, file, name => new TensorSource(LdmKeyMap.UNet(name, layout.UNet)));
            }
            vae = new AutoencoderKl(layout.Vae);
            WeightLoader.Load(vae, file, name => new TensorSource(LdmKeyMap.Vae(name, layout.Vae.BlockOutChannels.Count)));
            return new StableDiffusionModel(path, tokenizer, text, unet, vae, layout.Prediction, null, layout.Inferred);
        }
        catch
        {
            text?.Dispose();
            unet?.Dispose();
            vae?.Dispose();
            throw;
        }
    }

    private static UNet2DCondition LoadUNet(string folder)
    {
        var unet = new UNet2DCondition(UNetConfig.Load(System.IO.Path.Combine(folder, "config.json")));
        try
        {
            LoadInto(unet, WeightsFile(folder, DiffusersWeights));
            return unet;
        }
        catch
        {
            unet.Dispose();
            throw;
        }
    }

    /// <summary>Moves the networks to the options' device and dtype (after loading: the file is read into CPU memory first).</summary>
    private StableDiffusionModel MoveTo(StableDiffusionLoadOptions options)
    {
        if (options.DType is not (ScalarType.Float32 or ScalarType.Float16))
            throw new UserErrorException($"{{StableDiffusionLoadOptions.DType}} must be float32 or float16, got {options.DType}");
        if (options.Device == DeviceType.CUDA && !cuda.is_available())
            throw new UserErrorException("{StableDiffusionLoadOptions.Device} cuda: CUDA is not available to this build (it ships libtorch-cpu); install TorchSharp's libtorch-cuda package for your CUDA version, or use cpu");
        if (options.Device == DeviceType.CPU && options.DType == ScalarType.Float32) return this;
        Device = new Device(options.Device);
        DType = options.DType;
        foreach (nn.Module module in new nn.Module[] { TextEncoder, UNet, Vae }) module.to(options.DType).to(Device);
        return this;
    }

    /// <summary>The LDM config beside <paramref name="path"/> with the same name (.yaml or .yml), or null.</summary>
    internal static string? BesideYaml(string path) =>
        new[] { ".yaml", ".yml" }.Select(e => System.IO.Path.ChangeExtension(path, e)).FirstOrDefault(File.Exists);

    private static void LoadInto(TorchSharp.torch.nn.Module module, string weights)
    {
        using var file = TensorFile.Open(weights);
        WeightLoader.Load(module, file);
    }

    /// <summary>The weight file names of diffusers' own models (UNet, VAE): safetensors, and PyTorch's as older folders have.</summary>
    internal static readonly (string SafeTensors, string PyTorch) DiffusersWeights = ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin");

    /// <summary>The weight file names of a transformers model (the CLIP text encoder).</summary>
    internal static readonly (string SafeTensors, string PyTorch) TransformersWeights = ("model.safetensors", "pytorch_model.bin");

    /// <summary>
    /// The weights file of the component in <paramref name="folder"/>: its .safetensors, or the PyTorch .bin that older
    /// diffusers folders have (read as data, never unpickled by running it).
    /// </summary>
    internal static string WeightsFile(string folder, (string SafeTensors, string PyTorch) names)
    {
        string safetensors = System.IO.Path.Combine(folder, names.SafeTensors);
        if (File.Exists(safetensors)) return safetensors;
        string bin = System.IO.Path.Combine(folder, names.PyTorch);
        if (File.Exists(bin)) return bin;
        throw new UserErrorException($"'{folder}' has neither {names.SafeTensors} nor {names.PyTorch}; the diffusers folder is incomplete");
    }

    private static PredictionType SchedulerPrediction(string schedulerConfig) =>
        File.Exists(schedulerConfig) && DiffusersJson.String(DiffusersJson.Read(schedulerConfig), "prediction_type") == "v_prediction"
            ? PredictionType.VPrediction : PredictionType.Epsilon;
}
