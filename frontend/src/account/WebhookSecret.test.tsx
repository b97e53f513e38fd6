import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, renderWithServices } from "../test/fakes";
import { WebhookSecret } from "./WebhookSecret";

describe("WebhookSecret", () => {
  it("reads the secret only when asked to show it", async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(<WebhookSecret />, { api: fakeApi({ webhookSecret: () => Promise.resolve({ secret: "whsec_first" }) }) });
    expect(api.webhookSecret).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Reveal" }));
    expect(await screen.findByLabelText("Webhook signing secret")).toHaveValue("whsec_first");
    await user.click(screen.getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe("whsec_first");
  });

  it("rotates, shows the new secret and says the old one keeps working for 24 hours", async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(<WebhookSecret />, { api: fakeApi({ rotateWebhookSecret: () => Promise.resolve({ secret: "whsec_second" }) }) });
    expect(screen.getByText(/signed with both for 24 hours/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Rotate" }));
    expect(api.rotateWebhookSecret).toHaveBeenCalledTimes(1);
    expect(await screen.findByLabelText("Webhook signing secret")).toHaveValue("whsec_second");
    expect(screen.getByRole("status")).toHaveTextContent("The old one keeps working for 24 hours");
  });

  it("shows why the secret can't be read", async () => {
    const user = userEvent.setup();
    renderWithServices(<WebhookSecret />, { api: fakeApi({ webhookSecret: () => Promise.reject(new Error("The server answered HTTP 503.")) }) });
    await user.click(screen.getByRole("button", { name: "Reveal" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server answered HTTP 503.");
  });
});
