"""Speed settings that keep the math: attention kernel choice, conv autotuning, compiled transformer blocks.

Only what leaves the sampled clip unchanged lives here; settings that trade quality are presets of their
own (see presets.py) and are never on by default.
"""

from __future__ import annotations

import contextlib
import logging

import torch

log = logging.getLogger(__name__)


def attention_kernels(device: str):
    """Context preferring the fastest exact SDPA kernels on the GPU: cuDNN (fastest on Hopper), then flash,
    then memory-efficient, with the plain math kernel as the last resort. On the CPU: PyTorch's choice."""
    if not str(device).startswith("cuda"):
        return contextlib.nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    order = [SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH]
    return sdpa_kernel(order, set_priority=True)


def tune_backends(device: str) -> None:
    """cuDNN picks the fastest conv algorithm per shape once (the VAE's 3D convolutions have fixed shapes)."""
    if str(device).startswith("cuda"):
        torch.backends.cudnn.benchmark = True


def compile_transformer(transformer) -> None:
    """torch.compile each repeated transformer block (one compiled graph serves all 30 blocks).

    Both clip sizes (1280x704 and 704x1280) give the blocks the same token count, so one compilation serves
    every job. A block that fails to compile runs eagerly instead of failing the job.
    """
    import torch._dynamo

    torch._dynamo.config.suppress_errors = True
    transformer.compile_repeated_blocks(fullgraph=True)
    log.info("transformer blocks compiled with torch.compile")
