// @vitest-environment node
import { describe, expect, it } from "vitest";
import { LIMITS } from "../test/fakes";
import { secondsPerCredit } from "./limits";

describe("secondsPerCredit", () => {
  it("reads the rate from the listed lengths", () => {
    expect(secondsPerCredit(LIMITS)).toBe(5);
    expect(secondsPerCredit({ ...LIMITS, durations: [{ durationSec: 8, credits: 2 }, { durationSec: 16, credits: 4 }] })).toBe(4);
  });

  it("has no rate without a priced length", () => {
    expect(secondsPerCredit({ ...LIMITS, durations: [] })).toBeNull();
    expect(secondsPerCredit({ ...LIMITS, durations: [{ durationSec: 5, credits: 0 }] })).toBeNull();
  });
});
