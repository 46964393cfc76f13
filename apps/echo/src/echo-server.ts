/**
 * The echo server: one task per connection in a TaskGroup, echoing bytes until EOF, and a graceful
 * shutdown when `stop` is set. Mirrors the echo server of the Python docs (asyncio-stream.html).
 *
 * Shutdown order, as a careful Python server does it: stop listening (`server.close()`), close every
 * client transport after its buffered data is sent (`server.closeClients()`, Python 3.13), let each
 * handler see EOF and finish, let the TaskGroup wait for them, then `server.waitClosed()`.
 */
import { OSError, asyncWith, isCancelledError } from "@aio/core";
import { startServer } from "@aio/streams";
import type { StreamReader, StreamWriter } from "@aio/streams";
import type { Event } from "@aio/sync";
import { TaskGroup } from "@aio/tasks";

/** What the server did, for its last log line. */
export interface EchoStats {
  /** Connections accepted in total. */
  served: number;
  /** Connections still open when the shutdown began (closed by it). */
  closedAtShutdown: number;
  /** Bytes echoed over all connections. */
  bytes: number;
}

/** Options of {@link serveEcho}. */
export interface ServeEchoOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Called once the server listens, with the port it got. */
  onListening?: (port: number) => void;
  /** Where the server's log lines go (default console.log). */
  log?: (line: string) => void;
}

/** Closes `writer` and waits until it is closed. The error the connection ended with (a reset) is
 * not the caller's to raise at that point; a cancel is. */
async function closeWriter(writer: StreamWriter): Promise<void> {
  writer.close();
  try {
    await writer.waitClosed();
  } catch (error) {
    if (isCancelledError(error)) throw error;
  }
}

/**
 * Serves echo connections until `stop` is set, then shuts down gracefully and returns what happened.
 * @throws an OSError subclass when the address cannot be bound.
 */
export async function serveEcho(stop: Event, options: ServeEchoOptions = {}): Promise<EchoStats> {
  const { host = "127.0.0.1", port = 0, onListening = () => undefined, log = console.log } = options;
  const stats: EchoStats = { served: 0, closedAtShutdown: 0, bytes: 0 };
  let open = 0;

  const handle = async (id: number, reader: StreamReader, writer: StreamWriter): Promise<void> => {
    open += 1;
    let bytes = 0;
    try {
      for (;;) {
        const data = await reader.read(64 * 1024);
        if (data.length === 0) break; // EOF: the client is done, or the shutdown closed us.
        writer.write(data);
        await writer.drain();
        bytes += data.length;
      }
    } catch (error) {
      // A reset by the peer ends this connection only; a cancel or a bug propagates (and, in a
      // TaskGroup, a bug cancels the whole server, which is what we want).
      if (isCancelledError(error) || !(error instanceof OSError)) throw error;
    } finally {
      open -= 1;
      stats.bytes += bytes;
      await closeWriter(writer);
    }
    log(`connection ${id} closed after echoing ${bytes} bytes`);
  };

  await asyncWith(new TaskGroup(), async (tg) => {
    // A plain (non-async) callback: each connection becomes a child task of the group, so the
    // group's exit waits for every handler. It must not return the task: startServer would wrap
    // a returned thenable in yet another task.
    const server = await startServer((reader, writer) => {
      stats.served += 1;
      const id = stats.served;
      const [peerHost, peerPort] = writer.getExtraInfo("peername") as [string, number];
      log(`connection ${id} from ${peerHost}:${peerPort}`);
      tg.createTask(() => handle(id, reader, writer), { name: `echo-${id}` });
    }, host, port);
    try {
      const address = server.sockets[0]?.getsockname() as [string, number];
      log(`echo server listening on ${address[0]}:${address[1]}`);
      onListening(address[1]);
      await stop.wait();
    } finally {
      stats.closedAtShutdown = open;
      log(`shutting down: closing ${open} open connection(s)`);
      server.close();
      server.closeClients();
    }
    // Leaving the TaskGroup waits for the handlers; waitClosed then returns at once.
    tg.createTask(() => server.waitClosed(), { name: "wait-closed" });
  });
  return stats;
}
