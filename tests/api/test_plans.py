"""GET /api/plans is answered from the plans in code; Firestore only gets a mirror of them, once."""

import logging

from google.api_core.exceptions import ServiceUnavailable

from shared.adapters import firestore_db


def test_plans_are_answered_from_memory_after_the_first_listing(api, services):
    first = api.get("/api/plans")
    assert first.status_code == 200
    mirror = {doc.id: doc for doc in firestore_db.plans(services.db).stream()}
    assert set(mirror) == {"starter", "creator", "studio"}
    # Change one mirrored price and drop another document: neither is read back, nor written again.
    mirror["creator"].reference.set({"priceMinor": 1}, merge=True)
    mirror["studio"].reference.delete()
    second = api.get("/api/plans")
    assert second.status_code == 200 and second.json == first.json
    assert {doc.id for doc in firestore_db.plans(services.db).stream()} == {"starter", "creator"}
    # Subscriptions price from the same plans.
    assert services.catalog.plan("creator").priceMinor == next(
        plan["priceMinor"] for plan in first.json["plans"] if plan["id"] == "creator"
    )


class FirestoreDown:
    def __getattr__(self, name):
        raise ServiceUnavailable("Firestore is down")


def test_plans_answer_while_firestore_is_down_and_the_mirror_is_tried_again(api, caplog):
    from shared import container
    from shared.config import Settings

    container.use(container.Services(Settings.from_env(), db=FirestoreDown()))
    try:
        with caplog.at_level(logging.WARNING):
            answers = [api.get("/api/plans") for _ in range(2)]
    finally:
        container.use(None)
    assert [answer.status_code for answer in answers] == [200, 200]
    assert [plan["id"] for plan in answers[0].json["plans"]] == ["starter", "creator", "studio"]
    assert sum("could not be mirrored" in record.getMessage() for record in caplog.records) == 2
