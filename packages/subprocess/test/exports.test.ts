import { describe, expect, it } from "vitest";
import * as api from "@aio/subprocess";

describe("@aio/subprocess exports", () => {
  it("exports exactly the reviewed names", () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });
});
