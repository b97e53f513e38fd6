"""TrueLayerClient against the running stand-in, and the stand-in's page and webhooks."""

import json
import re
import sys
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import truelayer_signing
from truelayer_signing import HttpMethod

from shared.adapters.truelayer import CreatedPayment, TrueLayerClient
from shared.adapters.truelayer_webhooks import WebhookVerifier
from shared.domain import errors
from shared.local import processes
from shared.local.truelayer_keys import LocalKeys
from tests.payments.conftest import CLIENT_SECRET, WEBHOOK_PATH

USER = {"id": "user-1", "name": "Ada Lovelace", "email": "ada@example.com"}
RETURN_URI = "http://127.0.0.1:8080/billing/return?tab=credits"


class Clock:
    def __init__(self):
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def create(client: TrueLayerClient, key: str = "idem-1", **overrides) -> CreatedPayment:
    arguments = {
        "idempotency_key": key,
        "amount_minor": 1250,
        "currency": "GBP",
        "reference": "CW-TOPUP-1",
        "user": USER,
        "metadata": {"purchase_id": "pur-1", "uid": "user-1"},
    } | overrides
    return client.create_payment(**arguments)


def payment_posts(standin) -> list:
    return [r for r in standin.captured if r.method == "POST" and r.path == "/v3/payments"]


def page_url(client: TrueLayerClient, payment: CreatedPayment) -> str:
    # TrueLayer's page takes its parameters in the fragment, which HTTP clients drop; the stand-in also
    # reads them from the query string.
    return client.hosted_payment_page_url(payment, RETURN_URI).replace("#", "?", 1)


def webhook_verifier(standin) -> WebhookVerifier:
    return WebhookVerifier([standin.jwks_url])


# --- access tokens ---------------------------------------------------------------------------------------


def test_the_token_is_cached_until_a_minute_before_it_expires(standin, tl_config):
    clock = Clock()
    client = TrueLayerClient(tl_config, clock=clock)
    first = client.access_token()
    assert client.access_token() == first
    assert standin.token_requests == 1
    token_form = parse_qs(standin.captured[0].body.decode())
    assert token_form["grant_type"] == ["client_credentials"]
    assert token_form["scope"] == ["payments recurring_payments:sweeping"]

    clock.now += 3600 - 60 - 1
    assert client.access_token() == first
    clock.now += 1
    second = client.access_token()
    assert second != first
    assert standin.token_requests == 2


def test_a_wrong_client_secret_is_unavailable_with_a_clear_message_and_no_secret(standin, tl_config):
    client = TrueLayerClient(replace(tl_config, client_secret="wrong-secret-xyz"))
    with pytest.raises(errors.Unavailable) as caught:
        create(client)
    message = caught.value.message
    assert "client credentials" in message and "invalid_client" in message
    assert "wrong-secret-xyz" not in message and CLIENT_SECRET not in message
    assert "wrong-secret-xyz" not in repr(client.config)
    assert payment_posts(standin) == []


# --- payment creation ------------------------------------------------------------------------------------


def test_create_payment_sends_a_signed_request_the_standin_accepts(standin, tl_client, tl_keys):
    payment = create(tl_client)

    assert payment.status == "authorization_required"
    assert payment.resource_token and payment.id and payment.user_id == "user-1"
    [request] = payment_posts(standin)
    body = json.loads(request.body)
    assert body == {
        "amount_in_minor": 1250,
        "currency": "GBP",
        "payment_method": {
            "type": "bank_transfer",
            "provider_selection": {"type": "user_selected"},
            "beneficiary": {
                "type": "merchant_account",
                "merchant_account_id": "merchant-account-test",
                "reference": "CW-TOPUP-1",
            },
        },
        "user": USER,
        "metadata": {"purchase_id": "pur-1", "uid": "user-1"},
    }
    assert request.headers["Idempotency-Key"] == "idem-1"
    assert request.headers["Authorization"].startswith("Bearer ")

    signature = request.headers["Tl-Signature"]
    assert truelayer_signing.extract_jws_header(signature).kid == tl_keys.signing_kid

    def verify(body_bytes: bytes, key: str) -> None:
        (
            truelayer_signing.verify_with_pem(tl_keys.signing_public_pem)
            .set_method(HttpMethod.POST)
            .set_path("/v3/payments")
            .add_headers({"Idempotency-Key": key})
            .add_required_header("Idempotency-Key")
            .set_body(body_bytes.decode())
            .verify(signature)
        )

    verify(request.body, "idem-1")
    with pytest.raises(truelayer_signing.TlSigningException):
        verify(request.body.replace(b"1250", b"1251"), "idem-1")
    with pytest.raises(truelayer_signing.TlSigningException):
        verify(request.body, "idem-2")


