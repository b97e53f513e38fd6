// @vitest-environment node
import { describe, expect, it } from "vitest";
import { authMessage } from "./messages";

describe("authMessage", () => {
  it("does not say which half of the credentials was wrong", () => {
    const sentence = "That email and password don't match an account.";
    expect(authMessage({ code: "auth/invalid-credential" })).toBe(sentence);
    expect(authMessage({ code: "auth/wrong-password" })).toBe(sentence);
    expect(authMessage({ code: "auth/user-not-found" })).toBe(sentence);
  });

  it("explains other known codes", () => {
    expect(authMessage({ code: "auth/email-already-in-use" })).toMatch(/already exists/);
    expect(authMessage({ code: "auth/weak-password" })).toMatch(/at least 6 characters/);
    expect(authMessage({ code: "auth/popup-blocked" })).toMatch(/pop-ups/);
  });

  it("falls back to a generic sentence for anything else", () => {
    const fallback = "Signing in failed; please try again.";
    expect(authMessage({ code: "auth/something-new" })).toBe(fallback);
    expect(authMessage(new Error("boom"))).toBe(fallback);
    expect(authMessage(null)).toBe(fallback);
    expect(authMessage(undefined)).toBe(fallback);
  });
});
