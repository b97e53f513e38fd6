"""The security-rules tests' own Firestore emulator, loaded with firestore_rules/firestore.rules.

It runs on settings.RULES_TEST_FIRESTORE_PORT (8285, shifted by CINEWEAVE_TEST_PORT_OFFSET), starts once per
session and stops at its end. It is apart from the test session's emulator (8185, tests/conftest.py), which
runs the same rules but is only ever used with admin credentials. support.py holds the client and the data.
"""

import pytest

from firestore_rules.tests.support import Firestore
from shared.local import emulators, settings

LOG_DIR = settings.RUN_DIR / "test"


@pytest.fixture(scope="session")
def rules_emulator():
    """`127.0.0.1:8285`: a Firestore emulator of this session's own, loaded with firestore.rules."""
    process = emulators.start_firestore(settings.RULES_TEST_FIRESTORE_PORT, rules=settings.RULES_PATH, log_dir=LOG_DIR)
    try:
        yield process.url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def firestore(rules_emulator) -> Firestore:
    """The REST client, with SEED in place at the start of the session."""
    client = Firestore(rules_emulator)
    client.seed()
    yield client
    client.http.close()


@pytest.fixture
def reseed_after(firestore):
    """For tests that try to write: should a write get through, the next test still starts from SEED."""
    yield firestore
    firestore.seed()
