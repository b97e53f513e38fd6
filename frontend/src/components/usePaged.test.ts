// @vitest-environment node
import { describe, expect, it } from "vitest";
import { mergeFirstPage } from "./usePaged";

const key = (row: { id: string }) => row.id;

describe("mergeFirstPage", () => {
  it("updates rows in place, puts new ones on top and keeps rows from later pages", () => {
    const shown = [{ id: "b", v: 1 }, { id: "c", v: 1 }, { id: "z", v: 1 }]; // z came from "load more"
    const fresh = [{ id: "a", v: 2 }, { id: "b", v: 2 }, { id: "c", v: 1 }];
    expect(mergeFirstPage(shown, fresh, key)).toEqual([
      { id: "a", v: 2 }, { id: "b", v: 2 }, { id: "c", v: 1 }, { id: "z", v: 1 },
    ]);
  });

  it("leaves the list alone when nothing changed", () => {
    const shown = [{ id: "a" }, { id: "b" }];
    expect(mergeFirstPage(shown, [{ id: "a" }], key)).toEqual(shown);
  });
});
