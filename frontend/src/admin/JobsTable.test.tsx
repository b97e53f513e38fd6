import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, job, renderWithServices } from "../test/fakes";
import { JobsTable } from "./JobsTable";

function setup() {
  const api = fakeApi({
    adminJobs: (query) => Promise.resolve({
      items: query.status === "canceled" ? [] : [
        job({ jobId: "j1", status: "failed", prompt: "Foxes in snow", userId: "uid-0123456789abcdef", error: { code: "worker_oom", message: "" } }),
      ],
      nextCursor: null,
    }),
  });
  renderWithServices(<JobsTable />, { api, credits: false });
  return api;
}

describe("JobsTable", () => {
  it("lists every user's jobs with status, length, user and error code", async () => {
    const api = setup();
    const table = await screen.findByTestId("admin-jobs");
    expect(await within(table).findByText("Foxes in snow")).toBeInTheDocument();
    expect(within(table).getByText("Failed")).toBeInTheDocument();
    expect(within(table).getByText("worker_oom")).toBeInTheDocument();
    expect(within(table).getByRole("button", { name: "uid-012345" })).toBeInTheDocument();
    expect(api.adminJobs).toHaveBeenCalledWith({ status: "", userId: "" }, null);
  });

  it("asks again with the chosen status", async () => {
    const api = setup();
    await screen.findByText("Foxes in snow");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Job status" }), "Canceled");
    expect(api.adminJobs).toHaveBeenLastCalledWith({ status: "canceled", userId: "" }, null);
    expect(await screen.findByText("No jobs match.")).toBeInTheDocument();
  });

  it("filters by a typed user id only when the form is sent", async () => {
    const api = setup();
    await screen.findByText("Foxes in snow");
    await userEvent.type(screen.getByRole("textbox", { name: "User id" }), " uid-42 ");
    expect(api.adminJobs).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole("button", { name: "Filter" }));
    expect(api.adminJobs).toHaveBeenLastCalledWith({ status: "", userId: "uid-42" }, null);
  });

  it("filters by a job's user when the user is clicked", async () => {
    const api = setup();
    await userEvent.click(await screen.findByRole("button", { name: "uid-012345" }));
    expect(api.adminJobs).toHaveBeenLastCalledWith({ status: "", userId: "uid-0123456789abcdef" }, null);
    expect(screen.getByRole("textbox", { name: "User id" })).toHaveValue("uid-0123456789abcdef");
  });
});
