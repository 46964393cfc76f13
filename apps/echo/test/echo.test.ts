import { randomBytes } from "node:crypto";
import { gather, run } from "@aio/tasks";
import { describe, expect, it } from "vitest";
import { EchoClient } from "../src/echo-client.js";
import { startApp } from "./support/app-process.js";

const CLIENTS = 5;

describe("echo server (dist/server.js)", () => {
  it("echoes every client byte for byte, then shuts down gracefully on SIGTERM", async () => {
    const app = startApp("server.js", ["0"]);
    const port = Number((await app.waitForLine(/^echo server listening on 127\.0\.0\.1:(\d+)$/))[1]);
    const payloads = Array.from({ length: CLIENTS }, (_, i) => randomBytes(100_000 + i));

    const { replies, tails } = await run(async () => {
      const clients = await gather(payloads.map(() => () => EchoClient.connect("127.0.0.1", port)));
      const replies = await gather(clients.map((client, i) => () => client.roundTrip(payloads[i] as Buffer)));
      // Every client is still connected; the server must close them all on SIGTERM.
      await app.waitForLine(new RegExp(`^connection ${CLIENTS} from `));
      app.child.kill("SIGTERM");
      const tails = await gather(clients.map((client) => () => client.readUntilEof()));
      await gather(clients.map((client) => () => client.close()));
      return { replies, tails };
    });

    replies.forEach((reply, i) => expect(reply.equals(payloads[i] as Buffer)).toBe(true));
    expect(tails.map((tail) => tail.length)).toEqual(payloads.map(() => 0)); // EOF, nothing more
    const { code, signal, stdout, stderr } = await app.exited;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    const lines = stdout.trim().split("\n");
    const shutdown = lines.indexOf("received SIGTERM");
    expect(shutdown).toBeGreaterThan(CLIENTS);
    expect(lines[shutdown + 1]).toBe(`shutting down: closing ${CLIENTS} open connection(s)`);
    const closed = lines.slice(shutdown + 2, -1).sort();
    expect(closed).toEqual(payloads.map((payload, i) => `connection ${i + 1} closed after echoing ${payload.length} bytes`).sort());
    const total = payloads.reduce((sum, payload) => sum + payload.length, 0);
    expect(lines.at(-1)).toBe(`echo server stopped: ${CLIENTS} connection(s) served, ${total} bytes echoed`);
  });

  it("shuts down on SIGINT with no client connected", async () => {
    const app = startApp("server.js", ["0"]);
    await app.waitForLine(/^echo server listening on /);
    app.child.kill("SIGINT");
    const { code, stdout } = await app.exited;
    expect(code).toBe(0);
    expect(stdout.trim().split("\n").slice(1)).toEqual([
      "received SIGINT",
      "shutting down: closing 0 open connection(s)",
      "echo server stopped: 0 connection(s) served, 0 bytes echoed",
    ]);
  });
});

describe("echo client (dist/client.js)", () => {
  it("sends each message as a line and prints the echo", async () => {
    const server = startApp("server.js", ["0"]);
    const port = (await server.waitForLine(/listening on 127\.0\.0\.1:(\d+)$/))[1] ?? "";
    const client = startApp("client.js", [port, "one", "two words"]);
    const { code, stdout } = await client.exited;
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual(['sent "one", received "one"', 'sent "two words", received "two words"']);
    server.child.kill("SIGTERM");
    expect((await server.exited).code).toBe(0);
  });
});

describe("echo demo (dist/main.js)", () => {
  it("round-trips three clients and closes the one still connected at shutdown", async () => {
    const { code, stdout } = await startApp("main.js").exited;
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.filter((line) => !line.startsWith("  server:")).sort()).toEqual([
      "alice got back: hello from alice",
      "bob got back: hello from bob",
      "carol got back: hello from carol",
      "carol saw the server close her connection (0 more bytes, then EOF)",
      "done: 3 connections served, 49 bytes echoed",
    ]);
    expect(lines).toContain("  server: shutting down: closing 1 open connection(s)");
  });
});
