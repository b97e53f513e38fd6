// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "./config";

const answer = (status: number, body: unknown) => vi.fn(() => Promise.resolve(
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }))) as unknown as typeof fetch;

describe("loadConfig", () => {
  it("reads /app-config.json without the cache and fills defaults", async () => {
    const fetchImpl = answer(200, { firebase: { apiKey: "k", authDomain: "d", projectId: "p" } });
    await expect(loadConfig(fetchImpl)).resolves.toEqual({
      firebase: { apiKey: "k", authDomain: "d", projectId: "p" }, googleSignIn: false, environment: "production",
    });
    expect(fetchImpl).toHaveBeenCalledWith("/app-config.json", { cache: "no-store" });
  });

  it("keeps the values the file sets", async () => {
    const config = await loadConfig(answer(200, {
      firebase: { apiKey: "k", authDomain: "d", projectId: "p" }, googleSignIn: true, environment: "local",
    }));
    expect(config).toMatchObject({ googleSignIn: true, environment: "local" });
  });

  it("refuses a file without the Firebase project", async () => {
    await expect(loadConfig(answer(200, { firebase: { apiKey: "k" } }))).rejects.toThrow(/missing the Firebase project/);
  });

  it("says the HTTP status when the file can't be fetched", async () => {
    await expect(loadConfig(answer(404, {}))).rejects.toThrow("CineWeave could not load its configuration (HTTP 404); reload the page.");
  });

  it("says to check the connection when the request fails", async () => {
    const failing = vi.fn(() => Promise.reject(new TypeError("offline"))) as unknown as typeof fetch;
    await expect(loadConfig(failing)).rejects.toThrow(/check your connection/);
  });
});
