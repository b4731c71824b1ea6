using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Langevin.Generative.Pipeline;
using Langevin.Generative.StableDiffusion;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Writes a diffusers Stable Diffusion folder of full size with seeded random weights (N(0, 0.02²), as the UNet benchmark
/// fills them), so that a whole generation can be timed through the command line a user runs when no real checkpoint
/// can be downloaded. Configurations are those of runwayml/stable-diffusion-v1-5 ("sd15") and stabilityai/sd-turbo
/// ("sd-turbo": the SD 2.1 UNet with linear projections and 5/10/20/20 heads, OpenCLIP ViT-H's 23-layer text encoder,
/// Euler with trailing timesteps); the tokenizer is the shipped CLIP one (SD 2.x's pads with "!").
/// </summary>
internal static class RandomModelFolder
{
    public static int Write(string kind, string folder, ulong seed)
    {
        bool turbo = kind switch
        {
            "sd15" => false,
            "sd-turbo" => true,
            _ => throw new ArgumentException($"unknown model kind '{kind}'; give sd15 or sd-turbo", nameof(kind)),
        };
        Directory.CreateDirectory(folder);
        WriteJson(Path.Combine(folder, "model_index.json"), new JsonObject
        {
            ["_class_name"] = "StableDiffusionPipeline",
            ["scheduler"] = new JsonArray("diffusers", turbo ? "EulerDiscreteScheduler" : "PNDMScheduler"),
            ["text_encoder"] = new JsonArray("transformers", "CLIPTextModel"),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["unet"] = new JsonArray("diffusers", "UNet2DConditionModel"),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
        });
        WriteJson(Path.Combine(folder, "scheduler", "scheduler_config.json"), Scheduler(turbo));
        CopyTokenizer(Path.Combine(folder, "tokenizer"), turbo);

        string unetConfig = WriteJson(Path.Combine(folder, "unet", "config.json"), UNet(turbo));
        using (var unet = new UNet2DCondition(UNetConfig.Load(unetConfig)))
            Save(unet, Path.Combine(folder, "unet", "diffusion_pytorch_model.safetensors"), seed);
        string vaeConfig = WriteJson(Path.Combine(folder, "vae", "config.json"), Vae());
        using (var vae = new AutoencoderKl(AutoencoderKlConfig.Load(vaeConfig)))
            Save(vae, Path.Combine(folder, "vae", "diffusion_pytorch_model.safetensors"), seed + 1);
        string textConfig = WriteJson(Path.Combine(folder, "text_encoder", "config.json"), TextEncoder(turbo));
        using (var text = new ClipTextModel(ClipTextConfig.Load(textConfig)))
            Save(text, Path.Combine(folder, "text_encoder", "model.safetensors"), seed + 2);
        Console.WriteLine($"wrote a random-weight {kind} folder to {folder}");
        return 0;
    }

    private static void Save(nn.Module module, string path, ulong seed)
    {
        using var generator = new Generator(seed);
        // named_parameters, not state_dict: TorchSharp's state_dict also lists each weight under its C# field's name.
        var state = module.named_parameters().Select(p => KeyValuePair.Create(p.name, (Tensor)p.parameter))
            .Concat(module.named_buffers().Select(b => KeyValuePair.Create(b.name, b.buffer))).ToList();
        using (no_grad())
            foreach (var (name, tensor) in state)
            {
                // LayerNorm/GroupNorm scales at 1, as trained networks have them, keep the activations' scale sane.
                if (name.EndsWith(".weight", StringComparison.Ordinal) && tensor.dim() == 1) tensor.fill_(1);
                else if (tensor.is_floating_point()) tensor.normal_(0, 0.02, generator);
            }
        SafeTensorsWriter.Write(path, state);
    }

    private static void CopyTokenizer(string folder, bool openClipPadding)
    {
        Directory.CreateDirectory(folder);
        string shipped = ShippedModels.Find(ShippedModels.ClipTokenizer);
        foreach (var file in Directory.GetFiles(shipped))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        if (!openClipPadding) return;
        string configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["pad_token"] = "!";
        File.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonObject Scheduler(bool turbo) => new()
    {
        ["_class_name"] = turbo ? "EulerDiscreteScheduler" : "PNDMScheduler",
        ["beta_start"] = 0.00085,
        ["beta_end"] = 0.012,
        ["beta_schedule"] = "scaled_linear",
        ["num_train_timesteps"] = 1000,
        ["prediction_type"] = "epsilon",
        ["set_alpha_to_one"] = false,
        ["skip_prk_steps"] = true,
        ["steps_offset"] = 1,
        ["timestep_spacing"] = turbo ? "trailing" : "leading",
        ["clip_sample"] = false,
    };

    private static JsonObject UNet(bool turbo) => new()
    {
        ["_class_name"] = "UNet2DConditionModel",
        ["act_fn"] = "silu",
        ["attention_head_dim"] = turbo ? new JsonArray(5, 10, 20, 20) : 8,
        ["block_out_channels"] = new JsonArray(320, 640, 1280, 1280),
        ["cross_attention_dim"] = turbo ? 1024 : 768,
        ["down_block_types"] = new JsonArray("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        ["up_block_types"] = new JsonArray("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        ["downsample_padding"] = 1,
        ["flip_sin_to_cos"] = true,
        ["freq_shift"] = 0,
        ["in_channels"] = 4,
        ["out_channels"] = 4,
        ["layers_per_block"] = 2,
        ["mid_block_scale_factor"] = 1,
        ["norm_eps"] = 1e-5,
        ["norm_num_groups"] = 32,
        ["sample_size"] = 64,
        ["use_linear_projection"] = turbo,
        ["upcast_attention"] = false,
    };

    private static JsonObject Vae() => new()
    {
        ["_class_name"] = "AutoencoderKL",
        ["act_fn"] = "silu",
        ["block_out_channels"] = new JsonArray(128, 256, 512, 512),
        ["down_block_types"] = new JsonArray("DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"),
        ["up_block_types"] = new JsonArray("UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"),
        ["in_channels"] = 3,
        ["out_channels"] = 3,
        ["latent_channels"] = 4,
        ["layers_per_block"] = 2,
        ["norm_num_groups"] = 32,
        ["sample_size"] = 512,
        ["scaling_factor"] = 0.18215,
    };

    private static JsonObject TextEncoder(bool turbo) => new()
    {
        ["architectures"] = new JsonArray("CLIPTextModel"),
        ["bos_token_id"] = 49406,
        ["eos_token_id"] = 49407,
        ["pad_token_id"] = turbo ? 1 : 49407,
        ["hidden_act"] = turbo ? "gelu" : "quick_gelu",
        ["hidden_size"] = turbo ? 1024 : 768,
        ["intermediate_size"] = turbo ? 4096 : 3072,
        ["layer_norm_eps"] = 1e-5,
        ["max_position_embeddings"] = 77,
        ["model_type"] = "clip_text_model",
        ["num_attention_heads"] = turbo ? 16 : 12,
        ["num_hidden_layers"] = turbo ? 23 : 12,
        ["projection_dim"] = turbo ? 512 : 768,
        ["vocab_size"] = 49408,
    };

    private static string WriteJson(string path, JsonObject json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
