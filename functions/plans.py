"""GET /api/plans — the public plan list."""

import functions_framework

from shared.http import Endpoint, json_response
from shared.models import PLANS, TOPUP_USD_CENTS_PER_CREDIT

endpoint = Endpoint("plans")


@endpoint.route("/api/plans")
def listing(request):
    return json_response({
        "plans": [plan.model_dump() for plan in PLANS],
        "topup": {"usdCentsPerCredit": TOPUP_USD_CENTS_PER_CREDIT},
    })


@functions_framework.http
def plans(request):
    return endpoint(request)
