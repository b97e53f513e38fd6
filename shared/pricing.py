"""Plans and prices: one definition in code, seeded into the `plans` collection, charged in minor units.

Plans are priced in US cents; TrueLayer settles in GBP or EUR, so every amount we charge is the US price
converted with the configured rate and markup and rounded up to a whole minor unit (exact Decimal math).
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_CEILING, Decimal

from google.cloud import firestore

from shared import errors, store
from shared.config import Settings
from shared.models import CLIP_SIZES, DURATIONS_SEC, IMAGE_TYPES, MAX_SEED, credits_for


@dataclasses.dataclass(frozen=True)
class PlanDefinition:
    id: str
    name: str
    credits_per_month: int
    price_usd_cents: int


PLAN_DEFINITIONS = (
    PlanDefinition("starter", "Starter", 80, 1000),
    PlanDefinition("creator", "Creator", 250, 3100),
    PlanDefinition("studio", "Studio", 500, 6000),
)
TOPUP_USD_CENTS_PER_CREDIT = 25
# Unused plan credits roll over: a renewal adds the new month's credits to whatever is left, and nothing
# ever expires. One balance, no expiry ledger entries, nothing a creator paid for is taken back.
CREDIT_POLICY = "Unused credits roll over: each renewal adds the plan's credits to your balance; credits never expire."


def to_minor(usd_cents: int | Decimal, settings: Settings, *, markup: bool = True) -> int:
    """US cents → minor units of the settlement currency, rounded up; prices carry the markup, costs do not."""
    factor = Decimal(100 + settings.payment_markup_percent) / 100 if markup else Decimal(1)
    amount = Decimal(usd_cents) * settings.payment_minor_per_usd_cent * factor
    return int(amount.to_integral_value(rounding=ROUND_CEILING))


def job_limits(settings: Settings) -> dict:
    """What a create-job request may ask for, so a client can validate before sending."""
    return {
        "promptMaxChars": settings.prompt_max_chars,
        "durations": [{"durationSec": seconds, "credits": credits_for(seconds)} for seconds in DURATIONS_SEC],
        "aspectRatios": list(CLIP_SIZES),
        "maxActiveJobs": settings.max_active_jobs,
        "upload": {"contentTypes": sorted(IMAGE_TYPES), "maxBytes": settings.upload_max_bytes},
        "videoTtlHours": settings.video_ttl_hours,
        "maxSeed": MAX_SEED,
    }


def plan_document(plan: PlanDefinition, settings: Settings) -> dict:
    return {
        "name": plan.name,
        "creditsPerMonth": plan.credits_per_month,
        "priceUsdCents": plan.price_usd_cents,
        "priceMinor": to_minor(plan.price_usd_cents, settings),
        "currency": settings.payment_currency,
    }


class PlanCatalog:
    def __init__(self, db: firestore.Client, settings: Settings):
        self.db, self.settings = db, settings

    def seed(self) -> None:
        """Write the plans from code (idempotent: a document that already matches is left alone)."""
        for plan in PLAN_DEFINITIONS:
            ref = store.plans(self.db).document(plan.id)
            wanted = plan_document(plan, self.settings)
            current = ref.get()
            if not current.exists or current.to_dict() != wanted:
                ref.set(wanted)

    def plans(self) -> list[dict]:
        docs = {doc.id: doc.to_dict() for doc in store.plans(self.db).stream()}
        if set(docs) != {plan.id for plan in PLAN_DEFINITIONS}:
            self.seed()
            docs = {doc.id: doc.to_dict() for doc in store.plans(self.db).stream()}
        order = [plan.id for plan in PLAN_DEFINITIONS]
        return [{"id": plan_id, **docs[plan_id]} for plan_id in order if plan_id in docs]

    def plan(self, plan_id: str) -> dict:
        for plan in self.plans():
            if plan["id"] == plan_id:
                return plan
        known = ", ".join(plan.id for plan in PLAN_DEFINITIONS)
        raise errors.InvalidArgument(f"Unknown plan {plan_id!r}; choose one of {known}.", field="planId")

    def topup_terms(self) -> dict:
        s = self.settings
        return {
            "priceMinorPerCredit": to_minor(TOPUP_USD_CENTS_PER_CREDIT, s),
            "currency": s.payment_currency,
            "usdCentsPerCredit": TOPUP_USD_CENTS_PER_CREDIT,
            "minCredits": s.topup_min_credits,
            "maxCredits": s.topup_max_credits,
        }

    def topup_amount(self, credits: int) -> int:
        """The price of `credits` top-up credits in minor units; refuses amounts outside the limits."""
        terms = self.topup_terms()
        if not terms["minCredits"] <= credits <= terms["maxCredits"]:
            raise errors.InvalidArgument(
                f"Top-ups are between {terms['minCredits']} and {terms['maxCredits']} credits.", field="credits"
            )
        return credits * terms["priceMinorPerCredit"]

    def listing(self) -> dict:
        return {
            "plans": self.plans(),
            "topup": self.topup_terms(),
            "creditPolicy": CREDIT_POLICY,
            "jobLimits": job_limits(self.settings),
            "paymentsEnabled": self.settings.payments_configured,
        }
