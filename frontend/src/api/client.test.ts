// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, errorFrom, newIdempotencyKey } from "./client";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function client(answer: Response | Error, token: string | null = "id-token") {
  const fetchImpl = vi.fn<typeof fetch>(() => answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer));
  return { api: new ApiClient(() => Promise.resolve(token), "https://api.test", fetchImpl), fetchImpl };
}

/** The first request made; the client always sends a string URL and a JSON string body. */
function sent(fetchImpl: ReturnType<typeof client>["fetchImpl"]) {
  const [url, init] = fetchImpl.mock.calls[0];
  return {
    url: url as string, method: init?.method, headers: init?.headers as Record<string, string>,
    body: init?.body as string | undefined,
  };
}

describe("ApiClient requests", () => {
  it("sends the ID token as a bearer token and parses the answer", async () => {
    const { api, fetchImpl } = client(json(200, { credits: 7, reserved: 1, plan: "starter", renewsAt: null }));
    await expect(api.balance()).resolves.toEqual({ credits: 7, reserved: 1, plan: "starter", renewsAt: null });
    const request = sent(fetchImpl);
    expect(request.url).toBe("https://api.test/api/credits");
    expect(request.method).toBe("GET");
    expect(request.headers.Authorization).toBe("Bearer id-token");
    expect(request.body).toBeUndefined();
  });

  it("sends no Authorization header when signed out", async () => {
    const { api, fetchImpl } = client(json(200, { plans: [] }), null);
    await api.plans();
    expect(sent(fetchImpl).headers).not.toHaveProperty("Authorization");
  });

  it("posts a job as JSON with its Idempotency-Key", async () => {
    const { api, fetchImpl } = client(json(201, { jobId: "j1", status: "queued", creditsReserved: 1, creditsRemaining: 4 }));
    const body = { prompt: "A fox", durationSec: 5, aspectRatio: "16:9", seed: 3 };
    await expect(api.createJob(body, "key-1")).resolves.toMatchObject({ jobId: "j1" });
    const request = sent(fetchImpl);
    expect(request.url).toBe("https://api.test/api/jobs");
    expect(request.method).toBe("POST");
    expect(request.headers["Content-Type"]).toBe("application/json");
    expect(request.headers["Idempotency-Key"]).toBe("key-1");
    expect(JSON.parse(request.body!)).toEqual(body);
  });

  it("escapes ids in paths", async () => {
    const { api, fetchImpl } = client(json(200, { jobId: "a/b" }));
    await api.job("a/b?c");
    expect(sent(fetchImpl).url).toBe("https://api.test/api/jobs/a%2Fb%3Fc");
  });

  it("pages jobs with limit and cursor and returns items", async () => {
    const { api, fetchImpl } = client(json(200, { jobs: [{ jobId: "j1" }], nextCursor: "c2" }));
    await expect(api.jobs(24, "c1")).resolves.toEqual({ items: [{ jobId: "j1" }], nextCursor: "c2" });
    expect(sent(fetchImpl).url).toBe("https://api.test/api/jobs?limit=24&cursor=c1");
  });

  it("leaves an absent cursor out of the query", async () => {
    const { api, fetchImpl } = client(json(200, { entries: [], nextCursor: null }));
    await expect(api.ledger(25, null)).resolves.toEqual({ items: [], nextCursor: null });
    expect(sent(fetchImpl).url).toBe("https://api.test/api/credits/ledger?limit=25");
  });

  it("leaves empty admin filters out of the query", async () => {
    const { api, fetchImpl } = client(json(200, { jobs: [], nextCursor: null }));
    await api.adminJobs({ status: "", userId: "u1" });
    expect(sent(fetchImpl).url).toBe("https://api.test/api/admin/jobs?userId=u1&limit=25");
  });

  it("reads admin users into items, looking up an email when given", async () => {
    const { api, fetchImpl } = client(json(200, { users: [{ uid: "u1" }], nextCursor: null }));
    await expect(api.adminUsers(null, "ada@example.com")).resolves.toEqual({ items: [{ uid: "u1" }], nextCursor: null });
    expect(sent(fetchImpl).url).toBe("https://api.test/api/admin/users?email=ada%40example.com&limit=25");
  });

  it("pages the moderation log, keeping the counts per day", async () => {
    const perDay = [{ day: "2026-12-01", refusals: 3 }];
    const refusals = [{ id: "r1", uid: "u1", email: null, field: "prompt", categories: ["Violent"], check: "text", at: "2026-12-01T22:41:03+00:00" }];
    const { api, fetchImpl } = client(json(200, { perDay, refusals, nextCursor: "c2" }));
    await expect(api.adminModeration("c1")).resolves.toEqual({ perDay, items: refusals, nextCursor: "c2" });
    expect(sent(fetchImpl).url).toBe("https://api.test/api/admin/moderation?limit=50&cursor=c1");
  });

  it("posts a credit adjustment with delta, reason and key", async () => {
    const { api, fetchImpl } = client(json(200, { credits: 15 }));
    await expect(api.adjustCredits("u 1", -5, "Refund for outage", "key-9")).resolves.toEqual({ credits: 15 });
    const request = sent(fetchImpl);
    expect(request.url).toBe("https://api.test/api/admin/users/u%201/credits");
    expect(request.headers["Idempotency-Key"]).toBe("key-9");
    expect(JSON.parse(request.body!)).toEqual({ delta: -5, reason: "Refund for outage" });
  });

  it("posts subscribe and top-up bodies", async () => {
    const first = client(json(200, { paymentId: "p", redirectUrl: "https://pay" }));
    await first.api.subscribe("creator", "k1");
    expect(sent(first.fetchImpl).url).toBe("https://api.test/api/subscribe");
    expect(JSON.parse(sent(first.fetchImpl).body!)).toEqual({ planId: "creator" });
    const second = client(json(200, { paymentId: "p", redirectUrl: "https://pay" }));
    await second.api.topup(50, "k2");
    expect(sent(second.fetchImpl).url).toBe("https://api.test/api/topup");
    expect(JSON.parse(sent(second.fetchImpl).body!)).toEqual({ credits: 50 });
  });
});

