import { describe, expect, it } from "vitest";
import * as policy from "@aio/policy";

describe("@aio/policy exports", () => {
  it("exports exactly these names from its dist entry", () => {
    expect(Object.keys(policy).sort()).toMatchInlineSnapshot(`
      [
        "AbstractEventLoopPolicy",
        "BaseDefaultEventLoopPolicy",
        "DefaultEventLoopPolicy",
        "getEventLoop",
        "getEventLoopPolicy",
        "newEventLoop",
        "setEventLoop",
        "setEventLoopPolicy",
      ]
    `);
  });
});
