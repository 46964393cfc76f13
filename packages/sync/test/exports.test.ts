import { describe, expect, it } from "vitest";
import * as api from "@aio/sync";

describe("@aio/sync exports", () => {
  it("exports exactly the reviewed names", () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });
});
