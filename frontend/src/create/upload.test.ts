// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../test/fakes";
import { checkImage, putWithProgress } from "./upload";

const file = (name: string, type: string, size: number) => {
  const made = new File(["x"], name, { type });
  Object.defineProperty(made, "size", { value: size });
  return made;
};

describe("checkImage", () => {
  it("accepts PNG, JPEG and WebP within the size limit", () => {
    expect(checkImage(file("a.png", "image/png", 1000), LIMITS.upload)).toBeNull();
    expect(checkImage(file("a.jpg", "image/jpeg", LIMITS.upload.maxBytes), LIMITS.upload)).toBeNull();
    expect(checkImage(file("a.webp", "image/webp", 5), LIMITS.upload)).toBeNull();
  });

  it("refuses other types by name", () => {
    expect(checkImage(file("clip.gif", "image/gif", 1000), LIMITS.upload)).toBe("clip.gif is not a PNG, JPEG or WebP image.");
    expect(checkImage(file("notes.txt", "", 1000), LIMITS.upload)).toBe("notes.txt is not a PNG, JPEG or WebP image.");
  });

  it("names the types the limits accept", () => {
    const pngOnly = { contentTypes: ["image/png"], maxBytes: 1000 };
    expect(checkImage(file("a.jpg", "image/jpeg", 10), pngOnly)).toBe("a.jpg is not a PNG image.");
    expect(checkImage(file("a.png", "image/png", 10), pngOnly)).toBeNull();
    const withAvif = { contentTypes: ["image/avif", "image/png"], maxBytes: 1000 };
    expect(checkImage(file("a.gif", "image/gif", 10), withAvif)).toBe("a.gif is not a PNG or AVIF image.");
    expect(checkImage(file("a.avif", "image/avif", 10), withAvif)).toBeNull();
  });

  it("refuses an empty file", () => {
    expect(checkImage(file("a.png", "image/png", 0), LIMITS.upload)).toBe("a.png is empty.");
  });

  it("refuses a file over the limit and says both sizes", () => {
    expect(checkImage(file("big.png", "image/png", LIMITS.upload.maxBytes + 1), LIMITS.upload))
      .toBe("big.png is 10.0 MB; images can be at most 10.0 MB.");
    expect(checkImage(file("big.png", "image/png", 12 * 1024 * 1024), LIMITS.upload))
      .toBe("big.png is 12.0 MB; images can be at most 10.0 MB.");
  });
});

/** A stand-in for XMLHttpRequest that records the request and lets the test answer it. */
class FakeXhr {
  static last: FakeXhr;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() { FakeXhr.last = this; }
  open(method: string, url: string) { this.method = method; this.url = url; }
  setRequestHeader(name: string, value: string) { this.headers[name] = value; }
  send(body: unknown) { this.body = body; }
}

describe("putWithProgress", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("PUTs the file with its content type, reports progress and ends at 1", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const image = file("a.png", "image/png", 100);
    const progress: number[] = [];
    const done = putWithProgress("https://storage.test/upload?sig=1", image, (f) => progress.push(f));
    const xhr = FakeXhr.last;
    expect(xhr).toMatchObject({ method: "PUT", url: "https://storage.test/upload?sig=1", body: image });
    expect(xhr.headers["Content-Type"]).toBe("image/png");
    xhr.upload.onprogress!({ lengthComputable: true, loaded: 25, total: 100 });
    xhr.upload.onprogress!({ lengthComputable: false, loaded: 50, total: 0 });
    xhr.status = 200;
    xhr.onload!();
    await expect(done).resolves.toBeUndefined();
    expect(progress).toEqual([0.25, 1]);
  });

  it("rejects with the HTTP status when storage refuses", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const done = putWithProgress("https://storage.test/u", file("a.png", "image/png", 1), () => {});
    FakeXhr.last.status = 403;
    FakeXhr.last.onload!();
    await expect(done).rejects.toThrow("The image upload was refused (HTTP 403); please try again.");
  });

  it("rejects with a connection sentence on a network error", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const done = putWithProgress("https://storage.test/u", file("a.png", "image/png", 1), () => {});
    FakeXhr.last.onerror!();
    await expect(done).rejects.toThrow(/check your connection/);
  });
});
