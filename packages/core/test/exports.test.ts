import { describe, expect, it } from "vitest";
import * as core from "../dist/index.js";

describe("@aio/core exports", () => {
  it("exports exactly these names from its dist entry", () => {
    expect(Object.keys(core).sort()).toMatchInlineSnapshot();
  });
});