describe("ApiClient developer API", () => {
  it("lists keys from the keys field", async () => {
    const keys = [{ id: "k1", name: "CI", prefix: "cw_ab12", createdAt: null, lastUsedAt: null }];
    const { api, fetchImpl } = client(json(200, { keys }));
    await expect(api.apiKeys()).resolves.toEqual(keys);
    expect(sent(fetchImpl).url).toBe("https://api.test/api/keys");
  });

  it("posts a key's name", async () => {
    const { api, fetchImpl } = client(json(201, { id: "k1", name: "CI", key: "cw_secret", prefix: "cw_secr", createdAt: null }));
    await expect(api.createApiKey("CI")).resolves.toMatchObject({ key: "cw_secret" });
    expect(sent(fetchImpl).method).toBe("POST");
    expect(JSON.parse(sent(fetchImpl).body!)).toEqual({ name: "CI" });
  });

  it("revokes a key, reading no body from the 204", async () => {
    const { api, fetchImpl } = client(new Response(null, { status: 204 }));
    await expect(api.deleteApiKey("k/1")).resolves.toBeUndefined();
    expect(sent(fetchImpl)).toMatchObject({ url: "https://api.test/api/keys/k%2F1", method: "DELETE" });
  });

  it("carries the message of the key limit", async () => {
    const { api } = client(json(409, { error: { code: "conflict", message: "You already have 10 API keys." } }));
    await expect(api.createApiKey("11th")).rejects.toMatchObject({ status: 409, code: "conflict", message: "You already have 10 API keys." });
  });

  it("reads and rotates the webhook secret", async () => {
    const first = client(json(200, { secret: "whsec_a" }));
    await expect(first.api.webhookSecret()).resolves.toEqual({ secret: "whsec_a" });
    expect(sent(first.fetchImpl)).toMatchObject({ url: "https://api.test/api/webhooks/secret", method: "GET" });
    const second = client(json(200, { secret: "whsec_b" }));
    await second.api.rotateWebhookSecret();
    expect(sent(second.fetchImpl)).toMatchObject({ url: "https://api.test/api/webhooks/secret/rotate", method: "POST" });
  });
});

describe("ApiClient errors", () => {
  it("turns an error body into an ApiError with status, code, message and field", async () => {
    const { api } = client(json(400, { error: { code: "invalid_argument", message: "The prompt is empty.", field: "prompt" } }));
    const error = await api.createJob({ prompt: "", durationSec: 5, aspectRatio: "16:9" }, "k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid_argument", message: "The prompt is empty.", field: "prompt" });
  });

  it("carries the field and categories of a content-policy refusal", async () => {
    const { api } = client(json(422, { error: {
      code: "content_policy", message: "This prompt can't be used.", field: "prompt", categories: ["Violent", "Illicit Drugs"],
    } }));
    const error = await api.createJob({ prompt: "x", durationSec: 5, aspectRatio: "16:9" }, "k").catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 422, code: "content_policy", field: "prompt", categories: ["Violent", "Illicit Drugs"],
    });
  });

  it("keeps only the category names that are strings", async () => {
    const error = await errorFrom(json(422, { error: { code: "content_policy", message: "No.", field: 3, categories: ["adult", 7, null] } }));
    expect(error.field).toBeUndefined();
    expect(error.categories).toEqual(["adult"]);
    expect((await errorFrom(json(400, { error: { message: "No." } }))).categories).toBeUndefined();
  });

  it("keeps the server's sentence for a 402", async () => {
    const { api } = client(json(402, { error: { code: "insufficient_credits", message: "This video costs 3 credits; you have 1." } }));
    await expect(api.createJob({ prompt: "x", durationSec: 15, aspectRatio: "16:9" }, "k"))
      .rejects.toMatchObject({ status: 402, code: "insufficient_credits", message: "This video costs 3 credits; you have 1." });
  });

  it("says the server can't be reached when fetch itself fails", async () => {
    const { api } = client(new TypeError("Failed to fetch"));
    const error = await api.balance().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: "network" });
    expect((error as ApiError).message).toMatch(/can't be reached/);
  });

  it("writes its own sentence for a gateway page that is not JSON", async () => {
    const error = await errorFrom(new Response("<html>Bad Gateway</html>", { status: 502 }));
    expect(error).toMatchObject({ status: 502, code: "http_error" });
    expect(error.message).toBe("The server answered HTTP 502. Please try again in a moment.");
  });

  it("does not promise a retry for a 4xx without a body", async () => {
    const error = await errorFrom(new Response("", { status: 404 }));
    expect(error.message).toBe("The server answered HTTP 404.");
  });

  it("names the code 'error' when the body has a message but no code", async () => {
    const error = await errorFrom(json(409, { error: { message: "Already canceled." } }));
    expect(error).toMatchObject({ code: "error", message: "Already canceled." });
  });
});

describe("newIdempotencyKey", () => {
  it("gives a different key each time", () => {
    const keys = new Set(Array.from({ length: 20 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(20);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
