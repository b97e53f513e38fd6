"""Loading diffusers-format Wan 2.2 TI2V weights (the `ti2v-5b` preset) from a local folder."""

from __future__ import annotations

from pathlib import Path

import torch
from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
from transformers import AutoTokenizer, UMT5EncoderModel

from worker.errors import WeightsMissing

# Layout of the Wan-AI/Wan2.2-TI2V-5B-Diffusers repository.
REQUIRED_PARTS = ("model_index.json", "tokenizer", "text_encoder", "transformer", "vae")


def check_weights_dir(weights_dir: str | None, env_name: str = "WAN_WEIGHTS_DIR") -> Path:
    """The weights folder, or WeightsMissing naming the path and what is missing."""
    if not weights_dir:
        raise WeightsMissing(f"{env_name} is not set; point it at a diffusers-format Wan2.2-TI2V-5B folder.")
    path = Path(weights_dir)
    if not path.is_dir():
        raise WeightsMissing(f"Wan weights folder {path} does not exist ({env_name}).")
    missing = [part for part in REQUIRED_PARTS if not (path / part).exists()]
    if missing:
        raise WeightsMissing(f"Wan weights folder {path} is incomplete: missing {', '.join(missing)}.")
    return path


def load_diffusers_components(weights_dir: str | Path, device: str, full_precision: bool = False) -> dict:
    """Components for WanPipeline / WanImageToVideoPipeline: bf16 transformer and text encoder, fp32 VAE
    (as Wan recommends); `full_precision` loads everything in fp32 (CPU checks)."""
    path = Path(weights_dir)
    transformer_dtype = text_encoder_dtype = torch.float32 if full_precision else torch.bfloat16
    vae_dtype = torch.float32
    # device_map reads the safetensors straight onto the device: no CPU copy of ~21 GB of weights.
    placement = {"device_map": str(device)}
    transformer = WanTransformer3DModel.from_pretrained(
        path, subfolder="transformer", torch_dtype=transformer_dtype, **placement
    )
    vae = AutoencoderKLWan.from_pretrained(path, subfolder="vae", torch_dtype=vae_dtype, **placement)
    text_encoder = UMT5EncoderModel.from_pretrained(
        path, subfolder="text_encoder", dtype=text_encoder_dtype, **placement
    )
    tokenizer = AutoTokenizer.from_pretrained(path, subfolder="tokenizer")
    # TI2V-5B samples 720p with UniPC flow matching, shift 5; keep the shipped config's other settings.
    flow = {"prediction_type": "flow_prediction", "use_flow_sigmas": True, "flow_shift": 5.0}
    if (path / "scheduler" / "scheduler_config.json").exists():
        shipped = UniPCMultistepScheduler.load_config(path, subfolder="scheduler")
        scheduler = UniPCMultistepScheduler.from_config(shipped, **flow)
    else:
        scheduler = UniPCMultistepScheduler(**flow)
    for module in (transformer, vae, text_encoder):
        module.to(device).eval().requires_grad_(False)
    return {
        "tokenizer": tokenizer,
        "text_encoder": text_encoder,
        "vae": vae,
        "transformer": transformer,
        "scheduler": scheduler,
    }


def save_diffusers_components(components: dict, weights_dir: str | Path) -> Path:
    """Write components in the diffusers folder layout that `load_diffusers_components` reads."""
    from diffusers import WanPipeline

    WanPipeline(**components, expand_timesteps=True).save_pretrained(weights_dir)
    return Path(weights_dir)
