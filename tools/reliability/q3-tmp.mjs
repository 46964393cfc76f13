import { newEventLoop } from "@aio/loop";
import { openConnection, startServer } from "@aio/streams";
import { gather } from "@aio/tasks";
const SIZE = 256 * 1024, CHUNK = 65536, N = 100;
for (let round = 0; round < 5; round++) {
const loop = newEventLoop();
await loop.runUntilComplete(async () => {
  const stats = { got: 0, wrote: 0, verified: 0, errors: [] };
  const server = await startServer(async (reader, writer) => {
    try {
      const header = await reader.readexactly(36);
      const size = header.readUInt32BE(0);
      let received = 0;
      while (received < size) {
        const chunk = await reader.read(Math.min(CHUNK, size - received));
        if (chunk.length === 0) throw new Error("short");
        received += chunk.length; stats.got += chunk.length;
        writer.write(chunk); stats.wrote += chunk.length;
        await writer.drain();
      }
      stats.verified++;
      while ((await reader.read(CHUNK)).length > 0);
    } catch (e) { stats.errors.push(String(e)); }
    finally { await new Promise(r => setTimeout(r, 50)); writer.close(); await writer.waitClosed().catch(() => {}); }
  }, "127.0.0.1", 0, { backlog: 2048 });
  const port = server.sockets[0].getsockname()[1];
  const short = [];
  await gather(...Array.from({ length: N }, async (_, id) => {
    const [reader, writer] = await openConnection("127.0.0.1", port);
    try {
    const header = Buffer.alloc(36); header.writeUInt32BE(SIZE, 0);
    writer.write(header);
    for (let i = 0; i < SIZE; i += CHUNK) writer.write(Buffer.alloc(CHUNK, id & 0xff));
    writer.writeEof();
    const echoed = await reader.read(-1);
    if (echoed.length !== SIZE) short.push([id, echoed.length]);
    } finally {
    writer.close(); await writer.waitClosed(); }
  }));
  console.log(N, "short:", JSON.stringify(short.slice(0, 5)), short.length, stats.got, stats.wrote, stats.verified, stats.errors.slice(0, 3));
  server.close(); server.abortClients(); await server.waitClosed();
});
loop.close();
}
