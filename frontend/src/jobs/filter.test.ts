// @vitest-environment node
import { describe, expect, it } from "vitest";
import { job } from "../test/fakes";
import { filterJobs } from "./filter";

const jobs = [
  job({ jobId: "a", status: "done", prompt: "A Paper boat on a rainy street" }),
  job({ jobId: "b", status: "failed", prompt: "Neon city at night, rain" }),
  job({ jobId: "c", status: "running", prompt: "A cat chasing a paper ball" }),
];
const ids = (list: typeof jobs) => list.map((j) => j.jobId);

describe("filterJobs", () => {
  it("keeps everything for an empty query and no status", () => {
    expect(ids(filterJobs(jobs, "", ""))).toEqual(["a", "b", "c"]);
    expect(ids(filterJobs(jobs, "   ", ""))).toEqual(["a", "b", "c"]);
  });

  it("matches prompts case-insensitively", () => {
    expect(ids(filterJobs(jobs, "PAPER", ""))).toEqual(["a", "c"]);
  });

  it("needs every word, in any order", () => {
    expect(ids(filterJobs(jobs, "street  paper", ""))).toEqual(["a"]);
    expect(ids(filterJobs(jobs, "paper neon", ""))).toEqual([]);
  });

  it("filters by status, alone or with a query", () => {
    expect(ids(filterJobs(jobs, "", "failed"))).toEqual(["b"]);
    expect(ids(filterJobs(jobs, "paper", "running"))).toEqual(["c"]);
    expect(ids(filterJobs(jobs, "paper", "failed"))).toEqual([]);
  });
});