def test_a_mandate_payment_names_the_mandate_and_its_reference(standin, tl_client):
    payment = create(tl_client, mandate_id="mandate-7")
    assert payment.status == "authorizing"
    body = json.loads(payment_posts(standin)[0].body)
    assert body["payment_method"] == {"type": "mandate", "mandate_id": "mandate-7", "reference": "CW-TOPUP-1"}


def test_a_lost_answer_is_retried_with_the_same_key_and_body_and_makes_one_payment(standin, tl_client):
    tl_client.access_token()
    standin.fail_next(1, after_processing=True)

    payment = create(tl_client)

    posts = payment_posts(standin)
    assert len(posts) == 2
    assert {p.headers["Idempotency-Key"] for p in posts} == {"idem-1"}
    assert posts[0].body == posts[1].body
    assert len(standin.book) == 1
    assert standin.book.get(payment.id) is not None


def test_a_provider_that_stays_unavailable_ends_in_unavailable(standin, tl_client):
    tl_client.access_token()
    standin.fail_next(10)
    with pytest.raises(errors.Unavailable, match=r"unavailable .*503"):
        create(tl_client)
    assert len(payment_posts(standin)) == 4
    assert len(standin.book) == 0


def test_a_provider_that_does_not_answer_is_unavailable(tl_config):
    port = processes.free_port()
    client = TrueLayerClient(replace(tl_config, auth_url=f"http://127.0.0.1:{port}"))
    with pytest.raises(errors.Unavailable, match="did not answer"):
        client.access_token()


def test_an_expired_token_is_refreshed_once(standin, tl_client):
    tl_client.access_token()
    standin.revoke_tokens()
    payment = create(tl_client)
    assert standin.token_requests == 2
    assert len(payment_posts(standin)) == 2
    assert payment.status == "authorization_required"


def test_a_request_signed_with_the_wrong_key_is_refused(standin, tl_config, tmp_path):
    stranger = LocalKeys.load_or_create(tmp_path)
    client = TrueLayerClient(replace(tl_config, signing_private_key_pem=stranger.signing_private_pem))
    with pytest.raises(errors.Unavailable, match=r"refused to create the payment .*401 Unauthenticated"):
        create(client)
    assert len(standin.book) == 0


def test_the_same_key_with_another_body_is_refused(standin, tl_client):
    create(tl_client)
    with pytest.raises(errors.Unavailable, match="422 Idempotency-Key Reuse"):
        create(tl_client, amount_minor=999)
    assert len(standin.book) == 1


# --- hosted payment page and webhooks --------------------------------------------------------------------


def test_the_page_link_carries_the_payment_token_and_return_uri(standin, tl_client):
    payment = create(tl_client)
    url = tl_client.hosted_payment_page_url(payment, RETURN_URI)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{standin.public_base_url}/payments"
    assert parse_qs(parts.fragment) == {
        "payment_id": [payment.id],
        "resource_token": [payment.resource_token],
        "return_uri": [RETURN_URI],
    }


