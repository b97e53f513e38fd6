import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { ApiKey } from "../api/types";
import { fakeApi, renderWithServices } from "../test/fakes";
import { ApiKeys } from "./ApiKeys";

const SECRET = "cw_Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk";
const LIMIT_MESSAGE = "You already have 10 API keys; revoke one to create another.";

/** The three key calls over one list, as the API keeps them: the secret is in the create answer only. */
function keyServer(initial: ApiKey[] = []) {
  let keys = [...initial];
  return fakeApi({
    apiKeys: () => Promise.resolve([...keys]),
    createApiKey: (name) => {
      if (keys.length >= 10) return Promise.reject(new ApiError(409, "conflict", LIMIT_MESSAGE));
      const info = { id: `k${keys.length + 1}`, name, prefix: SECRET.slice(0, 11), createdAt: "2026-12-01T10:00:00Z", lastUsedAt: null };
      keys = [...keys, info];
      return Promise.resolve({ id: info.id, name, key: SECRET, prefix: info.prefix, createdAt: info.createdAt });
    },
    deleteApiKey: (id) => {
      keys = keys.filter((key) => key.id !== id);
      return Promise.resolve();
    },
  });
}

function stored(n: number): ApiKey {
  return { id: `old${n}`, name: `Server ${n}`, prefix: `cw_old${n}`, createdAt: "2026-11-01T10:00:00Z", lastUsedAt: null };
}

describe("ApiKeys", () => {
  it("says when there are no keys yet", async () => {
    renderWithServices(<ApiKeys />, { api: keyServer() });
    expect(await screen.findByText(/No API keys yet/)).toBeInTheDocument();
  });

  it("shows a new key's secret once, and lists the key by its prefix only", async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(<ApiKeys />, { api: keyServer() });
    await screen.findByText(/No API keys yet/);
    await user.type(screen.getByLabelText("Key name"), "Render server");
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect(api.createApiKey).toHaveBeenCalledWith("Render server");
    expect(await screen.findByLabelText("New API key")).toHaveValue(SECRET);
    expect(screen.getByTestId("new-key")).toHaveTextContent("you won't see it again");
    const list = await screen.findByTestId("api-key-list");
    expect(within(list).getByText("Render server")).toBeInTheDocument();
    expect(within(list).getByText("cw_Zm9yLXRl…")).toBeInTheDocument();
    expect(list).not.toHaveTextContent(SECRET);
    expect(within(list).getByText("Never")).toBeInTheDocument();
    expect(screen.getByLabelText("Key name")).toHaveValue("");

    await user.click(screen.getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(screen.getByRole("button", { name: "Copied" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "I've saved it" }));
    expect(screen.queryByLabelText("New API key")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(screen.getByTestId("api-key-list")).toHaveTextContent("cw_Zm9yLXRl…");
  });

  it("selects the secret for copying by hand when the clipboard refuses", async () => {
    const user = userEvent.setup();
    renderWithServices(<ApiKeys />, { api: keyServer() });
    await user.type(await screen.findByLabelText("Key name"), "CI");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    const field = await screen.findByLabelText<HTMLInputElement>("New API key");
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new Error("denied"));
    await user.click(screen.getByRole("button", { name: "Copy" }));
    expect(await screen.findByText(/the text is selected/)).toBeInTheDocument();
    expect(field).toHaveFocus();
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, SECRET.length]);
  });

  it("lists stored keys with when they were last used", async () => {
    const keys = [stored(1), { ...stored(2), lastUsedAt: "2026-11-30T08:15:00Z" }];
    renderWithServices(<ApiKeys />, { api: keyServer(keys) });
    const rows = within(await screen.findByTestId("api-key-list")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Server 1");
    expect(rows[0]).toHaveTextContent("cw_old1…");
    expect(rows[0]).toHaveTextContent("Never");
    expect(rows[1]).not.toHaveTextContent("Never");
  });

  it("revokes a key after a confirmation, and keeps it when told to", async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(<ApiKeys />, { api: keyServer([stored(1), stored(2)]) });
    await user.click(await screen.findByRole("button", { name: "Revoke Server 1" }));
    await user.click(screen.getByRole("button", { name: "Keep" }));
    expect(api.deleteApiKey).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Revoke Server 1" }));
    expect(screen.getByText(/stops working at once/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Revoke key" }));
    expect(api.deleteApiKey).toHaveBeenCalledWith("old1");
    await vi.waitFor(() => expect(screen.queryByText("Server 1")).not.toBeInTheDocument());
    expect(screen.getByText("Server 2")).toBeInTheDocument();
  });

  it("says why a key can't be revoked", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      apiKeys: () => Promise.resolve([stored(1)]),
      deleteApiKey: () => Promise.reject(new ApiError(404, "not_found", "No such API key.")),
    });
    renderWithServices(<ApiKeys />, { api });
    await user.click(await screen.findByRole("button", { name: "Revoke Server 1" }));
    await user.click(screen.getByRole("button", { name: "Revoke key" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("No such API key.");
  });

  it("shows the API's message when the key limit is reached", async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(<ApiKeys />, { api: keyServer(Array.from({ length: 10 }, (_, n) => stored(n))) });
    await user.type(await screen.findByLabelText("Key name"), "Eleventh");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(LIMIT_MESSAGE);
    expect(screen.queryByLabelText("New API key")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Key name")).toHaveValue("Eleventh");
    expect(api.createApiKey).toHaveBeenCalledTimes(1);
  });

  it("shows why the keys can't be listed", async () => {
    renderWithServices(<ApiKeys />, { api: fakeApi({ apiKeys: () => Promise.reject(new Error("The server answered HTTP 502.")) }) });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server answered HTTP 502.");
  });
});
