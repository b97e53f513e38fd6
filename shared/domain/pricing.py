"""Plans and prices: defined in US cents, charged in whole minor units of the settlement currency.

TrueLayer settles in GBP or EUR, so every amount charged is the US price converted with the operator's rate
and markup and rounded up to a whole minor unit (exact Decimal math).
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal


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


@dataclasses.dataclass(frozen=True)
class Exchange:
    """The operator's terms for turning US cents into the settlement currency."""

    currency: str
    minor_per_usd_cent: Decimal
    markup_percent: int

    def to_minor(self, usd_cents: int | Decimal, *, markup: bool = True) -> int:
        """US cents → minor units, rounded up; prices carry the markup, costs do not."""
        factor = Decimal(100 + self.markup_percent) / 100 if markup else Decimal(1)
        amount = Decimal(usd_cents) * self.minor_per_usd_cent * factor
        return int(amount.to_integral_value(rounding=ROUND_CEILING))


def gpu_cost_usd(gpu_seconds: float, usd_per_second: Decimal) -> float:
    """GPU seconds at the operator's price, rounded to cents."""
    cost = Decimal(str(gpu_seconds)) * usd_per_second
    return float(cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def gpu_cost_minor(gpu_seconds: float, usd_per_second: Decimal, exchange: Exchange) -> int:
    """GPU seconds at the operator's price in minor units of the settlement currency (no markup; rounded up)."""
    return exchange.to_minor(Decimal(str(gpu_seconds)) * usd_per_second * 100, markup=False)
