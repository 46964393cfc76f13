/**
 * The chat server: each line a client sends goes to every other client. Each client has a task that
 * reads its lines (with an idle timeout) and a task that writes its bounded queue to the socket, so a
 * client that does not read stalls only its own writer task.
 *
 * A full queue means the client has stopped reading: the server disconnects it ("too slow") rather
 * than drop messages, since a chat with silent gaps is worse than a clear disconnect (IRC servers do
 * the same: "SendQ exceeded"). Python counterpart: an asyncio.start_server chat with one
 * asyncio.Queue(maxsize) per client, put_nowait in the broadcast and QueueFull as the kick.
 */
import { OSError, QueueFull, TimeoutError, isCancelledError } from "@aio/core";
import { Queue } from "@aio/queues";
import { startServer } from "@aio/streams";
import type { Server, StreamReader, StreamWriter } from "@aio/streams";
import { createTask, waitFor } from "@aio/tasks";

/** Options of {@link startChatServer}. */
export interface ChatServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Messages waiting for one client before it is disconnected as too slow (default 100). */
  queueSize?: number;
  /** Seconds a client may stay silent before it is disconnected (default 300). */
  idleTimeout?: number;
  /** Where the server's log lines go (default console.log). */
  log?: (line: string) => void;
}

/** One connected client. */
class Client {
  readonly name: string;
  readonly writer: StreamWriter;
  readonly queue: Queue<Uint8Array>;
  /** Why the server is disconnecting this client, once it decided to. */
  reason: string | null = null;

  constructor(name: string, writer: StreamWriter, queueSize: number) {
    this.name = name;
    this.writer = writer;
    this.queue = new Queue<Uint8Array>(queueSize);
  }
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

/** A running chat server. */
export interface ChatServer {
  server: Server;
  port: number;
  /** Names of the clients connected now. */
  clients(): string[];
  /** Stops listening, says goodbye to every client, and waits until every connection is closed. */
  close(): Promise<void>;
}

/**
 * Starts the chat server; `close()` it when done.
 * @throws an OSError subclass when the address cannot be bound.
 */
export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const { host = "127.0.0.1", port = 0, queueSize = 100, idleTimeout = 300, log = console.log } = options;
  const clients = new Set<Client>();
  let shuttingDown = false;

  const send = (client: Client, text: string): void => {
    if (client.reason !== null) return;
    try {
      client.queue.putNowait(Buffer.from(`${text}\n`));
    } catch (error) {
      if (!(error instanceof QueueFull)) throw error;
      kick(client, `too slow: ${queueSize} messages queued`);
    }
  };

  const broadcast = (text: string, sender: Client | null): void => {
    for (const client of clients) if (client !== sender) send(client, text);
  };

  // The client stopped reading: drop what it has not received and reset the connection. Its
  // reader task then sees the end of the connection and cleans up.
  const kick = (client: Client, reason: string): void => {
    client.reason = reason;
    client.queue.shutdown(true);
    client.writer.transport.abort();
  };

  const writeLoop = async (client: Client): Promise<void> => {
    try {
      for await (const message of client.queue) {
        client.writer.write(message);
        await client.writer.drain(); // blocks while this client does not read: only this task waits
      }
    } catch (error) {
      // The connection is gone (reset by the client or by kick): nothing more to write.
      if (isCancelledError(error) || !(error instanceof OSError)) throw error;
    }
  };

  const readLine = async (reader: StreamReader): Promise<string | null> => {
    const line = await waitFor(() => reader.readline(), idleTimeout);
    return line.length === 0 ? null : line.toString("utf8").replace(/\r?\n$/, "");
  };

  const handle = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
    let client: Client | null = null;
    let writing: PromiseLike<void> | null = null;
    try {
      const name = await readLine(reader);
      if (name === null || name === "") return;
      client = new Client(name, writer, queueSize);
      writing = createTask(() => writeLoop(client as Client), { name: `writer-${name}` });
      const others = [...clients].map((other) => other.name);
      clients.add(client);
      log(`${name} joined`);
      send(client, `* welcome ${name}, ${others.length === 0 ? "nobody else is here" : `here: ${others.join(", ")}`}`);
      broadcast(`* ${name} joined`, client);
      for (;;) {
        const text = await readLine(reader);
        if (text === null) break;
        broadcast(`${name}: ${text}`, client);
      }
      client.reason ??= shuttingDown ? "server shutdown" : "quit";
    } catch (error) {
      if (error instanceof TimeoutError) {
        if (client !== null) {
          send(client, `* bye ${client.name}: idle for ${idleTimeout} s`);
          client.reason ??= "idle timeout";
        }
      } else if (isCancelledError(error) || !(error instanceof OSError)) {
        throw error;
      } else if (client !== null) {
        client.reason ??= "connection reset";
      }
    } finally {
      if (client !== null) {
        clients.delete(client);
        log(`${client.name} disconnected (${client.reason ?? "server shutdown"})`);
        broadcast(`* ${client.name} left (${client.reason ?? "server shutdown"})`, null);
        client.queue.shutdown(); // the writer task sends what is queued (a bye), then ends
        await writing;
      }
      await closeWriter(writer);
    }
  };

  const server = await startServer(handle, host, port);
  const address = server.sockets[0]?.getsockname() as [string, number];
  log(`chat server listening on ${address[0]}:${address[1]} (queue size ${queueSize}, idle timeout ${idleTimeout} s)`);
  const close = async (): Promise<void> => {
    shuttingDown = true;
    server.close();
    log(`shutting down: closing ${clients.size} connection(s)`);
    // Python 3.13's close_clients: each client's reader sees EOF and its handler says goodbye.
    server.closeClients();
    await server.waitClosed();
  };
  return { server, port: address[1], clients: () => [...clients].map((client) => client.name), close };
}
