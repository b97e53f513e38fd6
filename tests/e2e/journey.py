"""A creator's first clip on a running local stack, step by step, with timings.

    python -m tests.e2e.journey [--api http://127.0.0.1:8080] [--auth 127.0.0.1:9099]

signs up a creator and an admin in the Auth emulator, grants 3 credits as the admin, creates a 5 s job,
polls it to `done`, downloads the MP4 and checks it. The end-to-end test runs the same steps.
"""

import argparse
import json
import pathlib
import sys
import tempfile
import time
import uuid

import requests

from shared.local.auth_emulator import set_custom_claims, sign_in, sign_up

POLL_SEC = 0.5


class Journey:
    def __init__(self, api: str, auth_host: str, log=print):
        self.api, self.auth_host, self.log = api.rstrip("/"), auth_host, log
        self.timings: dict[str, float] = {}
        self.stages: list[str] = []

    def _user(self, admin: bool) -> dict:
        email, password = f"{'admin' if admin else 'creator'}-{uuid.uuid4().hex[:8]}@example.com", "secret-pass-1"
        user = sign_up(self.auth_host, email, password)
        if admin:
            set_custom_claims(self.auth_host, user["uid"], {"admin": True})
            user = sign_in(self.auth_host, email, password)
        return user

    def call(self, method: str, path: str, user: dict | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {user['idToken']}"} if user else {}
        return requests.request(method, f"{self.api}{path}", headers=headers, timeout=30, **kwargs)

    def run(self, timeout_sec: float = 120) -> dict:
        creator, admin = self._user(admin=False), self._user(admin=True)
        grant = self.call(
            "POST", f"/api/admin/users/{creator['uid']}/credits", admin, json={"delta": 3, "reason": "welcome credits"}
        )
        assert grant.status_code == 200 and grant.json() == {"credits": 3}, grant.text

        started = time.monotonic()
        created = self.call("POST", "/api/jobs/create", creator, json={"prompt": "a red kite", "durationSec": 5})
        assert created.status_code == 201, created.text
        job_id = created.json()["jobId"]
        self.log(f"created {job_id}: {created.json()}")

        view = {}
        while time.monotonic() - started < timeout_sec:
            view = self.call("GET", f"/api/jobs/{job_id}", creator).json()
            step = f"{view['status']}/{view.get('stage')}"
            if not self.stages or self.stages[-1] != step:
                self.stages.append(step)
                self.log(f"{time.monotonic() - started:6.1f}s  {step}  progress={view.get('progress')}")
            if view["status"] in ("done", "failed", "canceled"):
                break
            time.sleep(POLL_SEC)
        self.timings["job_sec"] = round(time.monotonic() - started, 1)
        assert view.get("status") == "done", f"job ended as {view}"

        video = requests.get(view["videoUrl"], timeout=30)
        poster = requests.get(view["posterUrl"], timeout=30)
        assert video.status_code == 200 and poster.status_code == 200
        with tempfile.TemporaryDirectory() as scratch:
            path = pathlib.Path(scratch) / "clip.mp4"
            path.write_bytes(video.content)
            from worker.video import probe_mp4

            probe = probe_mp4(str(path))
        balance = self.call("GET", "/api/credits", creator).json()
        kinds = [entry["kind"] for entry in self.call("GET", "/api/credits/ledger", creator).json()["entries"]]
        return {
            "jobId": job_id,
            "view": view,
            "probe": probe,
            "balance": balance,
            "ledger": kinds,
            "videoBytes": len(video.content),
            "posterBytes": len(poster.content),
            "stages": self.stages,
            "timings": self.timings,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8080")
    parser.add_argument("--auth", default="127.0.0.1:9099")
    args = parser.parse_args()
    result = Journey(args.api, args.auth).run()
    print(json.dumps({key: result[key] for key in ("jobId", "probe", "balance", "ledger", "timings")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
