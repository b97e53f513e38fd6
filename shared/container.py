"""The composition root: builds each adapter on first use, so a function only pays for what it touches."""

import functools

from shared.config import InvalidSettings, Settings, get_settings, settings_check
from shared.domain import errors


class Services:
    def __init__(self, settings: Settings | None = None, **overrides):
        self.settings = settings or get_settings()
        for name, value in overrides.items():
            setattr(self, name, value)  # shadows the cached_property of the same name

    @functools.cached_property
    def db(self):
        from shared.adapters import firestore_db

        return firestore_db.make_client(self.settings.project_id)

    @functools.cached_property
    def store(self):
        from shared.adapters.firestore import FirestoreStore

        return FirestoreStore(self.db)

    @functools.cached_property
    def objects(self):
        from shared.adapters import object_storage

        return object_storage.ObjectStore(object_storage.make_client(self.settings), self.settings.s3_bucket)

    @functools.cached_property
    def users(self):
        from shared.adapters.auth import UserVerifier

        return UserVerifier(self.settings.project_id, api_keys=lambda: self.api_keys)

    @functools.cached_property
    def api_keys(self):
        from shared.adapters.api_keys import FirestoreApiKeys
        from shared.services.api_keys import ApiKeyService

        return ApiKeyService(FirestoreApiKeys(self.db))

    @functools.cached_property
    def internal(self):
        from shared.adapters.auth import InternalCaller

        return InternalCaller(self.settings)

    @functools.cached_property
    def tokens(self):
        from shared.adapters.auth import WebhookTokens

        return WebhookTokens(self.settings.webhook_token_secret)

    @functools.cached_property
    def queue(self):
        from shared.adapters import queue

        s = self.settings
        if s.queue_backend == "cloud_tasks":
            if not s.tasks_queue or not s.tasks_service_account:
                raise RuntimeError("QUEUE_BACKEND=cloud_tasks needs TASKS_QUEUE and TASKS_SERVICE_ACCOUNT")
            return queue.CloudTasksQueue(
                s.tasks_queue, s.dispatch_url, s.tasks_service_account, webhook_queue_path=s.webhook_tasks_queue
            )
        return queue.LocalQueue(s.dispatch_url, s.internal_task_secret)

    @functools.cached_property
    def gpu(self):
        from shared.adapters.runpod import RunPodClient

        s = self.settings
        return RunPodClient(s.runpod_api_base, s.runpod_endpoint_id, s.runpod_api_key)

    @functools.cached_property
    def credits(self):
        from shared.services.credits import CreditService

        return CreditService(self.store)

    @functools.cached_property
    def jobs(self):
        from shared.services.jobs import JobService

        return JobService(
            self.store, self.settings, self.objects, self.queue, self.gpu, self.moderation, url_guard=self.url_guard
        )

    @functools.cached_property
    def moderation(self):
        from shared.adapters.moderation_records import FirestoreModerationRecords
        from shared.services.moderation import ModerationService

        return ModerationService(
            FirestoreModerationRecords(self.db),
            self.settings,
            self.objects,
            text=lambda: self.text_moderator,
            image=lambda: self.image_moderator,
        )

    @functools.cached_property
    def text_moderator(self):
        from shared.adapters.google_moderation import NaturalLanguageModerator

        s = self.settings
        return NaturalLanguageModerator(s.language_api_endpoint, s.moderation_timeout_sec)

    @functools.cached_property
    def image_moderator(self):
        from shared.adapters.google_moderation import VisionSafeSearch

        s = self.settings
        return VisionSafeSearch(s.vision_api_endpoint, s.moderation_timeout_sec)

    @functools.cached_property
    def lifecycle(self):
        from shared.services.lifecycle import JobLifecycle

        return JobLifecycle(self.store, self.settings, self.objects, self.gpu, self.tokens, queue=self.queue)

    @functools.cached_property
    def url_guard(self):
        from shared.adapters.url_guard import ResolvingUrlGuard

        return ResolvingUrlGuard(self.settings.env)

    @functools.cached_property
    def webhooks(self):
        from shared.adapters.webhook_secrets import FirestoreWebhookSecrets
        from shared.adapters.webhook_sender import PinnedSender
        from shared.services.webhooks import WebhookService

        secrets = FirestoreWebhookSecrets(self.db)
        return WebhookService(self.store, secrets, self.url_guard, PinnedSender(), view=lambda job: self.jobs.view(job))

    @functools.cached_property
    def sweeper(self):
        from shared.services.sweep import Sweeper

        return Sweeper(self.store, self.lifecycle, self.queue, self.objects)

    @functools.cached_property
    def uploads(self):
        from shared.services.uploads import UploadService

        return UploadService(self.objects)

    @functools.cached_property
    def admin(self):
        from shared.services.admin import AdminService

        return AdminService(self.db, self.credits, self.settings)

    @functools.cached_property
    def catalog(self):
        from shared.services.catalog import PlanCatalog

        return PlanCatalog(self.db, self.settings)

    @functools.cached_property
    def truelayer(self):
        from shared.adapters.truelayer import TrueLayerClient, TrueLayerConfig

        s = self.settings
        return TrueLayerClient(
            TrueLayerConfig(
                auth_url=s.truelayer_auth_url,
                api_url=s.truelayer_api_url,
                hpp_url=s.truelayer_hpp_url,
                client_id=s.truelayer_client_id,
                client_secret=s.truelayer_client_secret,
                signing_key_id=s.truelayer_signing_key_id,
                signing_private_key_pem=s.truelayer_signing_private_key,
                merchant_account_id=s.truelayer_merchant_account_id,
            )
        )

    @functools.cached_property
    def payments(self):
        from shared.services.payments import PaymentService

        return PaymentService(self.store, self.settings, self.catalog, self.truelayer)

    @functools.cached_property
    def payment_events(self):
        from shared.services.payment_events import PaymentEvents

        return PaymentEvents(self.store)

    @functools.cached_property
    def webhook_verifier(self):
        from shared.adapters.truelayer_webhooks import WebhookVerifier

        return WebhookVerifier(self.settings.truelayer_webhook_jkus)

    @functools.cached_property
    def renewals(self):
        from shared.services.renewals import Renewals

        return Renewals(self.store, self.settings, self.catalog, self.payments)


_current: Services | None = None


def services() -> Services:
    """The process-wide services. With settings that don't validate, every call is a 503 `unavailable` (the
    problems were logged at start): a half-configured deploy serves nothing rather than something wrong."""
    global _current
    if _current is None:
        try:
            _current = Services()
        except InvalidSettings:
            raise errors.Unavailable(
                "The service is not configured correctly; try again later.", retry_after=60
            ) from None
    return _current


def use(replacement: Services | None) -> None:
    """Swap the process-wide services (tests); None rebuilds from the environment on next use."""
    global _current
    _current = replacement


settings_check()  # at import, when the function starts: bad settings are logged then, not on the first call
