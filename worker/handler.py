"""RunPod handler: validate → load the model once → render → encode → upload → output dict.

`handler(job)` is what RunPod calls. `run_job` is the same flow with an explicit progress sink
and cancellation check, used by the local exec protocol and by tests.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from worker.errors import Canceled, InternalError, OutOfMemory, WorkerError
from worker.images import decode_image
from worker.logs import fields, log_timings
from worker.progress import ProgressReporter, Sink, runpod_sink
from worker.schema import JobInput, parse_job_input
from worker.storage import download_image_bytes, upload_outputs
from worker.video import encode_mp4, write_poster

log = logging.getLogger(__name__)

# Rough muxing + upload cost, added to the render ETA (x264 medium on a few cores).
POST_RENDER_SEC_PER_FRAME = 0.02
POST_RENDER_FIXED_SEC = 2.0

_generators: dict[Any, Any] = {}
_generators_lock = threading.Lock()


def get_generator():
    """The process-wide VideoGenerator for the preset in the environment (built on first use)."""
    from worker.pipeline import load_generator, preset_from_env  # torch is imported on first use only

    preset = preset_from_env()
    with _generators_lock:
        if preset not in _generators:
            _generators.clear()  # one model per process; a different preset replaces it
            _generators[preset] = load_generator(preset)
        return _generators[preset]


class _Timings(dict):
    @contextmanager
    def stage(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self[name] = round(self.get(name, 0.0) + time.monotonic() - started, 3)


def run_job(
    job: dict[str, Any],
    sink: Sink | None = None,
    should_cancel: Callable[[], bool] | None = None,
    progress_interval_sec: float = 1.0,
) -> dict[str, Any]:
    """Run one RunPod-shaped job {"id", "input"}; returns the output dict or {"error": "<json>"}."""
    started = time.monotonic()
    should_cancel = should_cancel or (lambda: False)
    progress = ProgressReporter(sink, min_interval_sec=progress_interval_sec)
    try:
        request = parse_job_input(job.get("input") if isinstance(job, dict) else None)
        rendered = _render_and_upload(request, progress, should_cancel, started)
        log_timings(_job_id(job), rendered)
        return rendered
    except WorkerError as exc:
        log.warning(
            "job %s failed: %s: %s",
            _job_id(job),
            exc.code,
            exc.message,
            extra=fields(jobId=_job_id(job), code=exc.code),
        )
        output: dict[str, Any] = exc.to_output()
        if isinstance(exc, OutOfMemory):
            # Fragmented GPU memory can outlive the failed job: RunPod replaces this worker after it.
            output["refresh_worker"] = True
        return output
    except Exception:
        if should_cancel():
            # A cancel signal also reaches child processes (ffmpeg); what breaks then is the cancel.
            log.warning("job %s canceled", _job_id(job), exc_info=True)
            return Canceled().to_output()
        log.exception("job %s failed unexpectedly", _job_id(job))
        return InternalError("The worker hit an unexpected error while rendering.").to_output()


def _render_and_upload(
    request: JobInput, progress: ProgressReporter, should_cancel: Callable[[], bool], started: float
) -> dict[str, Any]:
    from worker.pipeline import ClipRequest, chained_frame_count, segment_count

    def check_cancel() -> None:
        if should_cancel():
            raise Canceled()

    timings = _Timings()
    progress.loading()
    with timings.stage("loading"):
        generator = get_generator()
    image = None
    if request.imageUrl:
        with timings.stage("downloading"):
            image = decode_image(download_image_bytes(request.imageUrl))
    check_cancel()

    width, height = generator.render_size(request.width, request.height)
    clip_request = ClipRequest(
        prompt=request.prompt,
        negative_prompt=request.negativePrompt,
        duration_sec=request.durationSec,
        seed=request.seed,
        width=width,
        height=height,
        image=image,
        fps=request.fps,
    )
    expected_frames = chained_frame_count(segment_count(request.durationSec))
    progress.post_render_eta_sec = POST_RENDER_FIXED_SEC + POST_RENDER_SEC_PER_FRAME * expected_frames
    clip = generator.generate(clip_request, on_progress=progress.rendering, should_cancel=should_cancel)
    timings.update(clip.timings)
    check_cancel()

    with tempfile.TemporaryDirectory(prefix="cineweave-") as tmp:
        video_path, poster_path = Path(tmp) / "clip.mp4", Path(tmp) / "poster.jpg"
        progress.muxing()
        with timings.stage("muxing"):
            encode_mp4(clip.frames, video_path, clip.fps)
            write_poster(clip.frames[0], poster_path)
        check_cancel()
        progress.uploading()
        with timings.stage("uploading"):
            try:
                upload_outputs(
                    request.output.bucket, request.output.videoKey, video_path, request.output.posterKey, poster_path
                )
            except (BotoCoreError, ClientError) as exc:
                raise InternalError(f"Uploading the result to bucket {request.output.bucket!r} failed: {exc}") from None

    elapsed = round(time.monotonic() - started, 3)
    timings["total"] = elapsed
    return {
        "videoKey": request.output.videoKey,
        "posterKey": request.output.posterKey,
        "durationSec": request.durationSec,
        "frames": int(clip.frames.shape[0]),
        "width": clip.width,
        "height": clip.height,
        "fps": clip.fps,
        "seed": request.seed,
        "timings": dict(timings),
        # Wall time this job held the worker (what RunPod bills), model load included.
        "gpuSeconds": elapsed,
    }


def _job_id(job: Any) -> str:
    if isinstance(job, dict):
        inner = job.get("input")
        if isinstance(inner, dict) and inner.get("jobId"):
            return str(inner["jobId"])
        return str(job.get("id", "?"))
    return "?"


async def handler(job: dict[str, Any]) -> dict[str, Any]:
    """RunPod serverless entry: progress goes out with runpod.serverless.progress_update.

    The render runs on a thread so the SDK's event loop stays free to hear RunPod's stop signal (a job
    canceled or past its execution timeout). The SDK then cancels this coroutine: the render is told to
    stop at its next denoising step, we wait until it has let go of the GPU, release the memory it held,
    and let the cancellation through (RunPod already shows the job as CANCELLED).
    """
    stop = threading.Event()
    render = asyncio.ensure_future(asyncio.to_thread(run_job, job, runpod_sink(job), stop.is_set))
    try:
        return await asyncio.shield(render)
    except asyncio.CancelledError:
        stop.set()
        asked = time.monotonic()
        await asyncio.wait([render])
        _release_memory()
        log.warning(
            "job %s stopped by RunPod; render let go of the GPU after %.1f s", _job_id(job), time.monotonic() - asked
        )
        raise


def _release_memory() -> None:
    from worker.pipeline import release_memory  # the model is loaded by now, so this imports nothing new

    release_memory()
