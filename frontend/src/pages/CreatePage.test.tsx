import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { balance, fakeApi, job, LIMITS, listing, renderWithServices, type FakeApi } from "../test/fakes";
import { CreatePage } from "./CreatePage";

// The presigned PUT is replaced so that each test decides when the upload ends; the checks stay real.
// finish() ends an upload and returns it, so that `await act(() => upload.finish())` also lets the page
// take in what follows from it.
const upload = vi.hoisted(() => {
  const pending: { finish: () => Promise<void>; fail: (error: Error) => void }[] = [];
  return {
    pending,
    start(onProgress: (fraction: number) => void): Promise<void> {
      let finish = () => {};
      let fail: (error: Error) => void = () => {};
      const put = new Promise<void>((resolve, reject) => {
        onProgress(0.5);
        finish = () => { onProgress(1); resolve(); };
        fail = reject;
      });
      pending.push({ finish: () => { finish(); return put; }, fail });
      return put;
    },
    /** Ends the latest upload. */
    finish: () => pending[pending.length - 1].finish(),
    fail: (error: Error) => pending[pending.length - 1].fail(error),
  };
});
vi.mock("../create/upload", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../create/upload")>()),
  putWithProgress: vi.fn((_url: string, _file: File, onProgress: (fraction: number) => void) => upload.start(onProgress)),
}));

// jsdom has no object URLs; the picker's preview only needs a string.
beforeEach(() => {
  upload.pending.length = 0;
  URL.createObjectURL = vi.fn(() => "blob:preview");
  URL.revokeObjectURL = vi.fn();
});

function open(options: { api?: FakeApi; route?: string } = {}) {
  return renderWithServices(<CreatePage />, { api: options.api, route: options.route ?? "/create", path: "/create" });
}

const promptBox = () => screen.getByRole("textbox", { name: /^Prompt/ });
const generate = () => screen.getByRole("button", { name: /^(Generate|Starting|Uploading)/ });

