"""The fast tier: the domain rules and the services over the in-memory store, no emulator."""

from __future__ import annotations

import dataclasses

import pytest

from shared.adapters.auth import WebhookTokens
from shared.adapters.url_guard import ResolvingUrlGuard
from shared.config import Settings
from shared.services.credits import CreditService
from shared.services.jobs import JobService
from shared.services.lifecycle import JobLifecycle
from shared.services.moderation import ModerationService
from shared.services.sweep import Sweeper
from tests.unit.fakes import MemoryObjects, MemoryStore, RecordingQueue, ScriptedGpu
from tests.unit.moderation_fakes import MarkerSafeSearch, MarkerTextModerator, MemoryModerationRecords


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
    moderation: ModerationService
    records: MemoryModerationRecords
    text: MarkerTextModerator
    vision: MarkerSafeSearch


def build_app(*, rerun: bool = False, settings: Settings | None = None) -> App:
    settings = settings or Settings()
    store, objects, queue, gpu = MemoryStore(rerun=rerun), MemoryObjects(), RecordingQueue(), ScriptedGpu()
    tokens = WebhookTokens(settings.webhook_token_secret)
    lifecycle = JobLifecycle(store, settings, objects, gpu, tokens, queue=queue)
    records, text, vision = MemoryModerationRecords(), MarkerTextModerator(), MarkerSafeSearch()
    moderation = ModerationService(records, settings, objects, text=lambda: text, image=lambda: vision)
    return App(
        store=store,
        objects=objects,
        queue=queue,
        gpu=gpu,
        settings=settings,
        credits=CreditService(store),
        jobs=JobService(store, settings, objects, queue, gpu, moderation, url_guard=ResolvingUrlGuard(settings.env)),
        lifecycle=lifecycle,
        sweeper=Sweeper(store, lifecycle, queue, objects),
        moderation=moderation,
        records=records,
        text=text,
        vision=vision,
    )


@pytest.fixture
def app() -> App:
    return build_app(rerun=True)
