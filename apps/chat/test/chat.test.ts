import { ConnectionResetError } from "@aio/core";
import { gather, run } from "@aio/tasks";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../src/chat-client.js";
import { startApp } from "./support/app-process.js";

async function startServer(args: string[]): Promise<{ app: ReturnType<typeof startApp>; port: number }> {
  const app = startApp("server.js", ["--port", "0", ...args]);
  const port = Number((await app.waitForLine(/^chat server listening on 127\.0\.0\.1:(\d+) /))[1]);
  return { app, port };
}

/** Reads lines until EOF; a reset counts as the end too. */
async function readToEnd(client: ChatClient): Promise<string[]> {
  const lines: string[] = [];
  try {
    for (let line = await client.receive(); line !== null; line = await client.receive()) lines.push(line);
  } catch (error) {
    if (!(error instanceof ConnectionResetError)) throw error;
    lines.push("<reset>");
  }
  return lines;
}

describe("chat server (dist/server.js)", () => {
  it("broadcasts each line to the other clients, never back to the sender", async () => {
    const { app, port } = await startServer(["--idle-timeout", "60"]);
    const heard = await run(async () => {
      const [alice, aliceWelcome] = await ChatClient.join(port, "alice");
      const [bob, bobWelcome] = await ChatClient.join(port, "bob");
      const [carol, carolWelcome] = await ChatClient.join(port, "carol");
      expect([aliceWelcome, bobWelcome, carolWelcome]).toEqual([
        "* welcome alice, nobody else is here",
        "* welcome bob, here: alice",
        "* welcome carol, here: alice, bob",
      ]);
      // Each speaks only after hearing the one before, so the order of broadcasts is fixed: had the
      // server echoed a line to its sender, the sender would read it before the next speaker's line.
      const receiveN = async (client: ChatClient, n: number): Promise<(string | null)[]> => {
        const lines: (string | null)[] = [];
        while (lines.length < n) lines.push(await client.receive());
        return lines;
      };
      await alice.say("hello from alice");
      const bobHeard = await receiveN(bob, 2);
      await bob.say("hello from bob");
      const carolHeard = await receiveN(carol, 2);
      await carol.say("hello from carol");
      const aliceHeard = await receiveN(alice, 4);
      bobHeard.push(...(await receiveN(bob, 1)));
      await gather(alice.close(), bob.close(), carol.close());
      return { alice: aliceHeard, bob: bobHeard, carol: carolHeard };
    });
    expect(heard).toEqual({
      alice: ["* bob joined", "* carol joined", "bob: hello from bob", "carol: hello from carol"],
      bob: ["* carol joined", "alice: hello from alice", "carol: hello from carol"],
      carol: ["alice: hello from alice", "bob: hello from bob"],
    });
    app.child.kill("SIGTERM");
    const { code, stdout } = await app.exited;
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").slice(-2)).toEqual(["shutting down: closing 0 connection(s)", "chat server stopped"]);
  });

  it("disconnects a client that stops reading once its queue is full, without holding up the others", async () => {
    const { app, port } = await startServer(["--queue-size", "4", "--idle-timeout", "60"]);
    const payload = "x".repeat(16_000);
    const result = await run(async () => {
      const [slow] = await ChatClient.join(port, "slow"); // never reads again
      const [alice] = await ChatClient.join(port, "alice");
      const [bob] = await ChatClient.join(port, "bob");
      expect(await alice.receive()).toBe("* bob joined");
      // Bob speaks and waits until alice heard him, line after line: alice keeps up, the slow
      // client's socket buffers fill, then its queue, until the server disconnects it.
      let aliceLeftNotice = "";
      let sent = 0;
      const received: number[] = [];
      while (aliceLeftNotice === "" && sent < 2000) {
        await bob.say(`${sent} ${payload}`);
        sent += 1;
        const line = (await alice.receive()) ?? "<eof>";
        if (line.startsWith("* slow left")) {
          aliceLeftNotice = line;
          received.push(Number(((await alice.receive()) ?? "").split(" ")[1]));
        } else {
          received.push(Number(line.split(" ")[1]));
        }
      }
      const slowEnd = await readToEnd(slow);
      await gather(alice.close(), bob.close(), slow.close());
      return { sent, received, aliceLeftNotice, slowEnd };
    });
    expect(result.aliceLeftNotice).toBe("* slow left (too slow: 4 messages queued)");
    // Alice got every line bob sent, in order, while the slow client was stuck.
    expect(result.received).toEqual(Array.from({ length: result.sent }, (_, i) => i));
    expect(result.sent).toBeGreaterThan(4);
    // The slow client's connection was ended by the server mid-stream: what was queued for it
    // (4 lines at least) was dropped.
    expect(result.slowEnd.filter((line) => line.startsWith("bob: ")).length).toBeLessThanOrEqual(result.sent - 4);
    app.child.kill("SIGTERM");
    const { code, stdout } = await app.exited;
    expect(code).toBe(0);
    expect(stdout).toContain("slow disconnected (too slow: 4 messages queued)\n");
  });

  it("disconnects a client that stays silent past the idle timeout", async () => {
    const { app, port } = await startServer(["--idle-timeout", "0.1"]);
    const lines = await run(async () => {
      const [sleepy, welcome] = await ChatClient.join(port, "sleepy");
      const rest = await readToEnd(sleepy); // the server ends the connection
      await sleepy.close();
      return [welcome, ...rest];
    });
    expect(lines).toEqual(["* welcome sleepy, nobody else is here", "* bye sleepy: idle for 0.1 s"]);
    await app.waitForLine(/^sleepy disconnected \(idle timeout\)$/);
    app.child.kill("SIGINT");
    const { code, stdout } = await app.exited;
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("chat server stopped");
  });

  it("closes the connections still open when it shuts down", async () => {
    const { app, port } = await startServer([]);
    const lines = await run(async () => {
      const [alice] = await ChatClient.join(port, "alice");
      const [bob] = await ChatClient.join(port, "bob");
      expect(await alice.receive()).toBe("* bob joined");
      app.child.kill("SIGTERM");
      const heard = await gather(readToEnd(alice), readToEnd(bob));
      await gather(alice.close(), bob.close());
      return heard;
    });
    // Each sees EOF; whoever the server closes second may first hear that the other left.
    for (const heard of lines) expect(heard.every((line) => /^\* (alice|bob) left \(server shutdown\)$/.test(line))).toBe(true);
    const { code, stdout } = await app.exited;
    expect(code).toBe(0);
    expect(stdout).toContain("shutting down: closing 2 connection(s)\n");
  });
});

describe("chat demo (dist/main.js)", () => {
  it("prints the conversation, the departures and the idle disconnect", async () => {
    const { code, stdout } = await startApp("main.js").exited;
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").filter((line) => !line.startsWith("  server:"))).toEqual([
      "alice <- * welcome alice, nobody else is here",
      "bob <- * welcome bob, here: alice",
      "alice <- * bob joined",
      "carol <- * welcome carol, here: alice, bob",
      "alice <- * carol joined",
      "bob <- * carol joined",
      "bob <- alice: hi everyone",
      "carol <- alice: hi everyone",
      "alice <- bob: hi alice",
      "carol <- bob: hi alice",
      "bob <- * alice left (quit)",
      "carol <- * alice left (quit)",
      "carol <- * bob left (quit)",
      "carol <- * bye carol: idle for 1 s",
      "carol <- (connection closed)",
    ]);
  });
});
