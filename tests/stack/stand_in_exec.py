"""A stand-in for `python -m worker.local_exec` that speaks the same protocol, for the GPU runner's tests.

Reads one RunPod job JSON on stdin; `input.mode` picks what it does:
  "succeed" (default): `input.steps` progress lines, `input.stepSec` apart, then an output echoing the job;
  "fail": a worker-shaped error result;  "crash": exits 3 without a result;  "hang": sleeps until killed.
"""

import json
import sys
import time


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    job = json.loads(sys.stdin.read())
    job_input = job["input"]
    mode = job_input.get("mode", "succeed")
    steps = int(job_input.get("steps", 3))
    step_s = float(job_input.get("stepSec", 0.05))
    print(f"stand-in exec: job {job['id']} mode {mode}", file=sys.stderr)
    if mode == "hang":
        emit({"type": "progress", "data": {"stage": "loading", "progress": 0.0, "etaSec": None}})
        time.sleep(3600)
    if mode == "crash":
        sys.exit(3)
    if mode == "fail":
        emit({"type": "result", "error": json.dumps({"code": "invalid_input", "message": "stand-in failure"})})
        return
    for step in range(1, steps + 1):
        emit({"type": "progress", "data": {"stage": "denoising", "progress": step / (steps + 1), "etaSec": 1}})
        time.sleep(step_s)
    print("this line is not JSON and is only logged")
    emit(
        {
            "type": "result",
            "output": {"videoKey": f"videos/{job['id']}.mp4", "jobId": job_input.get("jobId"), "steps": steps},
        }
    )


if __name__ == "__main__":
    main()
