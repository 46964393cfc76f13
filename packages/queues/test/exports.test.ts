import { describe, expect, it } from "vitest";
import * as api from "@aio/queues";

describe("@aio/queues exports", () => {
  it("exports exactly the reviewed names", () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });
});
