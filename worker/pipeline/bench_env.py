"""What the benchmark records about the machine it runs on: device and versions, peak memory of a run."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
from pathlib import Path

import torch


def environment(device: str) -> dict:
    """GPU (or CPU) model and the versions that decide which kernels run."""
    import diffusers
    import transformers

    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    return {
        "deviceName": torch.cuda.get_device_name(device) if is_cuda(device) else cpu_model(),
        "cpuModel": cpu_model(),
        "cpuCount": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "transformers": transformers.__version__,
        "cuda": torch.version.cuda,
        "cudnn": cudnn,
    }


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


class PeakMemory:
    """Peak memory over a block: CUDA memory allocated by tensors (weights included) on the GPU; on the CPU the
    process's peak resident set, which the OS never resets, so a later block's figure covers earlier ones too."""

    def __init__(self, device: str):
        self.device = device
        self.kind = (
            "cuda max_memory_allocated (per run, weights included)"
            if is_cuda(device)
            else "process peak RSS (since start, never reset)"
        )
        self.peak_bytes = 0

    def __enter__(self):
        if is_cuda(self.device):
            sync(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
        return self

    def __exit__(self, *exc):
        if is_cuda(self.device):
            sync(self.device)
            self.peak_bytes = int(torch.cuda.max_memory_allocated(self.device))
        else:
            self.peak_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        return False


def is_cuda(device: str) -> bool:
    return str(device).startswith("cuda")


def sync(device: str) -> None:
    """Wait for queued GPU work, so a clock read after it counts finished kernels."""
    if is_cuda(device):
        torch.cuda.synchronize(device)
