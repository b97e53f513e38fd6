"""WebhookVerifier against real signatures: the stand-in's key, JWKS fetched over HTTP, forgeries refused."""

import base64
import json

import pytest
import truelayer_signing
from truelayer_signing import HttpMethod

from shared.adapters.truelayer_webhooks import WebhookVerifier
from shared.domain import errors
from shared.local.truelayer_keys import LocalKeys
from tests.payments.servers import JwksHost

PATH = "/api/webhooks/truelayer"
TIMESTAMP = "2024-05-18T10:17:47Z"
BODY = json.dumps(
    {
        "type": "payment_executed",
        "event_version": 1,
        "event_id": "e-1",
        "payment_id": "p-1",
        "metadata": {"order": "o-1"},
    }
).encode()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def jwks_host(tl_keys):
    host = JwksHost(tl_keys.standin_jwks())
    yield host
    host.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def verifier(jwks_host, clock):
    return WebhookVerifier([jwks_host.jwks_url], clock=clock)


def signed(keys: LocalKeys, jku: str, body: bytes = BODY, path: str = PATH) -> dict[str, str]:
    return keys.sign_webhook(body, path, jku=jku, timestamp=TIMESTAMP)


def test_a_webhook_signed_by_the_running_standin_verifies_with_its_jwks(standin):
    headers = standin.sign_webhook(BODY, PATH)
    header = truelayer_signing.extract_jws_header(headers["Tl-Signature"])
    assert header.jku == standin.jwks_url and header.kid == standin.keys.standin_kid
    assert "X-Tl-Webhook-Timestamp" in header.tl_headers.split(",")

    WebhookVerifier([standin.jwks_url]).verify("POST", PATH, headers, BODY)


def test_header_names_are_matched_without_regard_to_case(verifier, jwks_host, tl_keys):
    headers = {name.lower(): value for name, value in signed(tl_keys, jwks_host.jwks_url).items()}
    verifier.verify("post", PATH, headers, BODY)


@pytest.mark.parametrize("change", ["body", "path", "method", "timestamp"])
def test_any_change_to_what_was_signed_is_refused(verifier, jwks_host, tl_keys, change):
    headers = signed(tl_keys, jwks_host.jwks_url)
    body, path, method = BODY, PATH, "POST"
    if change == "body":
        body = BODY.replace(b"p-1", b"p-2")
    elif change == "path":
        path = "/api/webhooks/other"
    elif change == "method":
        method = "PUT"
    else:
        headers["X-Tl-Webhook-Timestamp"] = "2024-05-18T10:17:48Z"
    with pytest.raises(errors.Unauthenticated, match="does not match"):
        verifier.verify(method, path, headers, body)
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)  # the unchanged one passes


@pytest.mark.parametrize(
    "jku_of",
    [
        lambda url: url.replace("127.0.0.1", "localhost"),
        lambda url: url + "?",
        lambda url: url + "/",
        lambda url: None,
    ],
)
def test_a_jku_off_the_allow_list_is_refused_without_fetching_it(verifier, jwks_host, tl_keys, jku_of):
    jku = jku_of(jwks_host.jwks_url)
    if jku is None:
        signature = (
            truelayer_signing.sign_with_pem(tl_keys.standin_kid, tl_keys.standin_private_pem)
            .set_method(HttpMethod.POST)
            .set_path(PATH)
            .set_body(BODY.decode())
            .sign()
        )
        headers = {"Tl-Signature": signature}
    else:
        headers = signed(tl_keys, jku)
    with pytest.raises(errors.Unauthenticated, match="not an allowed"):
        verifier.verify("POST", PATH, headers, BODY)
    assert jwks_host.fetches == 0


def test_a_key_set_without_the_kid_is_refused(jwks_host, clock, tl_keys, tmp_path):
    other = LocalKeys.load_or_create(tmp_path)
    jwks_host.jwks = other.standin_jwks()
    verifier = WebhookVerifier([jwks_host.jwks_url], clock=clock)
    with pytest.raises(errors.Unauthenticated, match="unknown key"):
        verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)


def test_a_signature_by_another_key_under_the_published_kid_is_refused(verifier, jwks_host, tl_keys, tmp_path):
    forger = LocalKeys.load_or_create(tmp_path)
    signature = (
        truelayer_signing.sign_with_pem(tl_keys.standin_kid, forger.standin_private_pem)
        .set_jku(jwks_host.jwks_url)
        .set_method(HttpMethod.POST)
        .set_path(PATH)
        .add_header("X-Tl-Webhook-Timestamp", TIMESTAMP)
        .set_body(BODY.decode())
        .sign()
    )
    headers = {"Tl-Signature": signature, "X-Tl-Webhook-Timestamp": TIMESTAMP}
    with pytest.raises(errors.Unauthenticated, match="does not match"):
        verifier.verify("POST", PATH, headers, BODY)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "garbage",
        "not..base64!!",
        _b64(b"not json") + "..c2ln",
        _b64(b"[1, 2]") + "..c2ln",
        _b64(json.dumps({"alg": "none", "kid": "k", "tl_version": "2", "tl_headers": ""}).encode()) + "..c2ln",
        _b64(json.dumps({"alg": "ES512", "kid": "k", "tl_version": "2", "tl_headers": "", "x": 1}).encode()) + "..",
    ],
)
def test_a_missing_or_garbage_signature_header_is_refused(verifier, jwks_host, signature):
    headers = {} if signature is None else {"Tl-Signature": signature}
    with pytest.raises(errors.Unauthenticated):
        verifier.verify("POST", PATH, headers, BODY)
    assert jwks_host.fetches == 0


def test_a_body_that_is_not_utf8_is_refused(verifier, jwks_host, tl_keys):
    with pytest.raises(errors.Unauthenticated):
        verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), b"\xff\xfe")


def test_the_key_set_is_fetched_once_and_cached_until_the_ttl(verifier, jwks_host, tl_keys, clock):
    for _ in range(3):
        verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 1

    clock.now += 599
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 1
    clock.now += 2
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 2


def test_an_unknown_kid_refetches_at_most_once_per_30_seconds(verifier, jwks_host, tl_keys, clock, tmp_path):
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    stranger = LocalKeys.load_or_create(tmp_path)

    clock.now += 100
    for _ in range(3):
        with pytest.raises(errors.Unauthenticated, match="unknown key"):
            verifier.verify("POST", PATH, signed(stranger, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 2

    clock.now += 29
    with pytest.raises(errors.Unauthenticated):
        verifier.verify("POST", PATH, signed(stranger, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 2
    clock.now += 1
    with pytest.raises(errors.Unauthenticated):
        verifier.verify("POST", PATH, signed(stranger, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 3


def test_a_rotated_key_is_picked_up_by_the_unknown_kid_refetch(verifier, jwks_host, tl_keys, clock, tmp_path):
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    rotated = LocalKeys.load_or_create(tmp_path)
    jwks_host.jwks = {"keys": [tl_keys.standin_jwk(), rotated.standin_jwk()]}

    clock.now += 31
    verifier.verify("POST", PATH, signed(rotated, jwks_host.jwks_url), BODY)
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 2


def test_a_key_set_that_cannot_be_fetched_is_refused_and_not_cached(verifier, jwks_host, tl_keys):
    jwks_host.status = 500
    with pytest.raises(errors.Unauthenticated, match="could not be fetched"):
        verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    jwks_host.status = 200
    verifier.verify("POST", PATH, signed(tl_keys, jwks_host.jwks_url), BODY)
    assert jwks_host.fetches == 2
