"""The peer of `Langevin.Generative.Bench unet`: one full-size Stable Diffusion 1.5 UNet call in diffusers.

diffusers' UNet2DConditionModel (v0.27.2) with runwayml/stable-diffusion-v1-5's unet/config.json, seeded random
weights (normal(0, 0.02) from an explicit torch.Generator, as the C# side fills its parameters), called on latents
(2, 4, 64, 64) at timestep 500 with text states (2, 77, 768) -- batch 2, as classifier-free guidance runs it -- under
inference mode: one warm-up call, then CALLS timed calls. Prints one JSON line with the same fields as the C# side
(seconds per call, wall clock and CPU; peak RSS from getrusage's ru_maxrss; parameter count; weight bytes).

Usage: DIFFUSERS_SRC=/path/to/diffusers/src python3 bench/peers/sd_unet_diffusers.py [CALLS] [THREADS] [SEED]
  (or pass the source folder as --diffusers-src PATH before the positional arguments)

The user provides diffusers: DIFFUSERS_SRC is the `src` folder of a diffusers v0.27.2 source tree (the folder that
holds the `diffusers` package), e.g. a checkout of https://github.com/huggingface/diffusers at tag v0.27.2. It needs
huggingface_hub (v0.20.3 was used; its `src` folder can be given in HF_HUB_SRC or be installed), packaging,
importlib_metadata, requests, filelock, numpy, PIL and torch (Debian 12: python3-torch and friends). Nothing is
downloaded here. Only diffusers.models.unets.unet_2d_condition is imported, not the pipelines (which need
transformers). safetensors, which diffusers imports at module load but a randomly initialised model never uses, is
replaced by an empty stand-in module when it is not installed (Debian 12 does not package it).
"""
import importlib.machinery
import json
import os
import resource
import sys
import time
import types


def main(argv):
    args = list(argv)
    src = os.environ.get("DIFFUSERS_SRC")
    if len(args) >= 2 and args[0] == "--diffusers-src":
        src = args[1]
        args = args[2:]
    if not src:
        sys.exit("sd_unet_diffusers.py: give the diffusers v0.27.2 source folder (its src/) in DIFFUSERS_SRC or --diffusers-src")
    calls = int(args[0]) if len(args) > 0 else 3
    threads = int(args[1]) if len(args) > 1 else 2
    seed = int(args[2]) if len(args) > 2 else 0

    sys.path.insert(0, src)
    if os.environ.get("HF_HUB_SRC"):
        sys.path.insert(1, os.environ["HF_HUB_SRC"])
    try:
        import safetensors  # noqa: F401
        import safetensors.torch  # noqa: F401
    except ImportError:
        for name in ("safetensors", "safetensors.torch"):
            module = types.ModuleType(name)
            module.__spec__ = importlib.machinery.ModuleSpec(name, None)
            sys.modules[name] = module
        sys.modules["safetensors"].torch = sys.modules["safetensors.torch"]

    rss_start = status("VmRSS")
    import torch
    torch.set_num_threads(threads)
    import diffusers
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel

    # runwayml/stable-diffusion-v1-5 unet/config.json (the keys that differ from the class defaults are the same values)
    config = dict(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        block_out_channels=(320, 640, 1280, 1280),
        layers_per_block=2,
        attention_head_dim=8,
        cross_attention_dim=768,
        norm_num_groups=32,
        norm_eps=1e-5,
        flip_sin_to_cos=True,
        freq_shift=0,
        downsample_padding=1,
        mid_block_scale_factor=1,
        act_fn="silu",
        center_input_sample=False,
    )
    start = time.perf_counter()
    unet = UNet2DConditionModel(**config).eval()
    parameters = weight_bytes = 0
    with torch.no_grad():
        generator = torch.Generator().manual_seed(seed)
        for p in unet.parameters():
            p.normal_(0, 0.02, generator=generator)
            parameters += p.numel()
            weight_bytes += p.numel() * p.element_size()
    build_seconds = time.perf_counter() - start
    rss_after_init = status("VmRSS")
    peak_after_init = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    generator = torch.Generator().manual_seed(seed + 1)
    latents = torch.randn(2, 4, 64, 64, generator=generator)
    context = torch.randn(2, 77, 768, generator=generator)
    timestep = torch.tensor(500)
    reset = reset_peak()

    times, cpu_times = [], []
    load_start = load_average()
    with torch.inference_mode():
        start = time.perf_counter()
        out = unet(latents, timestep, encoder_hidden_states=context).sample
        warm_up = time.perf_counter() - start
        mean_abs = out.abs().mean().item()
        del out
        for _ in range(calls):
            cpu = time.process_time()
            start = time.perf_counter()
            out = unet(latents, timestep, encoder_hidden_states=context).sample
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu)
            del out
    final_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    processor = type(unet.down_blocks[0].attentions[0].transformer_blocks[0].attn1.processor).__name__
    print(json.dumps({
        "impl": "diffusers", "model": "sd15-unet", "batch": 2, "latent": 64, "threads": torch.get_num_threads(),
        "calls": calls, "seconds_per_call": round(sum(times) / len(times), 3), "call_seconds": [round(t, 3) for t in times],
        "cpu_seconds_per_call": round(sum(cpu_times) / len(cpu_times), 3), "loadavg_start": load_start, "loadavg_end": load_average(),
        "warmup_seconds": round(warm_up, 3), "build_fill_seconds": round(build_seconds, 3),
        "peak_rss_bytes": max(peak_after_init, final_peak), "calls_peak_rss_bytes": final_peak if reset else -1,
        "rss_start_bytes": rss_start, "rss_after_init_bytes": rss_after_init,
        "param_count": parameters, "weights_bytes": weight_bytes, "output_mean_abs": float(f"{mean_abs:.6g}"),
        "torch": torch.__version__, "diffusers": diffusers.__version__, "attention_processor": processor,
    }))


def status(field):
    """A field of /proc/self/status ("VmRSS", "VmHWM") in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def load_average():
    """The 1-, 5- and 15-minute load averages of the machine (/proc/loadavg)."""
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def reset_peak():
    """Resets the peak RSS (ru_maxrss, VmHWM) to the current RSS (Linux 4.0+ clear_refs); False where refused."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


if __name__ == "__main__":
    main(sys.argv[1:])
