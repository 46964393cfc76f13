import * as asyncio from "@aio/asyncio";

const { asyncWith } = asyncio;

async function handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, left: asyncio.Event): Promise<void> {
  for await (const line of reader) { // one line at a time, until the client closes
    writer.write(Buffer.from(Buffer.from(line).toString().toUpperCase()));
    await writer.drain();
  }
  writer.close();
  await writer.waitClosed();
  left.set();
}

async function client(port: number, lines: string[]): Promise<void> {
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  for (const text of lines) {
    writer.write(Buffer.from(`${text}\n`));
    await writer.drain();
    const reply = await reader.readline();
    console.log(`client: sent '${text}', got '${Buffer.from(reply).toString().trimEnd()}'`);
  }
  writer.close();
  await writer.waitClosed();
}

async function main(): Promise<void> {
  const left = new asyncio.Event();
  const server = await asyncio.startServer((r, w) => handle(r, w, left), "127.0.0.1", 0);
  const port = (server.sockets[0]!.getsockname() as [string, number])[1];
  await asyncWith(server, async () => {
    await client(port, ["hello", "asyncio"]);
    await left.wait();
    console.log("server: the client left");
    try {
      await asyncio.openConnection("127.0.0.1", 1);
    } catch (error) {
      if (!(error instanceof asyncio.ConnectionRefusedError)) throw error;
      console.log("port 1:", error.name);
    }
  });
  console.log("still serving:", server.isServing() ? "yes" : "no");
}

await asyncio.run(main);
