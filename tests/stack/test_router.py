"""The local router: /api paths to functions by shared/routes.py, JSON errors, the web app or a fallback page."""

import textwrap

import pytest
import requests

from shared.local.router import LocalRouter, start_in_thread

# A function module written the way functions/*.py are: functions-framework's decorator, a Flask request.
ECHO_FUNCTION = textwrap.dedent("""
    import flask
    import functions_framework


    @functions_framework.http
    def admin(request):
        return flask.jsonify(method=request.method, path=request.path, query=request.args.to_dict(),
                             body=request.get_json(silent=True), auth=request.headers.get("Authorization"))
""")


@pytest.fixture
def serve():
    servers = []

    def start(router: LocalRouter) -> str:
        server, base = start_in_thread(router=router)
        servers.append(server)
        return base

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def functions_dir(tmp_path):
    folder = tmp_path / "functions"
    folder.mkdir()
    (folder / "admin.py").write_text(ECHO_FUNCTION)
    return folder


def test_api_path_reaches_its_function_with_path_query_body_and_headers(serve, functions_dir, tmp_path):
    base = serve(LocalRouter(functions_dir=functions_dir, frontend_dist=tmp_path / "dist"))
    answer = requests.post(
        f"{base}/api/admin/users/u-1/credits?dry=1",
        json={"delta": 5, "reason": "r"},
        headers={"Authorization": "Bearer t"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "method": "POST",
        "path": "/api/admin/users/u-1/credits",
        "query": {"dry": "1"},
        "body": {"delta": 5, "reason": "r"},
        "auth": "Bearer t",
    }
    # Every admin path goes to the same function.
    assert requests.get(f"{base}/api/admin/overview", timeout=10).json()["path"] == "/api/admin/overview"


def test_real_health_function_answers(serve):
    base = serve(LocalRouter())
    answer = requests.get(f"{base}/api/healthz", timeout=30)
    assert answer.status_code == 200 and answer.json() == {"ok": True}


def test_unknown_api_path_is_a_json_404(serve, functions_dir):
    base = serve(LocalRouter(functions_dir=functions_dir))
    for path in ("/api/nothing-here", "/api", "/api/jobs/1/retry"):
        answer = requests.get(base + path, timeout=10)
        assert answer.status_code == 404
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json()["error"]["code"] == "not_found"
        assert path in answer.json()["error"]["message"]


def test_paths_werkzeug_would_redirect_are_json_404s_not_html(serve):
    base = serve(LocalRouter())
    for method, path in (("POST", "/api/jobs/%2e%2e%2f/cancel"), ("GET", "/api//healthz"), ("GET", "/api/jobs//x")):
        answer = requests.request(method, base + path, timeout=30, allow_redirects=False)
        assert answer.status_code == 404, (path, answer.status_code, answer.text[:200])
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405_with_allow(serve, functions_dir):
    base = serve(LocalRouter(functions_dir=functions_dir))
    answer = requests.delete(f"{base}/api/admin/users/u-1/credits", timeout=10)
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"
    assert answer.headers["Allow"] == "POST"


def test_route_whose_function_file_is_missing_is_a_json_404(serve, functions_dir):
    base = serve(LocalRouter(functions_dir=functions_dir))  # holds admin.py only
    answer = requests.get(f"{base}/api/plans", timeout=10)
    assert answer.status_code == 404
    assert answer.json()["error"] == {"code": "not_found", "message": answer.json()["error"]["message"]}
    assert "plans" in answer.json()["error"]["message"]


def test_without_a_built_web_app_the_root_says_how_to_sign_in(serve, tmp_path):
    base = serve(LocalRouter(frontend_dist=tmp_path / "missing-dist"))
    answer = requests.get(base + "/", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert "API is up" in answer.text
    assert "accounts:signUp?key=fake-api-key" in answer.text
    assert "shared.local.make_admin" in answer.text


def test_built_web_app_is_served_with_single_page_fallback(serve, functions_dir, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>app shell</html>")
    (dist / "assets" / "app.js").write_text("console.log('app')")
    base = serve(LocalRouter(functions_dir=functions_dir, frontend_dist=dist))

    assert requests.get(base + "/", timeout=10).text == "<html>app shell</html>"
    script = requests.get(base + "/assets/app.js", timeout=10)
    assert script.text == "console.log('app')" and "javascript" in script.headers["Content-Type"]
    assert requests.get(base + "/jobs/abc", timeout=10).text == "<html>app shell</html>"
    assert requests.get(base + "/../../etc/passwd", timeout=10).text == "<html>app shell</html>"
    assert requests.post(base + "/", timeout=10).status_code == 405
    assert requests.get(base + "/api/nope", timeout=10).json()["error"]["code"] == "not_found"


LOCAL_ENVIRON = {
    "GOOGLE_CLOUD_PROJECT": "demo-cineweave",
    "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
    "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8085",
    "CINEWEAVE_GOOGLE_SIGN_IN": "1",
}


def test_app_config_describes_the_local_firebase_without_a_built_app(serve, tmp_path):
    base = serve(LocalRouter(frontend_dist=tmp_path / "missing-dist", environ=LOCAL_ENVIRON))
    answer = requests.get(base + "/app-config.json", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json() == {
        "firebase": {
            "apiKey": "fake-api-key",
            "authDomain": "demo-cineweave.firebaseapp.com",
            "projectId": "demo-cineweave",
        },
        "emulators": {"auth": "http://127.0.0.1:9099", "firestore": {"host": "127.0.0.1", "port": 8085}},
        "googleSignIn": True,
        "environment": "local",
    }
    assert requests.post(base + "/app-config.json", timeout=10).status_code == 405


def test_app_config_wins_over_a_built_file_of_that_name(serve, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<html>app shell</html>")
    (dist / "app-config.json").write_text('{"firebase": {"projectId": "stale"}}')
    environ = {"GOOGLE_CLOUD_PROJECT": "demo-other", "CINEWEAVE_GOOGLE_SIGN_IN": "0"}
    base = serve(LocalRouter(frontend_dist=dist, environ=environ))
    config = requests.get(base + "/app-config.json", timeout=10).json()
    assert config == {
        "firebase": {"apiKey": "fake-api-key", "authDomain": "demo-other.firebaseapp.com", "projectId": "demo-other"},
        "googleSignIn": False,
        "environment": "local",
    }  # no emulator variables, no emulators
    assert requests.get(base + "/", timeout=10).text == "<html>app shell</html>"


def test_app_config_reads_the_process_environment_on_each_request(serve, tmp_path, monkeypatch):
    base = serve(LocalRouter(frontend_dist=tmp_path / "missing-dist"))
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.delenv("CINEWEAVE_GOOGLE_SIGN_IN", raising=False)
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8185")
    first = requests.get(base + "/app-config.json", timeout=10).json()
    assert first["firebase"]["projectId"] == "demo-cineweave" and first["googleSignIn"] is False
    assert first["emulators"]["firestore"] == {"host": "127.0.0.1", "port": 8185}
    monkeypatch.setenv("CINEWEAVE_GOOGLE_SIGN_IN", "1")
    assert requests.get(base + "/app-config.json", timeout=10).json()["googleSignIn"] is True
