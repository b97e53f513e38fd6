"""The plan catalog: the plans from `shared.domain.pricing`, priced in the settlement currency, the top-up
terms, and what a create-job request may ask for.

The plans are defined in code, so they are answered from memory. The `plans` collection in Firestore is a
mirror of them, written once per process on the first listing; nothing reads it back.
"""

from __future__ import annotations

import threading
from typing import Any

from google.cloud import firestore

from shared.adapters import firestore_db
from shared.config import Settings
from shared.domain import errors, responses
from shared.domain.contract import (
    ASPECT_RATIOS,
    DURATIONS_SEC,
    MAX_SEED,
    PROMPT_MAX_CHARS,
    UPLOAD_MAX_BYTES,
    UPLOAD_TYPES,
)
from shared.domain.credits import credits_for
from shared.domain.pricing import CREDIT_POLICY, PLAN_DEFINITIONS, TOPUP_USD_CENTS_PER_CREDIT, Exchange, PlanDefinition
from shared.log import get_logger

log = get_logger("catalog")


def exchange(settings: Settings) -> Exchange:
    return Exchange(settings.payment_currency, settings.payment_minor_per_usd_cent, settings.payment_markup_percent)


def job_limits(settings: Settings) -> responses.JobLimits:
    """What a create-job request may ask for, so a client can validate before sending."""
    return responses.JobLimits(
        promptMaxChars=PROMPT_MAX_CHARS,
        durations=[
            responses.DurationPrice(durationSec=seconds, credits=credits_for(seconds)) for seconds in DURATIONS_SEC
        ],
        aspectRatios=list(ASPECT_RATIOS),
        maxActiveJobs=settings.max_active_jobs,
        upload=responses.UploadLimits(contentTypes=sorted(UPLOAD_TYPES), maxBytes=UPLOAD_MAX_BYTES),
        videoTtlHours=settings.video_ttl_hours,
        maxSeed=MAX_SEED,
    )


def plan_document(plan: PlanDefinition, settings: Settings) -> dict[str, Any]:
    return {
        "name": plan.name,
        "creditsPerMonth": plan.credits_per_month,
        "priceUsdCents": plan.price_usd_cents,
        "priceMinor": exchange(settings).to_minor(plan.price_usd_cents),
        "currency": settings.payment_currency,
    }


class PlanCatalog:
    def __init__(self, db: firestore.Client, settings: Settings):
        self.db, self.settings = db, settings
        # Settings do not change in a process, so neither do the priced plans.
        self._plans = tuple(
            responses.PlanView(id=plan.id, **plan_document(plan, settings)) for plan in PLAN_DEFINITIONS
        )
        self._mirrored = False
        self._mirroring = threading.Lock()

    def seed(self) -> None:
        """Write the plans from code (idempotent: a document that already matches is left alone)."""
        refs = [firestore_db.plans(self.db).document(plan.id) for plan in PLAN_DEFINITIONS]
        current = {snap.id: snap for snap in self.db.get_all(refs)}  # one round trip for all of them
        for plan, ref in zip(PLAN_DEFINITIONS, refs, strict=True):
            wanted = plan_document(plan, self.settings)
            snap = current.get(plan.id)
            if snap is None or not snap.exists or snap.to_dict() != wanted:
                ref.set(wanted)

    def mirror_once(self) -> None:
        """Seed the Firestore mirror the first time this process lists the plans. A failure only logs: the
        answer does not depend on it, and the next listing tries again. Concurrent first listings do not wait."""
        if self._mirrored or not self._mirroring.acquire(blocking=False):
            return
        try:
            self.seed()
            self._mirrored = True
        except Exception:
            log.warning("the plans could not be mirrored to Firestore; the next listing tries again", exc_info=True)
        finally:
            self._mirroring.release()

    def plans(self) -> list[responses.PlanView]:
        return [plan.model_copy() for plan in self._plans]

    def plan(self, plan_id: str) -> responses.PlanView:
        for plan in self.plans():
            if plan.id == plan_id:
                return plan
        known = ", ".join(plan.id for plan in PLAN_DEFINITIONS)
        raise errors.InvalidArgument(f"Unknown plan {plan_id!r}; choose one of {known}.", field="planId")

    def topup_terms(self) -> responses.TopupTerms:
        s = self.settings
        return responses.TopupTerms(
            priceMinorPerCredit=exchange(s).to_minor(TOPUP_USD_CENTS_PER_CREDIT),
            currency=s.payment_currency,
            usdCentsPerCredit=TOPUP_USD_CENTS_PER_CREDIT,
            minCredits=s.topup_min_credits,
            maxCredits=s.topup_max_credits,
        )

    def topup_amount(self, credits: int) -> int:
        """The price of `credits` top-up credits in minor units; refuses amounts outside the limits."""
        terms = self.topup_terms()
        if not terms.minCredits <= credits <= terms.maxCredits:
            raise errors.InvalidArgument(
                f"Top-ups are between {terms.minCredits} and {terms.maxCredits} credits.", field="credits"
            )
        return credits * terms.priceMinorPerCredit

    def listing(self) -> responses.PlanListing:
        self.mirror_once()
        return responses.PlanListing(
            plans=self.plans(),
            topup=self.topup_terms(),
            creditPolicy=CREDIT_POLICY,
            jobLimits=job_limits(self.settings),
            paymentsEnabled=self.settings.payments_configured,
        )
