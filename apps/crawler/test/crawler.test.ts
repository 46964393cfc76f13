import { asyncWith } from "@aio/core";
import { run, timeout } from "@aio/tasks";
import { describe, expect, it } from "vitest";
import { crawl } from "../src/crawler.js";
import { startFixtureServer } from "../src/fixture-server.js";
import { httpGet } from "../src/http-get.js";
import { startApp } from "./support/app-process.js";

interface Line {
  done: number;
  total: number;
  ok: boolean;
  path: string;
  detail: string;
  attempts: number;
}

function parse(stdout: string): { header: string; results: Line[]; summary: string[] } {
  const lines = stdout.trimEnd().split("\n");
  const results = lines.slice(1, -2).map((line) => {
    const match = /^\[(\d+)\/(\d+)\] (ok|FAILED) (\S+) \((.*); (\d+) attempts?\)$/.exec(line);
    if (match === null) throw new Error(`unexpected progress line: ${line}`);
    return { done: Number(match[1]), total: Number(match[2]), ok: match[3] === "ok", path: match[4] ?? "", detail: match[5] ?? "", attempts: Number(match[6]) };
  });
  return { header: lines[0] ?? "", results, summary: lines.slice(-2) };
}

describe("crawler (dist/main.js)", () => {
  it("fetches every page, retrying the flaky ones, and gives up on the one that never answers", async () => {
    const args = ["--pages", "10", "--flaky", "4", "--fail-first", "2", "--retries", "2", "--concurrency", "3", "--timeout", "0.2", "--backoff", "0.005"];
    const { code, stdout, stderr } = await startApp("main.js", args).exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const { header, results, summary } = parse(stdout);
    expect(header).toMatch(/^crawling 16 paths on 127\.0\.0\.1:\d+: concurrency 3, 2 retries, timeout 0\.2 s$/);
    // Progress counts up one by one.
    expect(results.map((result) => `${result.done}/${result.total}`)).toEqual(Array.from({ length: 16 }, (_, i) => `${i + 1}/16`));
    const byPath = new Map(results.map((result) => [result.path, result]));
    for (let i = 1; i <= 10; i++) expect(byPath.get(`/page/${i}`)).toMatchObject({ ok: true, attempts: 1, detail: `200, ${`this is /page/${i}\n`.length} bytes` });
    for (let i = 1; i <= 4; i++) expect(byPath.get(`/flaky/${i}`)).toMatchObject({ ok: true, attempts: 3 });
    expect(byPath.get("/hang")).toMatchObject({ ok: false, attempts: 3, detail: "TimeoutError after 0.2 s" });
    expect(byPath.get("/missing")).toMatchObject({ ok: false, attempts: 1, detail: "404, 10 bytes" });
    expect(summary[0]).toBe("done: 14 ok, 2 failed (/missing, /hang)");
    const server = /^server: (\d+) requests, at most (\d+) at once \(limit 3\)$/.exec(summary[1] ?? "");
    expect(server).not.toBeNull();
    expect(Number(server?.[1])).toBe(10 + 4 * 3 + 3 + 1);
    expect(Number(server?.[2])).toBeGreaterThanOrEqual(1);
    expect(Number(server?.[2])).toBeLessThanOrEqual(3);
  });

  it("reports a flaky page as failed when it fails more often than the retry budget allows", async () => {
    const args = ["--pages", "1", "--flaky", "1", "--fail-first", "3", "--retries", "2", "--timeout", "0.2", "--backoff", "0.001"];
    const { code, stdout } = await startApp("main.js", args).exited;
    expect(code).toBe(0);
    const byPath = new Map(parse(stdout).results.map((result) => [result.path, result]));
    expect(byPath.get("/flaky/1")).toMatchObject({ ok: false, attempts: 3, detail: "Transient: HTTP 503" });
    expect(byPath.get("/page/1")).toMatchObject({ ok: true, attempts: 1 });
  });
});

describe("crawl", () => {
  it("never has more requests in flight than its concurrency", async () => {
    const { stats, results } = await run(async () => {
      const fixture = await startFixtureServer({ failFirst: 1, delay: 0.005 });
      try {
        const paths = [...Array.from({ length: 12 }, (_, i) => `/page/${i}`), "/flaky/1", "/flaky/2"];
        const results = await crawl(paths, { host: "127.0.0.1", port: fixture.port, concurrency: 2, workers: 6, retries: 1, backoff: 0.001 });
        return { stats: fixture.stats, results };
      } finally {
        await fixture.close();
      }
    });
    expect(results.every((result) => result.ok)).toBe(true);
    expect(stats.requests).toBe(16);
    expect(stats.maxConcurrent).toBeLessThanOrEqual(2);
  });

  it("with one worker, fetches the paths one at a time in queue order", async () => {
    const { stats, results } = await run(async () => {
      const fixture = await startFixtureServer({ failFirst: 0 });
      try {
        const paths = ["/page/3", "/page/1", "/missing", "/page/2"];
        const results = await crawl(paths, { host: "127.0.0.1", port: fixture.port, concurrency: 1, workers: 1 });
        return { stats: fixture.stats, results };
      } finally {
        await fixture.close();
      }
    });
    expect(results.map((result) => [result.path, result.ok])).toEqual([["/page/3", true], ["/page/1", true], ["/missing", false], ["/page/2", true]]);
    expect(stats.maxConcurrent).toBe(1);
  });
});

describe("httpGet", () => {
  it("reads the status, the headers and a Content-Length body over @aio streams", async () => {
    const response = await run(async () => {
      const fixture = await startFixtureServer({ failFirst: 1 });
      try {
        const first = await httpGet("127.0.0.1", fixture.port, "/flaky/7");
        const second = await httpGet("127.0.0.1", fixture.port, "/flaky/7");
        return { first, second };
      } finally {
        await fixture.close();
      }
    });
    expect(response.first.status).toBe(503);
    expect(response.second.status).toBe(200);
    expect(response.second.headers.get("content-type")).toBe("text/plain");
    expect(response.second.headers.get("connection")).toBe("close");
    expect(response.second.body.toString()).toBe("this is /flaky/7, after 1 failures\n");
  });

  it("is cancelled by a timeout while the server does not answer", async () => {
    const outcome = await run(async () => {
      const fixture = await startFixtureServer({ failFirst: 0 });
      try {
        await asyncWith(timeout(0.05), () => httpGet("127.0.0.1", fixture.port, "/hang"));
        return "answered";
      } catch (error) {
        return (error as Error).name;
      } finally {
        await fixture.close();
      }
    });
    expect(outcome).toBe("TimeoutError");
  });
});
