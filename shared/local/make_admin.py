"""Make a local user an admin, and optionally grant them credits (local stack only).

    python -m shared.local.make_admin EMAIL [--credits N]

Sets the custom claim `admin: true` through the Auth emulator. With --credits it then signs in as the
user (the emulator allows it without a password) and calls POST /api/admin/users/{uid}/credits, so the
grant is an ordinary admin adjustment with a ledger entry. Sign in again afterwards: ID tokens issued
before the change do not carry the claim.
"""

import argparse
import os
import sys

import requests

from shared.local import settings
from shared.local.auth_emulator import AuthEmulatorError, find_uid, set_custom_claims, sign_in_as


def grant_credits(api_base: str, id_token: str, uid: str, credits: int, reason: str) -> dict:
    response = requests.post(
        f"{api_base}/api/admin/users/{uid}/credits",
        json={"delta": credits, "reason": reason},
        headers={"Authorization": f"Bearer {id_token}"},
        timeout=30,
    )
    if not response.ok:
        raise RuntimeError(f"credit grant answered {response.status_code}: {response.text}")
    return response.json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Give a local user the admin claim (and credits).")
    parser.add_argument("email")
    parser.add_argument("--credits", type=int, default=0, help="credits to grant through the admin API")
    parser.add_argument("--reason", default="local grant (make_admin)")
    args = parser.parse_args(argv)
    if os.environ.get("CINEWEAVE_ENV") == "production":
        print("make_admin only talks to the local Auth emulator.", file=sys.stderr)
        return 2

    dev = settings.local_env()
    auth_host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", dev["FIREBASE_AUTH_EMULATOR_HOST"])
    api_base = os.environ.get("PUBLIC_BASE_URL", dev["PUBLIC_BASE_URL"])
    try:
        uid = find_uid(auth_host, args.email)
        if uid is None:
            print(
                f"No user {args.email} in the Auth emulator at {auth_host}; sign up first (see README).",
                file=sys.stderr,
            )
            return 1
        set_custom_claims(auth_host, uid, {"admin": True})
        print(f"{args.email} ({uid}) is now an admin; sign in again to get a token with the claim.")
        if args.credits:
            token = sign_in_as(auth_host, uid)["idToken"]
            answer = grant_credits(api_base, token, uid, args.credits, args.reason)
            print(f"granted {args.credits} credits: {answer}")
    except (AuthEmulatorError, RuntimeError, requests.RequestException) as exc:
        print(f"make_admin failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
