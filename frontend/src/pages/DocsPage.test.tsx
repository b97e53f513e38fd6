import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeApi, renderWithServices } from "../test/fakes";
import { DocsPage } from "./DocsPage";

// Redoc itself is not loaded here: the stand-in shows what it was given.
vi.mock("../docs/ApiReference", () => ({
  default: ({ spec }: { spec: { paths: Record<string, unknown> } }) => (
    <div data-testid="reference-stand-in">{Object.keys(spec.paths).join(" ")}</div>
  ),
}));

const DOCUMENT = { openapi: "3.1.0", info: { title: "CineWeave API", version: "0.1.0" }, paths: { "/api/jobs": {}, "/api/keys": {} } };

function open(request = () => Promise.resolve(DOCUMENT)) {
  const api = fakeApi({ request: request as never });
  return renderWithServices(<DocsPage />, { api, route: "/docs" });
}

function shownCode(): string {
  const panel = screen.getAllByRole("tabpanel").find((element) => !element.hidden);
  return panel?.textContent ?? "";
}

describe("DocsPage", () => {
  it("starts with curl: a key, POST /api/jobs with an Idempotency-Key, polling urls.self, the download", () => {
    open();
    expect(screen.getByRole("tab", { name: "curl" })).toHaveAttribute("aria-selected", "true");
    const code = shownCode();
    expect(code).toContain(`BASE="${window.location.origin}"`);
    expect(code).toContain(`curl -sS -X POST "$BASE/api/jobs"`);
    expect(code).toContain("Authorization: Bearer $CINEWEAVE_KEY");
    expect(code).toContain("Idempotency-Key: $(uuidgen)");
    expect(code).toContain("jq -r .urls.self");
    expect(code).toContain(".progress * 100");
    expect(code).toContain(".downloadUrl");
    expect(screen.getByTestId("quickstart")).toHaveTextContent("Create an API key on the Account page");
  });

  it("shows Python with requests and JavaScript with fetch on their tabs", async () => {
    const user = userEvent.setup();
    open();
    await user.click(screen.getByRole("tab", { name: "Python" }));
    expect(screen.getByRole("tab", { name: "Python" })).toHaveAttribute("aria-selected", "true");
    expect(shownCode()).toContain("import requests");
    expect(shownCode()).toContain(`session.post(\n    f"{BASE}/api/jobs"`);
    expect(shownCode()).toContain(`job = session.get(job_url, timeout=30).json()`);
    expect(shownCode()).toContain(`job["downloadUrl"]`);

    await user.click(screen.getByRole("tab", { name: "JavaScript" }));
    expect(shownCode()).toContain("await fetch(`${BASE}/api/jobs`");
    expect(shownCode()).toContain(`"Idempotency-Key": crypto.randomUUID()`);
    expect(shownCode()).toContain("fetch(urls.self, { headers: auth })");
  });

  it("moves between the tabs with the arrow keys", async () => {
    const user = userEvent.setup();
    open();
    await user.click(screen.getByRole("tab", { name: "curl" }));
    await user.keyboard("{ArrowLeft}");
    expect(screen.getByRole("tab", { name: "JavaScript" })).toHaveFocus();
    expect(screen.getByRole("tab", { name: "JavaScript" })).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "curl" })).toHaveAttribute("aria-selected", "true");
  });

  it("verifies a webhook in Python with the standardwebhooks package", () => {
    open();
    const example = screen.getByTestId("webhook-example");
    expect(example).toHaveTextContent("pip install standardwebhooks");
    expect(example).toHaveTextContent("from standardwebhooks.webhooks import Webhook, WebhookVerificationError");
    expect(example).toHaveTextContent("webhook.verify(request.get_data(), dict(request.headers))");
  });

  it("renders the reference from the server's OpenAPI document", async () => {
    const { api } = open();
    expect(await screen.findByTestId("reference-stand-in")).toHaveTextContent("/api/jobs /api/keys");
    expect(api.request).toHaveBeenCalledWith("GET", "/api/openapi.json");
    expect(within(screen.getByTestId("api-reference")).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says why the reference can't be shown, and keeps the quick start", async () => {
    open(() => Promise.reject(new Error("The server answered HTTP 502.")));
    expect(await screen.findByRole("alert")).toHaveTextContent("The API reference can't be shown: The server answered HTTP 502.");
    expect(screen.getByRole("heading", { name: "Quick start" })).toBeInTheDocument();
    expect(screen.queryByTestId("reference-stand-in")).not.toBeInTheDocument();
  });
});