describe("CreatePage limits and prices", () => {
  it("counts prompt characters against promptMaxChars from the plans listing", async () => {
    const api = fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, promptMaxChars: 120 } })) });
    open({ api });
    expect(await screen.findByTestId("prompt-counter")).toHaveTextContent("0 / 120");
    await userEvent.type(promptBox(), "A fox");
    expect(screen.getByTestId("prompt-counter")).toHaveTextContent("5 / 120");
  });

  it("marks the counter when the prompt is too long and refuses to send it", async () => {
    const api = fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, promptMaxChars: 5 } })) });
    open({ api });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "abcdefg");
    expect(screen.getByTestId("prompt-counter")).toHaveClass("over");
    await userEvent.click(generate());
    expect(screen.getByRole("alert")).toHaveTextContent("The prompt is 7 characters; the limit is 5.");
    expect(api.createJob).not.toHaveBeenCalled();
  });

  it("shows each length with its credit cost and prices the button by the chosen length", async () => {
    open();
    const lengths = within(await screen.findByRole("group", { name: "Length" }));
    expect(lengths.getByRole("radio", { name: "5 s · 1 credit" })).toBeChecked();
    expect(lengths.getByRole("radio", { name: "10 s · 2 credits" })).toBeInTheDocument();
    expect(lengths.getByRole("radio", { name: "15 s · 3 credits" })).toBeInTheDocument();
    await screen.findByRole("button", { name: "Generate · 1 credit" });
    await userEvent.click(lengths.getByRole("radio", { name: "15 s · 3 credits" }));
    expect(generate()).toHaveTextContent("Generate · 3 credits");
  });

  it("offers the lengths the limits list and starts at the first", async () => {
    const durations = [{ durationSec: 4, credits: 1 }, { durationSec: 8, credits: 3 }];
    open({ api: fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, durations } })) }) });
    const lengths = within(await screen.findByRole("group", { name: "Length" }));
    expect(lengths.getAllByRole("radio").map((radio) => radio.getAttribute("value"))).toEqual(["4", "8"]);
    expect(lengths.getByRole("radio", { name: "4 s · 1 credit" })).toBeChecked();
    await userEvent.click(lengths.getByRole("radio", { name: "8 s · 3 credits" }));
    expect(generate()).toHaveTextContent("Generate · 3 credits");
  });

  it("offers the aspect ratios the limits list, labelled where a word is known, the first chosen", async () => {
    const api = fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, aspectRatios: ["1:1", "9:16"] } })) });
    open({ api });
    const ratios = within(await screen.findByRole("group", { name: "Aspect ratio" }));
    expect(ratios.getAllByRole("radio").map((radio) => radio.getAttribute("value"))).toEqual(["1:1", "9:16"]);
    expect(ratios.getByRole("radio", { name: "1:1" })).toBeChecked();
    expect(ratios.getByRole("radio", { name: "9:16 portrait" })).not.toBeChecked();
    expect(ratios.queryByRole("radio", { name: /16:9 landscape/ })).not.toBeInTheDocument();

    await userEvent.type(promptBox(), "A square lighthouse");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(api.createJob.mock.calls[0][0]).toMatchObject({ aspectRatio: "1:1", durationSec: 5 });
  });

  it("checks the seed against maxSeed from the limits", async () => {
    const { api } = open({ api: fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, maxSeed: 999 } })) }) });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Waves");
    await userEvent.type(screen.getByRole("textbox", { name: "Seed (optional)" }), "1000");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(screen.getByRole("alert")).toHaveTextContent("The seed must be a whole number from 0 to 999.");
    expect(api.createJob).not.toHaveBeenCalled();
  });

  it("disables Generate and links to buying credits when the balance is below the cost", async () => {
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits: 2 })) });
    open({ api });
    await screen.findByRole("button", { name: "Generate · 1 credit" });
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    expect(screen.queryByRole("link", { name: "Buy more credits" })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole("radio", { name: "15 s · 3 credits" }));
    expect(generate()).toBeDisabled();
    expect(screen.getByText(/This video costs 3 credits and you have 2 credits\./)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Buy more credits" })).toHaveAttribute("href", "/account");
  });

  it("keeps Generate disabled until the balance is known", async () => {
    const api = fakeApi({ balance: () => new Promise(() => {}) });
    open({ api });
    expect(await screen.findByRole("button", { name: "Generate · 1 credit" })).toBeDisabled();
  });

  it("shows the API's sentence when the limits can't be read", async () => {
    const api = fakeApi({ plans: () => Promise.reject(new ApiError(0, "network", "CineWeave can't be reached right now.")) });
    open({ api });
    expect(await screen.findByRole("alert")).toHaveTextContent("CineWeave can't be reached right now.");
    expect(screen.queryByRole("form")).not.toBeInTheDocument();
  });
});

