"""The plan catalog: the plans from `shared.domain.pricing`, seeded into the `plans` collection and priced in
the settlement currency, the top-up terms, and what a create-job request may ask for."""

from __future__ import annotations

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

    def seed(self) -> None:
        """Write the plans from code (idempotent: a document that already matches is left alone)."""
        for plan in PLAN_DEFINITIONS:
            ref = firestore_db.plans(self.db).document(plan.id)
            wanted = plan_document(plan, self.settings)
            current = ref.get()
            if not current.exists or current.to_dict() != wanted:
                ref.set(wanted)

    def plans(self) -> list[responses.PlanView]:
        docs = {doc.id: doc.to_dict() for doc in firestore_db.plans(self.db).stream()}
        if set(docs) != {plan.id for plan in PLAN_DEFINITIONS}:
            self.seed()
            docs = {doc.id: doc.to_dict() for doc in firestore_db.plans(self.db).stream()}
        order = [plan.id for plan in PLAN_DEFINITIONS]
        return [responses.PlanView(id=plan_id, **docs[plan_id]) for plan_id in order if plan_id in docs]

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
        return responses.PlanListing(
            plans=self.plans(),
            topup=self.topup_terms(),
            creditPolicy=CREDIT_POLICY,
            jobLimits=job_limits(self.settings),
            paymentsEnabled=self.settings.payments_configured,
        )
