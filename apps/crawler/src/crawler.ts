/**
 * The crawler: worker tasks take URLs from a Queue, a Semaphore bounds the requests in flight, each
 * attempt runs under a timeout, and failures that may pass (503, timeouts, resets) are retried with
 * exponential backoff. The Python program it mirrors uses asyncio.Queue, asyncio.Semaphore,
 * asyncio.timeout and asyncio.sleep the same way.
 */
import { OSError, TimeoutError, asyncWith, isCancelledError } from "@aio/core";
import { Queue } from "@aio/queues";
import { Semaphore } from "@aio/sync";
import { TaskGroup, sleep, timeout } from "@aio/tasks";
import { httpGet } from "./http-get.js";
import type { HttpResponse } from "./http-get.js";

/** Options of {@link crawl}. */
export interface CrawlOptions {
  host: string;
  port: number;
  /** Requests in flight at most (default 3). */
  concurrency?: number;
  /** Worker tasks; more than `concurrency` keeps the slots busy while others back off (default 2 × concurrency). */
  workers?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Seconds one attempt may take (default 1). */
  timeout?: number;
  /** Seconds before the first retry, doubled for each further one (default 0.01). */
  backoff?: number;
  /** Called as each path finishes. */
  onResult?: (result: CrawlResult, done: number, total: number) => void;
}

/** How one path ended. */
export interface CrawlResult {
  path: string;
  ok: boolean;
  attempts: number;
  /** Status and size for a success; the last error for a failure. */
  detail: string;
}

/** A failure worth another attempt. */
class Transient extends Error {
  override name = "Transient";
}

/** Fetches every path; returns the results in the order the paths finished. */
export async function crawl(paths: readonly string[], options: CrawlOptions): Promise<CrawlResult[]> {
  const { host, port, concurrency = 3, retries = 3, backoff = 0.01, onResult = () => undefined } = options;
  const { workers = 2 * concurrency } = options;
  const perAttempt = options.timeout ?? 1;
  const jobs = new Queue<string>();
  const slots = new Semaphore(concurrency);
  const results: CrawlResult[] = [];

  const attempt = async (path: string): Promise<HttpResponse> =>
    // The slot is held for one attempt only, never during a backoff sleep.
    asyncWith(slots, () =>
      asyncWith(timeout(perAttempt), async () => {
        const response = await httpGet(host, port, path);
        if (response.status >= 500) throw new Transient(`HTTP ${response.status}`);
        return response;
      }),
    );

  const fetchWithRetries = async (path: string): Promise<CrawlResult> => {
    for (let tries = 1; ; tries += 1) {
      try {
        const response = await attempt(path);
        const detail = `${response.status}, ${response.body.length} bytes`;
        return { path, ok: response.status < 400, attempts: tries, detail };
      } catch (error) {
        if (isCancelledError(error)) throw error;
        const retryable = error instanceof Transient || error instanceof TimeoutError || error instanceof OSError;
        const detail = error instanceof TimeoutError ? `TimeoutError after ${perAttempt} s` : String(error);
        if (!retryable || tries > retries) return { path, ok: false, attempts: tries, detail };
        await sleep(backoff * 2 ** (tries - 1));
      }
    }
  };

  const worker = async (): Promise<void> => {
    for await (const path of jobs) {
      const result = await fetchWithRetries(path);
      results.push(result);
      onResult(result, results.length, paths.length);
      jobs.taskDone();
    }
  };

  for (const path of paths) jobs.putNowait(path);
  await asyncWith(new TaskGroup(), async (tg) => {
    for (let i = 0; i < workers; i++) tg.createTask(worker, { name: `worker-${i}` });
    await jobs.join();
    jobs.shutdown(); // the workers' `for await` loops end
  });
  return results;
}