describe("CreatePage submitting", () => {
  it("sends the body built from the form with an Idempotency-Key, then opens the job", async () => {
    const { api } = open();
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "  A lighthouse at dawn ");
    await userEvent.click(screen.getByText("Negative prompt"));
    await userEvent.type(screen.getByRole("textbox", { name: "Negative prompt" }), "text, watermark");
    await userEvent.click(screen.getByRole("radio", { name: "9:16 portrait" }));
    await userEvent.click(screen.getByRole("radio", { name: "10 s · 2 credits" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Seed (optional)" }), "42");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());

    expect(api.createJob).toHaveBeenCalledTimes(1);
    const [body, key] = api.createJob.mock.calls[0];
    expect(body).toEqual({
      prompt: "A lighthouse at dawn", negativePrompt: "text, watermark", durationSec: 10, aspectRatio: "9:16", seed: 42,
    });
    expect(key).toMatch(/\S{8,}/);
    expect(await screen.findByTestId("location")).toHaveTextContent("/jobs/job-new");
    expect(api.balance).toHaveBeenCalledTimes(2); // the header balance follows the reservation
  });

  it("leaves out the optional fields that were not filled in", async () => {
    const { api } = open();
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Rain on a window");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(api.createJob.mock.calls[0][0]).toEqual({ prompt: "Rain on a window", durationSec: 5, aspectRatio: "16:9" });
  });

  it("asks for a prompt instead of sending an empty one", async () => {
    const { api } = open();
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(screen.getByRole("alert")).toHaveTextContent("Describe the video you want in the prompt.");
    expect(api.createJob).not.toHaveBeenCalled();
  });

  it("refuses a seed that is not a whole number", async () => {
    const { api } = open();
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Waves");
    await userEvent.type(screen.getByRole("textbox", { name: "Seed (optional)" }), "12a");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(screen.getByRole("alert")).toHaveTextContent(`The seed must be a whole number from 0 to ${LIMITS.maxSeed}.`);
    expect(api.createJob).not.toHaveBeenCalled();
  });

  it("shows the message of a refused request and stays on the form", async () => {
    const api = fakeApi({
      createJob: () => Promise.reject(new ApiError(429, "too_many_active_jobs", "You already have 2 videos rendering; wait for one to finish.")),
    });
    open({ api });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Neon city");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(await screen.findByRole("alert")).toHaveTextContent("You already have 2 videos rendering; wait for one to finish.");
    expect(screen.queryByTestId("location")).not.toBeInTheDocument();
    expect(generate()).toBeEnabled();
    expect(promptBox()).toHaveValue("Neon city");
  });

  it("retries an unchanged form with the same key and a changed one with a new key", async () => {
    const api = fakeApi({ createJob: () => Promise.reject(new ApiError(503, "busy", "Busy; try again.")) });
    open({ api });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Neon city");
    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    await screen.findByRole("alert");
    await userEvent.click(generate());
    await userEvent.type(promptBox(), "!");
    await userEvent.click(generate());
    await vi.waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(3));
    const keys = api.createJob.mock.calls.map((call) => call[1]);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});

describe("CreatePage from an earlier job", () => {
  it("pre-fills prompt, seed and settings from ?from=<jobId>", async () => {
    const api = fakeApi({
      job: (jobId) => Promise.resolve(job({
        jobId, prompt: "Foxes in snow", negativePrompt: "blur", seed: 777, durationSec: 15, aspectRatio: "9:16",
        imageKey: "uploads/old.png",
      })),
    });
    open({ api, route: "/create?from=job-9" });
    await vi.waitFor(() => expect(promptBox()).toHaveValue("Foxes in snow"));
    expect(api.job).toHaveBeenCalledWith("job-9");
    expect(screen.getByRole("textbox", { name: "Seed (optional)" })).toHaveValue("777");
    expect(screen.getByRole("textbox", { name: "Negative prompt" })).toHaveValue("blur");
    expect(screen.getByRole("radio", { name: "15 s · 3 credits" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "9:16 portrait" })).toBeChecked();
    expect(screen.getByTestId("prompt-counter")).toHaveTextContent(`13 / ${LIMITS.promptMaxChars}`);

    await vi.waitFor(() => expect(generate()).toBeEnabled());
    await userEvent.click(generate());
    expect(api.createJob.mock.calls[0][0]).toEqual({
      prompt: "Foxes in snow", negativePrompt: "blur", seed: 777, durationSec: 15, aspectRatio: "9:16",
    });
  });

  it("does not read a job without ?from=", async () => {
    const { api } = open();
    await screen.findByTestId("prompt-counter");
    expect(api.job).not.toHaveBeenCalled();
  });

  it("says so when the earlier job can't be read", async () => {
    const api = fakeApi({ job: () => Promise.reject(new ApiError(404, "not_found", "No such video.")) });
    open({ api, route: "/create?from=gone" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Couldn't load the earlier video: No such video.");
    expect(promptBox()).toHaveValue("");
  });
});

describe("CreatePage starting image", () => {
  const png = () => new File(["png-bytes"], "start.png", { type: "image/png" });

  /** A prompt typed and one image picked, its upload still in flight. */
  async function startUploading(): Promise<FakeApi> {
    const api = fakeApi({
      createUpload: () => Promise.resolve({ imageKey: "uploads/user-1/abc.png", uploadUrl: "https://storage.test/put", expiresAt: "" }),
    });
    open({ api });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Start here");
    await userEvent.upload(screen.getByLabelText("Starting image"), png());
    await screen.findByRole("button", { name: "Uploading image…" });
    return api;
  }

  it("uploads the image, waits for it, and sends its key", async () => {
    const api = fakeApi({
      createUpload: () => Promise.resolve({ imageKey: "uploads/user-1/abc.png", uploadUrl: "https://storage.test/put", expiresAt: "" }),
    });
    open({ api });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Start here");
    await userEvent.upload(screen.getByLabelText("Starting image"), png());
    expect(api.createUpload).toHaveBeenCalledWith("image/png", 9);
    expect(await screen.findByRole("button", { name: "Uploading image…" })).toBeDisabled();
    expect(screen.getByRole("progressbar", { name: "Upload progress" })).toHaveAttribute("aria-valuenow", "50");

    await act(() => upload.finish());
    expect(await screen.findByText("Uploaded — the video starts from this image.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Generate · 1 credit" }));
    expect(api.createJob.mock.calls[0][0]).toMatchObject({ imageKey: "uploads/user-1/abc.png" });
  });

  it("forgets an image removed while it was still uploading", async () => {
    const api = await startUploading();
    await userEvent.click(screen.getByRole("button", { name: "Remove image" }));
    expect(screen.getByRole("button", { name: "Generate · 1 credit" })).toBeEnabled();

    await act(() => upload.finish());
    expect(screen.queryByText("Uploaded — the video starts from this image.")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Generate · 1 credit" }));
    expect(api.createJob.mock.calls[0][0]).not.toHaveProperty("imageKey");
  });

  it("keeps the image picked last when an earlier upload finishes later", async () => {
    let made = 0;
    const api = fakeApi({
      createUpload: () => Promise.resolve({ imageKey: `uploads/user-1/${++made}.png`, uploadUrl: "https://storage.test/put", expiresAt: "" }),
    });
    open({ api });
    await userEvent.type(await screen.findByRole("textbox", { name: /^Prompt/ }), "Start here");
    const picker = screen.getByLabelText("Starting image");
    await userEvent.upload(picker, png());
    await vi.waitFor(() => expect(upload.pending).toHaveLength(1));
    await userEvent.upload(picker, new File(["second"], "second.png", { type: "image/png" }));
    await vi.waitFor(() => expect(upload.pending).toHaveLength(2));

    await act(() => upload.pending[1].finish());
    expect(await screen.findByText("Uploaded — the video starts from this image.")).toBeInTheDocument();
    await act(() => upload.pending[0].finish());
    await userEvent.click(screen.getByRole("button", { name: "Generate · 1 credit" }));
    expect(api.createJob.mock.calls[0][0]).toMatchObject({ imageKey: "uploads/user-1/2.png" });
  });

  it("refuses an unsupported file before asking for an upload", async () => {
    const { api } = open();
    const user = userEvent.setup({ applyAccept: false });
    await user.upload(await screen.findByLabelText("Starting image"), new File(["gif"], "anim.gif", { type: "image/gif" }));
    expect(screen.getByRole("alert")).toHaveTextContent("anim.gif is not a PNG, JPEG or WebP image.");
    expect(api.createUpload).not.toHaveBeenCalled();
  });

  it("takes the accepted types and the size limit from the limits", async () => {
    const pngUpTo1MB = { contentTypes: ["image/png"], maxBytes: 1024 * 1024 };
    const { api } = open({ api: fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, upload: pngUpTo1MB } })) }) });
    const picker = await screen.findByLabelText("Starting image");
    expect(picker).toHaveAttribute("accept", "image/png");
    expect(screen.getByText("· PNG up to 1.0 MB", { exact: false })).toBeInTheDocument();

    const user = userEvent.setup({ applyAccept: false });
    await user.upload(picker, new File(["jpeg"], "photo.jpg", { type: "image/jpeg" }));
    expect(screen.getByRole("alert")).toHaveTextContent("photo.jpg is not a PNG image.");
    const big = new File(["png"], "big.png", { type: "image/png" });
    Object.defineProperty(big, "size", { value: 2 * 1024 * 1024 });
    await user.upload(picker, big);
    expect(screen.getByRole("alert")).toHaveTextContent("big.png is 2.0 MB; images can be at most 1.0 MB.");
    expect(api.createUpload).not.toHaveBeenCalled();
  });

  it("drops the image when the upload fails and sends no key", async () => {
    const api = await startUploading();
    upload.fail(new Error("The image upload failed; check your connection and try again."));
    expect(await screen.findByRole("alert")).toHaveTextContent("The image upload failed");
    expect(screen.queryByRole("img", { name: "Starting image" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Generate · 1 credit" }));
    expect(api.createJob.mock.calls[0][0]).not.toHaveProperty("imageKey");
  });
});
