import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { ApiClient } from "../api/client";
import { fakeApi, renderWithServices } from "../test/fakes";
import { CreatePage } from "./CreatePage";

// The presigned PUT ends at once; these tests are about what the create answer does to the form.
vi.mock("../create/upload", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../create/upload")>()),
  putWithProgress: vi.fn(() => Promise.resolve()),
}));

beforeEach(() => {
  URL.createObjectURL = vi.fn(() => "blob:preview");
  URL.revokeObjectURL = vi.fn();
});

const violent = () => new ApiError(422, "content_policy", "This prompt can't be used for a video.", {
  field: "prompt", categories: ["Violent"],
});

/** The form with a prompt typed and Generate pressed, the create call answering with `answer`. */
async function submitRefused(answer: () => ReturnType<ApiClient["createJob"]>, prompt = "A duel [[flag:Violent]]") {
  const api = fakeApi({ createJob: answer });
  renderWithServices(<CreatePage />, { api, route: "/create", path: "/create" });
  await userEvent.type(await screen.findByRole("textbox", { name: "Prompt" }), prompt);
  const generate = screen.getByRole("button", { name: /^Generate/ });
  await vi.waitFor(() => expect(generate).toBeEnabled());
  await userEvent.click(generate);
  return api;
}

describe("CreatePage refusals", () => {
  it("shows a content-policy refusal beside the prompt with its categories", async () => {
    await submitRefused(() => Promise.reject(violent()));
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    const message = await screen.findByRole("alert");
    expect(message).toHaveTextContent("This prompt can't be used for a video. Flagged: Violent");
    expect(prompt).toHaveAttribute("aria-invalid", "true");
    expect(prompt).toHaveAttribute("aria-describedby", message.id);
    expect(prompt).toHaveAccessibleDescription(/Flagged: Violent/);
    expect(prompt.closest(".field")).toContainElement(message);
    expect(screen.queryByTestId("location")).not.toBeInTheDocument();
  });

  it("lists every category it was flagged for", async () => {
    await submitRefused(() => Promise.reject(new ApiError(422, "content_policy", "Not allowed.", {
      field: "prompt", categories: ["Violent", "Illicit Drugs"],
    })));
    expect(await screen.findByRole("alert")).toHaveTextContent("Flagged: Violent, Illicit Drugs");
  });

  it("clears the refusal once the prompt is edited", async () => {
    await submitRefused(() => Promise.reject(violent()));
    await screen.findByRole("alert");
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await userEvent.type(prompt, "!");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(prompt).not.toHaveAttribute("aria-invalid");
    expect(prompt).not.toHaveAttribute("aria-describedby");
  });

  it("keeps the refusal when another field is edited", async () => {
    await submitRefused(() => Promise.reject(violent()));
    await screen.findByRole("alert");
    await userEvent.type(screen.getByRole("textbox", { name: "Seed (optional)" }), "7");
    expect(screen.getByRole("alert")).toHaveTextContent("Flagged: Violent");
  });

  it("opens the negative prompt to show a refusal of it", async () => {
    await submitRefused(() => Promise.reject(new ApiError(422, "content_policy", "The negative prompt can't be used.", {
      field: "negativePrompt", categories: ["Blocked term"],
    })));
    const negative = screen.getByRole("textbox", { name: "Negative prompt" });
    expect(await screen.findByRole("alert")).toHaveTextContent("The negative prompt can't be used. Flagged: Blocked term");
    expect(negative).toBeVisible();
    expect(negative).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("textbox", { name: "Prompt" })).not.toHaveAttribute("aria-invalid");
  });

  it("shows a refusal of the starting image beside the picker until the image is removed", async () => {
    const api = fakeApi({
      createUpload: () => Promise.resolve({ imageKey: "uploads/user-1/a.png", uploadUrl: "https://storage.test/put", expiresAt: "" }),
      createJob: () => Promise.reject(new ApiError(422, "content_policy", "This image can't be used.", {
        field: "imageKey", categories: ["adult", "racy"],
      })),
    });
    renderWithServices(<CreatePage />, { api, route: "/create", path: "/create" });
    await userEvent.type(await screen.findByRole("textbox", { name: "Prompt" }), "Start here");
    await userEvent.upload(screen.getByLabelText("Starting image"), new File(["png"], "a.png", { type: "image/png" }));
    await screen.findByText("Uploaded — the video starts from this image.");
    await userEvent.click(screen.getByRole("button", { name: /^Generate/ }));

    const message = await screen.findByRole("alert");
    expect(message).toHaveTextContent("This image can't be used. Flagged: adult, racy");
    expect(screen.getByLabelText("Starting image")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("button", { name: "Remove image" })).toHaveAccessibleDescription(/Flagged: adult, racy/);
    await userEvent.click(screen.getByRole("button", { name: "Remove image" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Starting image")).not.toHaveAttribute("aria-invalid");
  });

  it("shows a field error without categories beside its field too", async () => {
    await submitRefused(() => Promise.reject(new ApiError(400, "invalid_argument", "prompt is longer than 2000 characters.", {
      field: "prompt",
    })));
    const message = await screen.findByRole("alert");
    expect(message).toHaveTextContent("prompt is longer than 2000 characters.");
    expect(message).not.toHaveTextContent("Flagged");
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveAttribute("aria-invalid", "true");
  });

  it.each([
    [429, "rate_limited", "Too many refused requests; try again in an hour."],
    [503, "unavailable", "Content checks are unavailable; try again in a minute."],
  ])("shows a %i without a field above the button", async (status, code, sentence) => {
    await submitRefused(() => Promise.reject(new ApiError(status, code, sentence)));
    const message = await screen.findByRole("alert");
    expect(message).toHaveTextContent(sentence);
    expect(message).toHaveClass("notice");
    expect(screen.getByRole("textbox", { name: "Prompt" })).not.toHaveAttribute("aria-invalid");
  });

  it("reads the balance again after a refusal, so the header shows what was not charged", async () => {
    const api = await submitRefused(() => Promise.reject(violent()));
    await screen.findByRole("alert");
    await vi.waitFor(() => expect(api.balance).toHaveBeenCalledTimes(2));
  });
});
