"""Plans, prices and GPU cost: exact minor-unit arithmetic from the operator's rate and markup."""

from decimal import Decimal

from shared.config import Settings
from shared.domain.pricing import PLAN_DEFINITIONS, Exchange, gpu_cost_minor, gpu_cost_usd
from shared.services.catalog import exchange


def test_gpu_cost_uses_the_operator_price_and_no_markup():
    settings = Settings(
        gpu_cost_per_second_usd=Decimal("0.002"),
        payment_markup_percent=50,
        payment_minor_per_usd_cent=Decimal("0.90"),
        payment_currency="EUR",
    )
    assert gpu_cost_usd(1234.5, settings.gpu_cost_per_second_usd) == 2.47  # $2.469
    # 246.9 cents x 0.90 = 222.21, rounded up
    assert gpu_cost_minor(1234.5, settings.gpu_cost_per_second_usd, exchange(settings)) == 223
    assert Settings.from_env({"GPU_COST_PER_SECOND_USD": "0.0005"}).gpu_cost_per_second_usd == Decimal("0.0005")
    assert Settings().gpu_cost_per_second_usd == Decimal("0.00116")


def test_prices_round_up_to_a_whole_minor_unit_and_carry_the_markup():
    gbp = Exchange("GBP", Decimal("0.80"), markup_percent=0)
    assert gbp.to_minor(1000) == 800
    assert gbp.to_minor(25) == 20
    assert Exchange("GBP", Decimal("0.79"), 0).to_minor(25) == 20  # 19.75 → 20
    assert Exchange("EUR", Decimal("0.92"), 3).to_minor(3100) == 2938  # 2937.56 → 2938
    assert Exchange("EUR", Decimal("0.92"), 3).to_minor(3100, markup=False) == 2852


def test_the_plans_are_the_product_s_plans():
    assert [(p.id, p.credits_per_month, p.price_usd_cents) for p in PLAN_DEFINITIONS] == [
        ("starter", 80, 1000),
        ("creator", 250, 3100),
        ("studio", 500, 6000),
    ]
