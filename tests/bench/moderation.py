"""What content safety adds to a create: the blocklist on the CPU, and a screened create against the stand-ins.

    python -m tests.bench.moderation [--terms 1000] [--repeat 200]

Prints the blocklist's time per prompt (a 2000-character prompt against N operator terms) and the median
and p95 of `ModerationService.screen` for a text-only request, with the real Natural Language client
talking to the local stand-in over HTTP (started here, on a free port). No emulator is needed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
import timeit

from shared.adapters.google_moderation import NaturalLanguageModerator
from shared.config import Settings
from shared.domain.moderation import Blocklist
from shared.domain.requests import CreateJobRequest
from shared.local.moderation_standins import serve
from shared.local.processes import free_port
from shared.services.moderation import ModerationService
from tests.unit.fakes import MemoryObjects
from tests.unit.moderation_fakes import MemoryModerationRecords


def random_words(rng: random.Random, count: int, alphabet: str) -> list[str]:
    return ["".join(rng.choices(alphabet, k=rng.randint(3, 10))) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)

    blocklist = Blocklist(random_words(rng, args.terms, string.ascii_lowercase))
    prompt = " ".join(random_words(rng, 400, string.ascii_letters + "-.0@"))[:2000]
    loops = 200
    per_prompt = min(timeit.repeat(lambda: blocklist.matches(prompt), number=loops, repeat=5)) / loops

    port = free_port()
    server = serve("language", "127.0.0.1", port)
    settings = Settings(language_api_endpoint=f"http://127.0.0.1:{port}")
    text = NaturalLanguageModerator(settings.language_api_endpoint, settings.moderation_timeout_sec)
    service = ModerationService(
        MemoryModerationRecords(),
        settings,
        MemoryObjects(),
        text=lambda: text,
        image=lambda: None,  # type: ignore[arg-type,return-value]
    )
    request = CreateJobRequest(prompt=prompt, durationSec=5)
    service.screen("bench", None, request, "warm-up", None)
    timings = []
    for n in range(args.repeat):
        began = time.perf_counter()
        service.screen("bench", None, request, f"r{n}", None)
        timings.append((time.perf_counter() - began) * 1000)
    server.shutdown()
    timings.sort()
    print(f"blocklist, {args.terms} terms, 2000-character prompt: {per_prompt * 1e6:.0f} µs per prompt")
    print(
        f"screen (blocklist + moderateText via the stand-in), {args.repeat} runs: "
        f"median {statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
