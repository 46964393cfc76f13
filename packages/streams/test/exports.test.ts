import { describe, expect, it } from "vitest";
import * as api from "@aio/streams";

describe("@aio/streams exports", () => {
  it("exports exactly the reviewed names", () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });
});

describe("loop methods (registration on import)", () => {
  it("registers the network methods this package provides", () => {
    expect(api.loopMethodsRegistered).toBe(true);
  });
});
