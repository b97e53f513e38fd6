"""The Wan 2.2 TI2V denoising loop: diffusers' math, with the guided and unguided passes in one batch.

diffusers' WanPipeline runs the transformer twice per step (prompt, then negative prompt). Both passes see
the same latents and timesteps, so we stack them into a batch of two: one launch of every kernel instead of
two, and the GPU sees twice the work per kernel. The arithmetic per sample is unchanged; tests check our
latents against a plain diffusers call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from worker.errors import Canceled

# on_step(steps done, steps in total); called from the loop, so it must not read GPU tensors.
StepFn = Callable[[int, int], None]


@dataclass
class DenoiseInputs:
    latents: torch.Tensor  # (1, C, F, H, W) float32 starting noise
    prompt_embeds: torch.Tensor  # (1, L, D)
    negative_embeds: torch.Tensor | None  # (1, L, D); None turns guidance off
    # Image-to-video: the encoded first frame (1, C, 1, H, W) and a mask that is 0 on the frames it pins.
    condition: torch.Tensor | None = None
    first_frame_mask: torch.Tensor | None = None


def denoise(
    transformer,
    scheduler,
    inputs: DenoiseInputs,
    steps: int,
    guidance_scale: float,
    batched_cfg: bool = True,
    on_step: StepFn | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> torch.Tensor:
    """Run `steps` flow-matching steps and return the final latents (float32, conditioning frame pinned)."""
    device, dtype = inputs.latents.device, transformer.dtype
    scheduler.set_timesteps(steps, device=device)
    # A fixed begin index keeps the scheduler from searching its timesteps (a device-to-host sync) each step.
    scheduler.set_begin_index(0)
    timesteps = scheduler.timesteps
    latents = inputs.latents
    condition, mask = inputs.condition, inputs.first_frame_mask
    if mask is None:
        mask = torch.ones_like(latents)
    # Wan 2.2 TI2V gives every token its own timestep: 0 for the pinned first frame, t elsewhere.
    _, patch_h, patch_w = transformer.config.patch_size
    token_is_noisy = mask[0, 0, :, ::patch_h, ::patch_w].flatten().unsqueeze(0)  # (1, tokens)

    guided = guidance_scale > 1.0 and inputs.negative_embeds is not None
    if guided and batched_cfg:
        text = torch.cat([inputs.prompt_embeds, inputs.negative_embeds]).to(dtype)
    else:
        text = inputs.prompt_embeds.to(dtype)
        negative = inputs.negative_embeds.to(dtype) if guided else None

    for index, t in enumerate(timesteps):
        if should_cancel is not None and should_cancel():
            raise Canceled()
        model_input = latents if condition is None else (1 - mask) * condition + mask * latents
        model_input = model_input.to(dtype)
        timestep = token_is_noisy * t
        if guided and batched_cfg:
            prediction = transformer(
                hidden_states=torch.cat([model_input, model_input]),
                timestep=timestep.expand(2, -1),
                encoder_hidden_states=text,
                return_dict=False,
            )[0]
            noise_cond, noise_uncond = prediction.chunk(2)
        else:
            noise_cond = transformer(
                hidden_states=model_input, timestep=timestep, encoder_hidden_states=text, return_dict=False
            )[0]
            noise_uncond = None
            if guided:
                noise_uncond = transformer(
                    hidden_states=model_input, timestep=timestep, encoder_hidden_states=negative, return_dict=False
                )[0]
        noise = noise_cond if noise_uncond is None else noise_uncond + guidance_scale * (noise_cond - noise_uncond)
        latents = scheduler.step(noise, t, latents, return_dict=False)[0]
        if on_step is not None:
            on_step(index + 1, len(timesteps))

    if condition is not None:
        latents = (1 - mask) * condition + mask * latents
    return latents
