import { afterEach, describe, expect, it, vi } from "vitest";
import { consoleLogger, logger, setLogger } from "../src/index.js";
import type { Logger } from "../src/index.js";

afterEach(() => {
  setLogger(null);
  vi.restoreAllMocks();
});

describe("setLogger", () => {
  it("routes the asyncio logger to a sink and returns the previous one", () => {
    const lines: [string, string, unknown][] = [];
    const sink: Logger = {
      debug: (message, error) => lines.push(["debug", message, error]),
      info: (message, error) => lines.push(["info", message, error]),
      warning: (message, error) => lines.push(["warning", message, error]),
      error: (message, error) => lines.push(["error", message, error]),
    };
    expect(setLogger(sink)).toBe(consoleLogger);
    const error = new Error("boom");
    logger.debug("d");
    logger.info("i");
    logger.warning("w");
    logger.error("e", error);
    expect(lines).toEqual([
      ["debug", "d", undefined],
      ["info", "i", undefined],
      ["warning", "w", undefined],
      ["error", "e", error],
    ]);
    expect(setLogger(null)).toBe(sink);
  });

  it("drops debug and info by default, as Python's unconfigured logging (level WARNING) does", () => {
    const spies = (["debug", "info", "log", "warn", "error"] as const).map((name) => vi.spyOn(console, name).mockImplementation(() => {}));
    logger.debug("Close <EventLoop running=false closed=false debug=true>");
    logger.info("poll took 1.000 ms");
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    logger.warning("Executing <Handle> took 0.200 seconds");
    expect(spies[3]).toHaveBeenCalledTimes(1);
  });

  it("writes errors to stderr through the console by default, with the stack", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const error = new Error("boom");
    logger.error("Task exception was never retrieved", error);
    expect(spy).toHaveBeenCalledTimes(1);
    const text = spy.mock.calls[0]![0] as string;
    expect(text.split("\n")[0]).toBe("Task exception was never retrieved");
    expect(text).toContain("Error: boom");
  });

  it("prints a non-Error detail as text", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    logger.warning("Executing took 1.2 seconds", "detail");
    expect(spy).toHaveBeenCalledWith("Executing took 1.2 seconds\ndetail");
  });
});
