"""Full-size Wan2.2-TI2V-5B components with random weights, built directly on the target device.

The benchmark needs the real architecture and dtypes, not the trained weights: every kernel, shape and byte
moved is the same, so the timings are those of the released model. Building 10.7e9 parameters takes seconds
when they are initialised on the GPU instead of the CPU.
"""

from __future__ import annotations

import contextlib

import torch
from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
from transformers import UMT5Config, UMT5EncoderModel

from worker.pipeline.tiny import WEIGHTS_SEED, build_tokenizer

# The configs of Wan-AI/Wan2.2-TI2V-5B-Diffusers (transformer, vae, text_encoder).
TRANSFORMER_CONFIG = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 24,
    "attention_head_dim": 128,
    "in_channels": 48,
    "out_channels": 48,
    "text_dim": 4096,
    "freq_dim": 256,
    "ffn_dim": 14336,
    "num_layers": 30,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "eps": 1e-6,
    "rope_max_seq_len": 1024,
}
VAE_CONFIG = {
    "base_dim": 160,
    "decoder_base_dim": 256,
    "z_dim": 48,
    "dim_mult": [1, 2, 4, 4],
    "num_res_blocks": 2,
    "attn_scales": [],
    "temperal_downsample": [False, True, True],
    "dropout": 0.0,
    "in_channels": 12,
    "out_channels": 12,
    "is_residual": True,
    "patch_size": 2,
    "scale_factor_spatial": 16,
    "scale_factor_temporal": 4,
    # The released per-channel latent statistics only shift and scale the latents before decoding; neutral
    # values cost exactly the same time.
    "latents_mean": [0.0] * 48,
    "latents_std": [1.0] * 48,
}
TEXT_ENCODER_CONFIG = {
    "vocab_size": 256384,
    "d_model": 4096,
    "d_kv": 64,
    "d_ff": 10240,
    "num_layers": 24,
    "num_heads": 64,
    "relative_attention_num_buckets": 32,
    "relative_attention_max_distance": 128,
    "feed_forward_proj": "gated-gelu",
    "dropout_rate": 0.0,
}


@contextlib.contextmanager
def default_dtype(dtype: torch.dtype):
    """New tensors are created as `dtype` inside the block; the previous default is restored after."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def build_on_device(factory, device: str | torch.device, dtype: torch.dtype):
    """factory() constructed with its parameters allocated and initialised on `device` in `dtype`."""
    with torch.device(device), default_dtype(dtype):
        module = factory()
    keep_fp32_like_from_pretrained(module, dtype)
    return module.eval().requires_grad_(False)


def keep_fp32_like_from_pretrained(module, dtype: torch.dtype) -> None:
    """diffusers' from_pretrained keeps a model's `_keep_in_fp32_modules` parameters in float32 whatever the
    requested dtype (Wan: time embedder, modulation tables, norms); do the same so the math matches loading."""
    keep = getattr(module, "_keep_in_fp32_modules", None)
    # transformers models use the same attribute only for float16 loads; these components are diffusers ones.
    if not keep or dtype == torch.float32 or not module.__class__.__module__.startswith("diffusers"):
        return
    for name, parameter in module.named_parameters():
        if parameter.is_floating_point() and any(part in name.split(".") for part in keep):
            parameter.data = parameter.data.float()


def build_transformer(device, dtype=torch.bfloat16) -> WanTransformer3DModel:
    return build_on_device(lambda: WanTransformer3DModel(**TRANSFORMER_CONFIG), device, dtype)


def build_vae(device, dtype=torch.float32) -> AutoencoderKLWan:
    return build_on_device(lambda: AutoencoderKLWan(**VAE_CONFIG), device, dtype)


def build_text_encoder(device, dtype=torch.bfloat16) -> UMT5EncoderModel:
    return build_on_device(lambda: UMT5EncoderModel(UMT5Config(**TEXT_ENCODER_CONFIG)), device, dtype)


def build_full_size_components(device: str, full_precision: bool = False) -> dict:
    """tokenizer, text_encoder, vae, transformer and scheduler of TI2V-5B with random weights on `device`:
    bf16 transformer and text encoder, fp32 VAE, as `load_diffusers_components` loads the released weights
    (`full_precision`: everything fp32, as that loader does for CPU checks)."""
    low = torch.float32 if full_precision else torch.bfloat16
    # Tokenizing costs microseconds and every prompt is padded to 512 tokens, so the offline byte tokenizer
    # stands in for the 256k-entry UMT5 vocabulary.
    tokenizer = build_tokenizer()
    # fork_rng keeps the caller's generators untouched while the weights are seeded.
    cuda_devices = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=cuda_devices):
        torch.manual_seed(WEIGHTS_SEED)
        text_encoder = build_text_encoder(device, low)
        vae = build_vae(device, torch.float32)
        transformer = build_transformer(device, low)
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0)
    return {
        "tokenizer": tokenizer,
        "text_encoder": text_encoder,
        "vae": vae,
        "transformer": transformer,
        "scheduler": scheduler,
    }


def parameter_count(module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())
