// @vitest-environment node
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { job, LIMITS } from "../test/fakes";
import { costOf, emptyForm, fieldProblem, formFromJob, formProblem, requestBody, type CreateForm } from "./form";

const form = (changes: Partial<CreateForm>): CreateForm => ({ ...emptyForm(LIMITS), prompt: "A lighthouse at dawn", ...changes });

describe("emptyForm", () => {
  it("starts at the first length and the first aspect ratio the limits list", () => {
    expect(emptyForm(LIMITS)).toEqual({
      prompt: "", negativePrompt: "", durationSec: 5, aspectRatio: "16:9", seed: "", imageKey: null,
    });
    const other = { ...LIMITS, durations: [{ durationSec: 8, credits: 2 }], aspectRatios: ["1:1", "16:9"] };
    expect(emptyForm(other)).toMatchObject({ durationSec: 8, aspectRatio: "1:1" });
  });
});

describe("costOf", () => {
  it("reads the price of a length from the limits", () => {
    const limits = { ...LIMITS, durations: [{ durationSec: 5, credits: 2 }, { durationSec: 10, credits: 7 }] };
    expect(costOf(5, limits)).toBe(2);
    expect(costOf(10, limits)).toBe(7);
  });

  it("prices a length the limits don't list at the listed rate, per started credit", () => {
    const fiveSeconds = { ...LIMITS, durations: [{ durationSec: 5, credits: 1 }, { durationSec: 10, credits: 2 }] };
    expect(costOf(15, fiveSeconds)).toBe(3);
    expect(costOf(12, fiveSeconds)).toBe(3);
    const fourSeconds = { ...LIMITS, durations: [{ durationSec: 8, credits: 2 }] };
    expect(costOf(10, fourSeconds)).toBe(3);
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
    expect(formFromJob(earlier, LIMITS)).toEqual({
      prompt: "Foxes in snow", negativePrompt: "text", durationSec: 15, aspectRatio: "9:16", seed: "99", imageKey: null,
    });
  });

  it("fills defaults for fields an older job lacks, the aspect ratio from the limits", () => {
    const older = job({ negativePrompt: null, aspectRatio: null });
    const result = formFromJob(older, LIMITS);
    expect(result.negativePrompt).toBe("");
    expect(result.aspectRatio).toBe("16:9");
    expect(formFromJob(older, { ...LIMITS, aspectRatios: ["9:16", "16:9"] }).aspectRatio).toBe("9:16");
  });
});

describe("fieldProblem", () => {
  it("takes the field, sentence and categories of a refusal of a form field", () => {
    const refusal = new ApiError(422, "content_policy", "This prompt can't be used.", { field: "prompt", categories: ["Violent"] });
    expect(fieldProblem(refusal)).toEqual({ field: "prompt", message: "This prompt can't be used.", categories: ["Violent"] });
  });

  it("gives other field errors no categories", () => {
    const error = new ApiError(400, "invalid_argument", "imageKey does not name an image you uploaded.", { field: "imageKey" });
    expect(fieldProblem(error)).toEqual({ field: "imageKey", message: error.message, categories: [] });
  });

  it("leaves errors without a form field to the form's notice", () => {
    expect(fieldProblem(new ApiError(503, "unavailable", "Moderation is down."))).toBeNull();
    expect(fieldProblem(new ApiError(400, "invalid_argument", "Bad key.", { field: "Idempotency-Key" }))).toBeNull();
    expect(fieldProblem(new Error("prompt"))).toBeNull();
  });
});
