"""Verified ID tokens are kept with their claims until they expire, and no longer."""

from shared.adapters.verified_tokens import VerifiedTokens


class Clock:
    def __init__(self):
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_claims_are_kept_until_the_token_expires():
    clock = Clock()
    tokens = VerifiedTokens(clock=clock)
    claims = {"uid": "u1", "exp": 1_060}
    tokens.put("token-1", claims)
    assert tokens.get("token-1") is claims
    assert tokens.get("token-2") is None
    clock.now = 1_059.5
    assert tokens.get("token-1") is claims
    clock.now = 1_060
    assert tokens.get("token-1") is None  # expired: verified (and refused) afresh


def test_the_cache_is_bounded_and_drops_expired_tokens_first():
    clock = Clock()
    tokens = VerifiedTokens(max_tokens=4, clock=clock)
    tokens.put("old", {"exp": 1_001})
    for name in ("a", "b", "c"):
        tokens.put(name, {"exp": 2_000})
    clock.now = 1_500
    tokens.put("d", {"exp": 2_000})  # full: the expired one goes
    assert [tokens.get(name) is not None for name in ("old", "a", "b", "c", "d")] == [False, True, True, True, True]
    tokens.put("e", {"exp": 2_000})  # full of valid ones: the oldest half goes
    assert [tokens.get(name) is not None for name in ("a", "b", "c", "d", "e")] == [False, False, True, True, True]
