// @vitest-environment node
import { describe, expect, it } from "vitest";
import { job, LIMITS } from "../test/fakes";
import { costOf, EMPTY_FORM, formFromJob, formProblem, requestBody, type CreateForm } from "./form";

const form = (changes: Partial<CreateForm>): CreateForm => ({ ...EMPTY_FORM, prompt: "A lighthouse at dawn", ...changes });

describe("costOf", () => {
  it("reads the price of a length from the limits", () => {
    const limits = { ...LIMITS, durations: [{ durationSec: 5, credits: 2 }, { durationSec: 10, credits: 7 }] };
    expect(costOf(5, limits)).toBe(2);
    expect(costOf(10, limits)).toBe(7);
  });

  it("falls back to one credit per started 5 seconds for a length the limits don't list", () => {
    expect(costOf(15, { ...LIMITS, durations: [] })).toBe(3);
    expect(costOf(12, { ...LIMITS, durations: [] })).toBe(3);
  });
});

describe("formProblem", () => {
  it("accepts a plain form", () => {
    expect(formProblem(form({}), LIMITS)).toBeNull();
    expect(formProblem(form({ seed: "0" }), LIMITS)).toBeNull();
    expect(formProblem(form({ seed: String(LIMITS.maxSeed) }), LIMITS)).toBeNull();
  });

  it("needs a prompt that is not just spaces", () => {
    expect(formProblem(form({ prompt: "" }), LIMITS)).toBe("Describe the video you want in the prompt.");
    expect(formProblem(form({ prompt: "  \n " }), LIMITS)).toBe("Describe the video you want in the prompt.");
  });

  it("refuses a prompt over the limit and names both lengths", () => {
    const limits = { ...LIMITS, promptMaxChars: 10 };
    expect(formProblem(form({ prompt: "x".repeat(11) }), limits)).toBe("The prompt is 11 characters; the limit is 10.");
    expect(formProblem(form({ prompt: "x".repeat(10) }), limits)).toBeNull();
    // Surrounding spaces are not counted: they are trimmed before sending.
    expect(formProblem(form({ prompt: `  ${"x".repeat(10)}  ` }), limits)).toBeNull();
  });

  it("refuses a negative prompt over the limit", () => {
    const limits = { ...LIMITS, promptMaxChars: 10 };
    expect(formProblem(form({ prompt: "ok", negativePrompt: "y".repeat(11) }), limits))
      .toBe("The negative prompt is longer than 10 characters.");
  });

  it.each(["-1", "1.5", "abc", "1e3", String(LIMITS.maxSeed + 1)])("refuses the seed %s", (seed) => {
    expect(formProblem(form({ seed }), LIMITS)).toBe(`The seed must be a whole number from 0 to ${LIMITS.maxSeed}.`);
  });
});

describe("requestBody", () => {
  it("sends only what was filled in, trimmed", () => {
    expect(requestBody(form({ prompt: "  A lighthouse  ", negativePrompt: "   ", seed: " " }))).toEqual({
      prompt: "A lighthouse", durationSec: 5, aspectRatio: "16:9",
    });
  });

  it("adds the negative prompt, the image and the seed as a number", () => {
    expect(requestBody(form({
      negativePrompt: " blur ", imageKey: "uploads/u/abc.png", seed: " 42 ", durationSec: 10, aspectRatio: "9:16",
    }))).toEqual({
      prompt: "A lighthouse at dawn", negativePrompt: "blur", imageKey: "uploads/u/abc.png", seed: 42,
      durationSec: 10, aspectRatio: "9:16",
    });
  });
});

describe("formFromJob", () => {
  it("copies prompt, settings and seed but not the expired starting image", () => {
    const earlier = job({
      prompt: "Foxes in snow", negativePrompt: "text", durationSec: 15, aspectRatio: "9:16", seed: 99,
      imageKey: "uploads/u/old.png",
    });
    expect(formFromJob(earlier)).toEqual({
      prompt: "Foxes in snow", negativePrompt: "text", durationSec: 15, aspectRatio: "9:16", seed: "99", imageKey: null,
    });
  });

  it("fills defaults for fields an older job lacks", () => {
    const older = job({ negativePrompt: null, aspectRatio: null });
    const result = formFromJob(older);
    expect(result.negativePrompt).toBe("");
    expect(result.aspectRatio).toBe("16:9");
  });
});
