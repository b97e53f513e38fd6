"""The GPU backend: RunPod's serverless queue API (`/run`, `/status`, `/cancel`).

Locally the same client talks to the local GPU runner, which speaks the same wire format. `/run` is not
retried (a retry could start a second execution); status and cancel are idempotent and are.
"""

import requests
import requests.adapters
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from shared.domain import errors
from shared.log import get_logger
from shared.services.ports import BackendJob, JobUnknown

log = get_logger("gpu")

TIMEOUT_SEC = 10


_transient = retry(
    retry=retry_if_exception_type(errors.Unavailable),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.2, max=2),
    reraise=True,
)


POOL_SIZE = 64


class RunPodClient:
    def __init__(self, api_base: str, endpoint_id: str, api_key: str, session: requests.Session | None = None):
        self.base = f"{api_base.rstrip('/')}/{endpoint_id}"
        if session is None:
            session = requests.Session()
            # Kept-alive connections for as many requests as one process serves at once (the sweep, viewers'
            # refreshes): past requests' default 10, each extra call would open a connection and drop it.
            session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=POOL_SIZE))
            session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=POOL_SIZE))
        self.session = session
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.session.request(method, f"{self.base}{path}", timeout=TIMEOUT_SEC, **kwargs)
        except requests.RequestException as exc:
            raise errors.Unavailable(f"The GPU backend did not answer: {exc.__class__.__name__}.") from exc
        if response.status_code == 404:
            raise JobUnknown(path)
        if response.status_code >= 500 or response.status_code == 429:
            raise errors.Unavailable(f"The GPU backend answered {response.status_code}.")
        if response.status_code >= 400:
            raise RuntimeError(f"GPU backend rejected {method} {path}: {response.status_code} {response.text[:200]}")
        return response.json()

    def run(self, job_input: dict, webhook_url: str, execution_timeout_sec: int, ttl_sec: int) -> str:
        body = {
            "input": job_input,
            "webhook": webhook_url,
            "policy": {"executionTimeout": execution_timeout_sec * 1000, "ttl": ttl_sec * 1000},
        }
        return self._call("POST", "/run", json=body)["id"]

    @_transient
    def status(self, backend_id: str) -> BackendJob:
        data = self._call("GET", f"/status/{backend_id}")
        return BackendJob(
            id=data.get("id", backend_id),
            status=data.get("status", "UNKNOWN"),
            output=data.get("output"),
            error=data.get("error"),
            delay_ms=data.get("delayTime"),
            execution_ms=data.get("executionTime"),
        )

    @_transient
    def cancel(self, backend_id: str) -> None:
        try:
            self._call("POST", f"/cancel/{backend_id}")
        except JobUnknown:
            pass
