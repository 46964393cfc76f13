/**
 * `pnpm --filter @aio-apps/crawler start [-- --pages 8 --flaky 3 --fail-first 2 --concurrency 3
 * --retries 3 --timeout 0.2 --backoff 0.01 --delay 0.01]`: starts the fixture HTTP server on 127.0.0.1, crawls
 * its pages (some flaky, one that never answers, one missing), prints each result as it comes, and
 * a summary with the most requests the server saw at once.
 */
import { parseArgs } from "node:util";
import { run } from "@aio/tasks";
import { crawl } from "./crawler.js";
import { startFixtureServer } from "./fixture-server.js";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "8" },
    flaky: { type: "string", default: "3" },
    "fail-first": { type: "string", default: "2" },
    concurrency: { type: "string", default: "3" },
    retries: { type: "string", default: "3" },
    timeout: { type: "string", default: "0.2" },
    backoff: { type: "string", default: "0.01" },
    delay: { type: "string", default: "0.01" },
  },
});
const concurrency = Number(values.concurrency);
const retries = Number(values.retries);
const perAttempt = Number(values.timeout);

await run(async () => {
  const fixture = await startFixtureServer({ failFirst: Number(values["fail-first"]), delay: Number(values.delay) });
  try {
    const paths = [
      ...Array.from({ length: Number(values.pages) }, (_, i) => `/page/${i + 1}`),
      ...Array.from({ length: Number(values.flaky) }, (_, i) => `/flaky/${i + 1}`),
      "/hang",
      "/missing",
    ];
    console.log(
      `crawling ${paths.length} paths on 127.0.0.1:${fixture.port}: concurrency ${concurrency}, ` +
        `${retries} retries, timeout ${perAttempt} s`,
    );
    const results = await crawl(paths, {
      host: "127.0.0.1",
      port: fixture.port,
      concurrency,
      retries,
      timeout: perAttempt,
      backoff: Number(values.backoff),
      onResult: (result, done, total) => {
        const attempts = `${result.attempts} attempt${result.attempts === 1 ? "" : "s"}`;
        console.log(`[${done}/${total}] ${result.ok ? "ok" : "FAILED"} ${result.path} (${result.detail}; ${attempts})`);
      },
    });
    const failed = results.filter((result) => !result.ok).map((result) => result.path);
    console.log(`done: ${results.length - failed.length} ok, ${failed.length} failed${failed.length > 0 ? ` (${failed.join(", ")})` : ""}`);
    const { requests, maxConcurrent } = fixture.stats;
    console.log(`server: ${requests} requests, at most ${maxConcurrent} at once (limit ${concurrency})`);
  } finally {
    await fixture.close();
  }
});
