"""Fixtures for the TrueLayer adapter suites: keys, a running stand-in and a webhook receiver."""

import pytest

from shared.adapters.truelayer import TrueLayerClient, TrueLayerConfig
from shared.local.truelayer_keys import LocalKeys
from shared.local.truelayer_standin import TrueLayerStandIn, start_in_thread
from tests.payments.servers import WebhookReceiver

CLIENT_ID = "test-client"
CLIENT_SECRET = "test-client-secret-value"
WEBHOOK_PATH = "/api/webhooks/truelayer"


@pytest.fixture(scope="session")
def tl_keys(tmp_path_factory) -> LocalKeys:
    return LocalKeys.load_or_create(tmp_path_factory.mktemp("truelayer-keys"))


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def standin(tl_keys, webhook_receiver):
    app = TrueLayerStandIn(
        tl_keys,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        webhook_url=webhook_receiver.base_url + WEBHOOK_PATH,
        webhook_retry_delay_s=0.01,
        mandate_execution_delay_s=0.05,
    )
    server, _ = start_in_thread(app)
    yield app
    server.shutdown()
    server.server_close()
    app.close()


@pytest.fixture
def tl_config(standin, tl_keys) -> TrueLayerConfig:
    return TrueLayerConfig(
        auth_url=standin.public_base_url,
        api_url=standin.public_base_url,
        hpp_url=standin.public_base_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        signing_key_id=tl_keys.signing_kid,
        signing_private_key_pem=tl_keys.signing_private_pem,
        merchant_account_id="merchant-account-test",
    )


@pytest.fixture
def tl_client(tl_config) -> TrueLayerClient:
    return TrueLayerClient(tl_config)
