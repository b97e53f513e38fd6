"""The fast tier: the domain rules and the services over the in-memory store, no emulator."""

from __future__ import annotations

import dataclasses

import pytest

from shared.adapters.auth import WebhookTokens
from shared.config import Settings
from shared.services.credits import CreditService
from shared.services.jobs import JobService
from shared.services.lifecycle import JobLifecycle
from shared.services.sweep import Sweeper
from tests.unit.fakes import MemoryObjects, MemoryStore, RecordingQueue, ScriptedGpu


@dataclasses.dataclass
class App:
    store: MemoryStore
    objects: MemoryObjects
    queue: RecordingQueue
    gpu: ScriptedGpu
    settings: Settings
    credits: CreditService
    jobs: JobService
    lifecycle: JobLifecycle
    sweeper: Sweeper


def build_app(*, rerun: bool = False) -> App:
    settings = Settings()
    store, objects, queue, gpu = MemoryStore(rerun=rerun), MemoryObjects(), RecordingQueue(), ScriptedGpu()
    lifecycle = JobLifecycle(store, settings, objects, gpu, WebhookTokens(settings.webhook_token_secret))
    return App(
        store=store,
        objects=objects,
        queue=queue,
        gpu=gpu,
        settings=settings,
        credits=CreditService(store),
        jobs=JobService(store, settings, objects, queue, gpu),
        lifecycle=lifecycle,
        sweeper=Sweeper(store, lifecycle, queue, objects),
    )


@pytest.fixture
def app() -> App:
    return build_app(rerun=True)
