"""Key pairs of the local TrueLayer set-up, kept as PEM files so that restarts keep them.

Two EC P-521 pairs: ours, which signs our API requests (TrueLayer holds its public half, registered under
SIGNING_KID), and the stand-in's, which signs the webhooks it sends and is published as a JWKS.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import truelayer_signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from truelayer_signing import HttpMethod

# Matches the default TRUELAYER_SIGNING_KEY_ID of the local settings.
SIGNING_KID = "cineweave-local-signing-key"
SIGNING_KEY_FILE = "request-signing-key.pem"
STANDIN_KEY_FILE = "standin-webhook-key.pem"
WEBHOOK_TIMESTAMP_HEADER = "X-Tl-Webhook-Timestamp"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _load_or_create_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    if not path.exists():
        pem = ec.generate_private_key(ec.SECP521R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            # O_EXCL: when two processes start together, the first file written wins and both read it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP521R1):
        raise ValueError(f"{path} does not hold an EC P-521 private key")
    return key


def _private_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _public_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_jwk(public_pem: str, kid: str | None = None) -> dict[str, str]:
    """The P-521 public key as a JWK; without `kid`, its RFC 7638 thumbprint is the kid."""
    public_key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise ValueError("the PEM does not hold an EC public key")
    numbers = public_key.public_numbers()
    size = (public_key.curve.key_size + 7) // 8
    members = {
        "crv": "P-521",
        "kty": "EC",
        "x": _b64url(numbers.x.to_bytes(size, "big")),
        "y": _b64url(numbers.y.to_bytes(size, "big")),
    }
    if kid is None:
        canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
        kid = _b64url(hashlib.sha256(canonical).digest())
    return {"kid": kid, **members, "alg": "ES512", "use": "sig"}


@dataclass(frozen=True)
class LocalKeys:
    signing_private_pem: str  # ours: signs requests to TrueLayer
    signing_public_pem: str
    signing_kid: str
    standin_private_pem: str  # the stand-in's: signs webhooks
    standin_public_pem: str

    @classmethod
    def load_or_create(cls, folder: Path | str, signing_kid: str = SIGNING_KID) -> "LocalKeys":
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        signing = _load_or_create_private_key(folder / SIGNING_KEY_FILE)
        standin = _load_or_create_private_key(folder / STANDIN_KEY_FILE)
        return cls(
            signing_private_pem=_private_pem(signing),
            signing_public_pem=_public_pem(signing),
            signing_kid=signing_kid,
            standin_private_pem=_private_pem(standin),
            standin_public_pem=_public_pem(standin),
        )

    @property
    def standin_kid(self) -> str:
        # Derived from the key, so a regenerated key gets a new kid and verifiers fetch the JWKS again.
        return self.standin_jwk()["kid"]

    def standin_jwk(self) -> dict[str, str]:
        return public_jwk(self.standin_public_pem)

    def standin_jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.standin_jwk()]}

    def sign_webhook(self, body: bytes, path: str, *, jku: str, timestamp: str) -> dict[str, str]:
        """Headers for a webhook delivery of `body` to `path`, signed the way TrueLayer signs them."""
        signature = (
            truelayer_signing.sign_with_pem(self.standin_kid, self.standin_private_pem)
            .set_jku(jku)
            .set_method(HttpMethod.POST)
            .set_path(path)
            .add_header(WEBHOOK_TIMESTAMP_HEADER, timestamp)
            .set_body(body.decode("utf-8"))
            .sign()
        )
        return {"Tl-Signature": signature, WEBHOOK_TIMESTAMP_HEADER: timestamp, "Content-Type": "application/json"}
