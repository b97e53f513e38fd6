"""Who is calling: Firebase ID tokens for users, OIDC (or the local secret) for internal calls, and the
per-job token that RunPod webhooks carry."""

import dataclasses
import hmac
import time
from collections.abc import Callable
from typing import Protocol

import flask
import jwt

from shared.adapters.verified_tokens import VerifiedTokens
from shared.config import Settings
from shared.domain import errors
from shared.domain.api_keys import ApiKey, is_api_key
from shared.log import bind

WEBHOOK_AUDIENCE = "cineweave-runpod-webhook"


@dataclasses.dataclass(frozen=True)
class User:
    uid: str
    email: str | None
    admin: bool
    api_key_id: str | None = None  # set when the caller used an API key rather than an ID token


class KeyAuthenticator(Protocol):
    def authenticate(self, secret: str) -> ApiKey: ...


def bearer_token(request: flask.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthenticated("Sign in first: send 'Authorization: Bearer <ID token or API key>'.")
    return token.strip()


class UserVerifier:
    """Verifies Firebase ID tokens with firebase-admin (the Auth emulator when FIREBASE_AUTH_EMULATOR_HOST is set),
    and API keys (`cw_…`) on the routes that take them."""

    def __init__(self, project_id: str, api_keys: Callable[[], KeyAuthenticator] | None = None):
        import firebase_admin

        self._api_keys = api_keys
        self._verified = VerifiedTokens()
        try:
            self.app = firebase_admin.get_app("cineweave")
        except ValueError:
            self.app = firebase_admin.initialize_app(options={"projectId": project_id}, name="cineweave")

    def verify(self, token: str) -> User:
        from firebase_admin import auth

        claims = self._verified.get(token)
        if claims is None:
            try:
                claims = auth.verify_id_token(token, app=self.app)
            except (auth.ExpiredIdTokenError, auth.RevokedIdTokenError):
                raise errors.Unauthenticated("Your session has expired; sign in again.") from None
            except (auth.InvalidIdTokenError, ValueError):
                raise errors.Unauthenticated("The ID token is not valid.") from None
            # The emulator path of firebase-admin skips the expiry check; enforce it everywhere. Kept claims
            # are not checked again: the cache drops them at their expiry.
            if int(claims.get("exp", 0)) <= time.time():
                raise errors.Unauthenticated("Your session has expired; sign in again.")
            self._verified.put(token, claims)
        return User(uid=claims["uid"], email=claims.get("email"), admin=claims.get("admin") is True)

    def user(self, request: flask.Request, *, api_keys: bool = True) -> User:
        """The caller; with `api_keys=False` (managing keys, admin routes) only an ID token will do. The rest of
        the request's log lines carry their uid."""
        user = self._caller(bearer_token(request), api_keys)
        bind(uid=user.uid)
        return user

    def _caller(self, token: str, api_keys: bool) -> User:
        if not is_api_key(token):
            return self.verify(token)
        if not api_keys or self._api_keys is None:
            raise errors.Forbidden("API keys cannot be used here; sign in with your account's ID token.")
        key = self._api_keys().authenticate(token)
        return User(uid=key.uid, email=key.email, admin=False, api_key_id=key.id)

    def admin(self, request: flask.Request) -> User:
        user = self.user(request, api_keys=False)
        if not user.admin:
            raise errors.Forbidden("This needs an administrator account.")
        return user


class InternalCaller:
    """Cloud Tasks and Cloud Scheduler sign their calls with OIDC; the local stack uses a shared secret."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def check(self, request: flask.Request) -> None:
        token = bearer_token(request)
        if self.settings.env != "production":
            if not hmac.compare_digest(token.encode(), self.settings.internal_task_secret.encode()):
                raise errors.Unauthenticated("Internal calls need the task secret.")
            return
        from google.auth.transport import requests as google_requests
        from google.oauth2 import id_token

        try:
            claims = id_token.verify_oauth2_token(
                token, google_requests.Request(), audience=self.settings.internal_audience
            )
        except ValueError:
            raise errors.Unauthenticated("The OIDC token is not valid.") from None
        if claims.get("email") not in self.settings.internal_invokers or not claims.get("email_verified"):
            raise errors.Forbidden("This caller may not invoke internal functions.")


class WebhookTokens:
    """A short HS256 token per job, carried in the webhook URL RunPod calls back (RunPod does not sign)."""

    def __init__(self, secret: str):
        self.secret = secret

    def issue(self, job_id: str, ttl_sec: int) -> str:
        now = int(time.time())
        claims = {"sub": job_id, "aud": WEBHOOK_AUDIENCE, "iat": now, "exp": now + ttl_sec}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def job_id(self, token: str | None) -> str:
        if not token:
            raise errors.Unauthenticated("The webhook token is missing.")
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], audience=WEBHOOK_AUDIENCE)
        except jwt.PyJWTError:
            raise errors.Unauthenticated("The webhook token is not valid.") from None
        return claims["sub"]
