/**
 * `pnpm --filter @aio-apps/echo start`: the echo server and three clients in one process. The
 * clients run concurrently in a TaskGroup, two of them hang up, and the server shuts down
 * gracefully with the third still connected. Prints what happened.
 */
import { asyncWith } from "@aio/core";
import { Event } from "@aio/sync";
import { TaskGroup, createTask, run } from "@aio/tasks";
import { EchoClient } from "./echo-client.js";
import { serveEcho } from "./echo-server.js";

await run(async () => {
  const stop = new Event();
  const listening = new Event();
  let port = 0;
  const server = createTask(() =>
    serveEcho(stop, {
      onListening: (value) => {
        port = value;
        listening.set();
      },
      log: (line) => console.log(`  server: ${line}`),
    }),
  );
  await listening.wait();

  const lingering: EchoClient[] = [];
  await asyncWith(new TaskGroup(), async (tg) => {
    for (const name of ["alice", "bob", "carol"]) {
      tg.createTask(async () => {
        const client = await EchoClient.connect("127.0.0.1", port);
        const reply = await client.roundTrip(Buffer.from(`hello from ${name}\n`));
        console.log(`${name} got back: ${reply.toString().trimEnd()}`);
        if (name === "carol") lingering.push(client); // stays connected through the shutdown
        else await client.close();
      });
    }
  });

  stop.set();
  const stats = await server;
  const rest = await lingering[0]?.readUntilEof();
  console.log(`carol saw the server close her connection (${rest?.length ?? 0} more bytes, then EOF)`);
  await lingering[0]?.close();
  console.log(`done: ${stats.served} connections served, ${stats.bytes} bytes echoed`);
});
