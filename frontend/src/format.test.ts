// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  aspectRatioLabel, credits, date, dateTime, duration, either, fileSize, imageTypes, isPortrait, money, planName, plural,
  stageLabel, STATUS_LABELS,
} from "./format";

describe("plural and credits", () => {
  it("uses the singular only for exactly one", () => {
    expect(plural(1, "job")).toBe("1 job");
    expect(plural(0, "job")).toBe("0 jobs");
    expect(plural(2, "job")).toBe("2 jobs");
    expect(plural(3, "entry", "entries")).toBe("3 entries");
  });

  it("counts credits", () => {
    expect(credits(1)).toBe("1 credit");
    expect(credits(5)).toBe("5 credits");
  });
});

describe("duration", () => {
  it.each([
    [0, "0 s"],
    [42.4, "42 s"],
    [59.6, "1 min 0 s"],
    [75, "1 min 15 s"],
    [3599, "59 min 59 s"],
    [3600, "1 h 0 min"],
    [7384, "2 h 3 min"],
    [-5, "0 s"],
  ])("%s seconds read as %s", (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});

describe("dates", () => {
  it("shows a dash for a missing time", () => {
    expect(dateTime(null)).toBe("—");
    expect(dateTime(undefined)).toBe("—");
    expect(date(null)).toBe("—");
  });

  it("formats a real time with the year", () => {
    expect(dateTime("2025-03-01T10:00:00Z")).toMatch(/2025/);
    expect(date("2025-03-01T10:00:00Z")).toMatch(/2025/);
  });
});

describe("money", () => {
  it("reads minor units as major units in the currency", () => {
    const text = money(1999, "USD");
    expect(text).toContain("19.99");
    expect(text).toMatch(/\$|USD/);
    expect(money(720, "GBP")).toContain("7.20");
  });
});

describe("fileSize", () => {
  it.each([
    [512, "512 B"],
    [2048, "2 KB"],
    [10 * 1024 * 1024, "10.0 MB"],
    [1.5 * 1024 * 1024, "1.5 MB"],
  ])("%s bytes read as %s", (bytes, text) => {
    expect(fileSize(bytes)).toBe(text);
  });
});

describe("labels", () => {
  it("names every job status", () => {
    expect(STATUS_LABELS.running).toBe("Rendering");
    expect(STATUS_LABELS.dispatched).toBe("Starting");
    expect(Object.keys(STATUS_LABELS).sort()).toEqual(
      ["canceled", "dispatched", "done", "expired", "failed", "queued", "running"]);
  });

  it("names known stages and makes unknown ones readable", () => {
    expect(stageLabel("denoising")).toBe("Rendering frames");
    expect(stageLabel("waiting_for_gpu")).toBe("Waiting for a GPU");
    expect(stageLabel("warming_up_cache")).toBe("Warming up cache");
    expect(stageLabel(null)).toBe("");
    expect(stageLabel(undefined)).toBe("");
  });

  it("capitalises plan ids and names the absence of a plan", () => {
    expect(planName("starter")).toBe("Starter");
    expect(planName(null)).toBe("No plan");
    expect(planName("")).toBe("No plan");
  });
});

describe("limits in words", () => {
  it("joins alternatives with commas and a final or", () => {
    expect(either(["PNG", "JPEG", "WebP"])).toBe("PNG, JPEG or WebP");
    expect(either(["PNG", "JPEG"])).toBe("PNG or JPEG");
    expect(either(["PNG"])).toBe("PNG");
  });

  it("names the API's upload types, known ones in a fixed order, others by their subtype", () => {
    expect(imageTypes(["image/jpeg", "image/png", "image/webp"])).toBe("PNG, JPEG or WebP");
    expect(imageTypes(["image/webp", "image/png"])).toBe("PNG or WebP");
    expect(imageTypes(["image/avif", "image/jpeg"])).toBe("JPEG or AVIF");
  });

  it("adds a word to the aspect ratios it knows and shows others as they are", () => {
    expect(aspectRatioLabel("16:9")).toBe("16:9 landscape");
    expect(aspectRatioLabel("9:16")).toBe("9:16 portrait");
    expect(aspectRatioLabel("4:3")).toBe("4:3");
    expect(aspectRatioLabel("constructor")).toBe("constructor");
  });

  it.each([["9:16", true], ["3:4", true], ["16:9", false], ["1:1", false], ["", false], [null, false], [undefined, false]])(
    "reads %s as portrait: %s", (ratio, portrait) => {
      expect(isPortrait(ratio)).toBe(portrait);
    });
});
