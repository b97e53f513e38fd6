"""Helpers of the payment suites: a TrueLayer stand-in wired into the services, paying, delivering webhooks."""

from __future__ import annotations

import json
import urllib.parse

import requests

from shared.local.truelayer_standin import TrueLayerStandIn, start_in_thread
from tests.payments.servers import WebhookReceiver

WEBHOOK_PATH = "/api/webhooks/truelayer"
CLIENT_ID, CLIENT_SECRET = "cineweave-test", "cineweave-test-client-secret"


class PaymentsHarness:
    """The stand-in plus a receiver that captures its webhooks, so tests choose when (and how often, in what
    order) each delivery reaches our function."""

    def __init__(self, keys, services):
        self.receiver = WebhookReceiver()
        self.standin = TrueLayerStandIn(
            keys,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            webhook_url=self.receiver.base_url + WEBHOOK_PATH,
            webhook_retry_delay_s=0.01,
            mandate_execution_delay_s=0.05,
        )
        self.server, base = start_in_thread(self.standin)
        services.settings = services.settings.model_copy(
            update={
                "truelayer_auth_url": base,
                "truelayer_api_url": base,
                "truelayer_hpp_url": base,
                "truelayer_client_id": CLIENT_ID,
                "truelayer_client_secret": CLIENT_SECRET,
                "truelayer_signing_key_id": keys.signing_kid,
                "truelayer_signing_private_key": keys.signing_private_pem,
                "truelayer_webhook_jkus": (self.standin.jwks_url,),
            }
        )
        self.seen = 0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.standin.close()
        self.receiver.close()

    def pay(self, redirect_url: str, decline: bool = False) -> list:
        """What the user's browser does on the Hosted Payment Page; returns the webhooks it caused."""
        page = requests.get(redirect_url.replace("#", "?", 1), timeout=10)
        assert page.status_code == 200 and "Pay now" in page.text
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(redirect_url).fragment)
        payment_id = query["payment_id"][0]
        action = "decline" if decline else "pay"
        answer = requests.post(
            f"{self.standin.public_base_url}/hpp/{payment_id}/{action}",
            data={"resource_token": query["resource_token"][0], "return_uri": query["return_uri"][0]},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 303
        return self.new_deliveries(1 if decline else 2)

    def new_deliveries(self, count: int) -> list:
        deliveries = self.receiver.wait_for(self.seen + count)
        fresh, self.seen = deliveries[self.seen :], len(deliveries)
        return fresh


def deliver(api, delivery, body: bytes | None = None, headers: dict | None = None):
    """Send a captured webhook to our function, as TrueLayer would (optionally altered)."""
    if headers is None:
        headers = {
            key: value
            for key, value in delivery.headers.items()
            if key.lower() in ("tl-signature", "x-tl-webhook-timestamp", "content-type")
        }
    return api.post(WEBHOOK_PATH, data=delivery.body if body is None else body, headers=headers)


def event_of(delivery) -> dict:
    return json.loads(delivery.body)
