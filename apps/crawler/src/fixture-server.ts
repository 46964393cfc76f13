/**
 * The crawler's test fixture: a local HTTP server (node:http, since the machine has no internet)
 * with pages that succeed, pages that fail with 503 for their first requests, a page that never
 * answers, and a 404. It counts the requests in flight, to check the crawler's concurrency limit.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** Options of {@link startFixtureServer}. */
export interface FixtureOptions {
  /** How many 503 responses each `/flaky/N` path gives before it succeeds. */
  failFirst: number;
  /** Seconds each answer waits, so that requests overlap (default 0). */
  delay?: number;
}

/** What the fixture saw. */
export interface FixtureStats {
  /** Requests received, in total. */
  requests: number;
  /** Requests per path. */
  byPath: Map<string, number>;
  /** The most requests in flight at the same time. */
  maxConcurrent: number;
}

/** A running fixture server. */
export interface FixtureServer {
  port: number;
  stats: FixtureStats;
  /** Stops the server and drops the connections still open (the hanging ones). */
  close(): Promise<void>;
}

/**
 * Starts the fixture on 127.0.0.1 and a free port.
 * Paths: `/page/N` 200; `/flaky/N` 503 for the first `failFirst` requests, then 200; `/hang` never
 * responds; anything else 404.
 */
export async function startFixtureServer(options: FixtureOptions): Promise<FixtureServer> {
  const stats: FixtureStats = { requests: 0, byPath: new Map(), maxConcurrent: 0 };
  let inFlight = 0;
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    const seen = (stats.byPath.get(path) ?? 0) + 1;
    stats.byPath.set(path, seen);
    stats.requests += 1;
    inFlight += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    // "close" comes once per response: after it was sent, or when the client hung up first.
    response.on("close", () => {
      inFlight -= 1;
    });
    const reply = (status: number, text: string): void => {
      const body = Buffer.from(text);
      setTimeout(() => {
        response.writeHead(status, { "Content-Type": "text/plain", "Content-Length": body.length });
        response.end(body);
      }, 1000 * (options.delay ?? 0));
    };
    if (/^\/page\/\d+$/.test(path)) reply(200, `this is ${path}\n`);
    else if (/^\/flaky\/\d+$/.test(path)) {
      if (seen <= options.failFirst) reply(503, "try again later\n");
      else reply(200, `this is ${path}, after ${seen - 1} failures\n`);
    } else if (path === "/hang") {
      // Never answers: the client's timeout must give up on it.
    } else reply(404, "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return { port, stats, close };
}