def test_the_page_shows_the_amount_and_two_buttons(standin, tl_client):
    payment = create(tl_client, amount_minor=123456, currency="EUR")
    page = requests.get(page_url(tl_client, payment), timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "€1,234.56" in page.text and "EUR" in page.text
    assert re.search(r"<button[^>]*>Pay now</button>", page.text)
    assert re.search(r"<button[^>]*>Decline</button>", page.text)
    assert '<html lang="en">' in page.text

    forged = requests.get(page_url(tl_client, payment).replace(payment.resource_token, "forged"), timeout=5)
    assert forged.status_code == 404 and "Pay now" not in forged.text


def test_the_fragment_link_gets_a_page_that_forwards_the_fragment(standin, tl_client):
    payment = create(tl_client)
    page = requests.get(tl_client.hosted_payment_page_url(payment, RETURN_URI), timeout=5)
    assert page.status_code == 200 and "location.hash" in page.text


def pay_or_decline(tl_client, payment: CreatedPayment, action: str, token: str | None = None):
    return requests.post(
        f"{tl_client.config.hpp_url}/hpp/{payment.id}/{action}",
        allow_redirects=False,
        data={"resource_token": token or payment.resource_token, "return_uri": RETURN_URI},
        timeout=5,
    )


def test_pay_now_sends_signed_executed_then_settled_webhooks_and_returns(standin, tl_client, webhook_receiver):
    payment = create(tl_client)
    answer = pay_or_decline(tl_client, payment, "pay")

    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/billing/return"
    assert parse_qs(location.query) == {"tab": ["credits"], "payment_id": [payment.id]}
    deliveries = webhook_receiver.deliveries
    assert [d.event["type"] for d in deliveries] == ["payment_executed", "payment_settled"]
    verifier = webhook_verifier(standin)
    for delivery in deliveries:
        assert delivery.path == WEBHOOK_PATH
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", delivery.headers["X-Tl-Webhook-Timestamp"])
        verifier.verify(delivery.method, delivery.path, delivery.headers, delivery.body)
        event = delivery.event
        assert event["payment_id"] == payment.id and event["event_version"] == 1
        assert event["metadata"] == {"purchase_id": "pur-1", "uid": "user-1"}
        assert event["payment_method"]["type"] == "bank_transfer"
    assert deliveries[0].event["event_id"] != deliveries[1].event["event_id"]
    assert "executed_at" in deliveries[0].event and "settled_at" in deliveries[1].event

    status = requests.get(
        f"{tl_client.config.api_url}/v3/payments/{payment.id}",
        timeout=5,
        headers={"Authorization": f"Bearer {tl_client.access_token()}"},
    ).json()
    assert status["status"] == "settled" and status["amount_in_minor"] == 1250

    assert pay_or_decline(tl_client, payment, "pay").status_code == 303
    assert len(webhook_receiver.deliveries) == 2  # a second click sends nothing more


def test_pay_with_a_wrong_resource_token_is_refused_and_sends_nothing(standin, tl_client, webhook_receiver):
    payment = create(tl_client)
    assert pay_or_decline(tl_client, payment, "pay", token="forged").status_code == 403
    assert webhook_receiver.deliveries == []


def test_decline_sends_payment_failed(standin, tl_client, webhook_receiver):
    payment = create(tl_client)
    answer = pay_or_decline(tl_client, payment, "decline")

    assert answer.status_code == 303 and f"payment_id={payment.id}" in answer.headers["Location"]
    [delivery] = webhook_receiver.deliveries
    webhook_verifier(standin).verify(delivery.method, delivery.path, delivery.headers, delivery.body)
    event = delivery.event
    assert event["type"] == "payment_failed" and event["payment_id"] == payment.id
    assert event["failure_stage"] == "authorizing" and event["failure_reason"] == "canceled"
    assert "failed_at" in event and event["metadata"]["purchase_id"] == "pur-1"
    assert pay_or_decline(tl_client, payment, "pay").status_code == 303
    assert len(webhook_receiver.deliveries) == 1  # a declined payment cannot be paid afterwards


def test_a_refused_delivery_is_retried(standin, tl_client, webhook_receiver):
    webhook_receiver.fail_statuses = [500]
    payment = create(tl_client)
    pay_or_decline(tl_client, payment, "pay")
    types = [d.event["type"] for d in webhook_receiver.deliveries]
    assert types == ["payment_executed", "payment_executed", "payment_settled"]


def test_a_mandate_payment_executes_without_the_page(standin, tl_client, webhook_receiver):
    payment = create(tl_client, mandate_id="mandate-7")
    deliveries = webhook_receiver.wait_for(2)
    assert [d.event["type"] for d in deliveries] == ["payment_executed", "payment_settled"]
    verifier = webhook_verifier(standin)
    for delivery in deliveries:
        verifier.verify(delivery.method, delivery.path, delivery.headers, delivery.body)
        assert delivery.event["payment_id"] == payment.id
        assert delivery.event["payment_method"] == {"type": "mandate", "mandate_id": "mandate-7"}


def test_the_mandate_helper_sends_a_signed_mandate_authorized(standin, webhook_receiver):
    answer = requests.post(
        f"{standin.public_base_url}/test/mandates/mandate-9/authorize",
        timeout=5,
        json={"metadata": {"subscription_id": "sub-1"}},
    )
    assert answer.json()["webhook_delivered"] is True
    [delivery] = webhook_receiver.deliveries
    webhook_verifier(standin).verify(delivery.method, delivery.path, delivery.headers, delivery.body)
    assert delivery.event["type"] == "mandate_authorized" and delivery.event["mandate_id"] == "mandate-9"
    assert delivery.event["metadata"] == {"subscription_id": "sub-1"}


# --- the stand-in as a process ---------------------------------------------------------------------------


def test_the_standin_runs_as_a_process_with_keys_from_its_folder(tmp_path, webhook_receiver):
    port = processes.free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "shared.local.truelayer_standin",
        "--port",
        str(port),
        "--webhook-url",
        webhook_receiver.base_url + WEBHOOK_PATH,
        "--keys-dir",
        str(tmp_path / "keys"),
        "--client-id",
        "process-client",
        "--client-secret",
        "process-secret",
        "--public-base-url",
        base,
    ]
    process = processes.spawn("TrueLayer stand-in", argv, url=base, log_path=tmp_path / "standin.log")
    try:
        processes.wait_ready(process, lambda: processes.http_ok(f"{base}/.well-known/jwks", "keys"), timeout_s=20)
        keys = LocalKeys.load_or_create(tmp_path / "keys")
        assert requests.get(f"{base}/.well-known/jwks", timeout=5).json() == keys.standin_jwks()
        token = requests.post(
            f"{base}/connect/token",
            timeout=5,
            data={"grant_type": "client_credentials", "client_id": "process-client", "client_secret": "process-secret"},
        )
        assert token.status_code == 200 and token.json()["expires_in"] == 3600
    finally:
        process.stop()
