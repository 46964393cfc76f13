/**
 * openConnection / startServer and their Unix variants: the high-level stream API.
 * Mirrors CPython 3.13 asyncio/streams.py (open_connection, start_server,
 * open_unix_connection, start_unix_server).
 */
import { getRunningLoop } from "@aio/core";
import type { CreateConnectionOptions, CreateServerOptions, CreateUnixServerOptions } from "./connection.js";
import { createConnection, createServer, createUnixConnection, createUnixServer } from "./connection.js";
import type { Server } from "./server.js";
import { DEFAULT_LIMIT, StreamReader } from "./stream-reader.js";
import { StreamReaderProtocol } from "./stream-reader-protocol.js";
import type { ClientConnectedCallback } from "./stream-reader-protocol.js";
import { StreamWriter } from "./stream-writer.js";

/** Options of {@link openConnection}: the StreamReader `limit` plus `createConnection`'s options. */
export interface OpenConnectionOptions extends CreateConnectionOptions {
  /** The StreamReader's buffer limit (default 64 KiB). */
  limit?: number;
}

/** Options of {@link startServer}. */
export interface StartServerOptions extends CreateServerOptions {
  limit?: number;
}

/** Options of {@link openUnixConnection}. */
export type OpenUnixConnectionOptions = Parameters<typeof createUnixConnection>[3] & { limit?: number };

/** Options of {@link startUnixServer}. */
export interface StartUnixServerOptions extends CreateUnixServerOptions {
  limit?: number;
}

/**
 * Connects to host:port and returns `[reader, writer]`.
 * @throws an OSError subclass (ConnectionRefusedError, …) when the connection fails.
 * @example
 * const [reader, writer] = await openConnection("127.0.0.1", 8888);
 * @see https://docs.python.org/3/library/asyncio-stream.html#asyncio.open_connection
 */
export async function openConnection(
  host: string | null = null,
  port: number | null = null,
  options: OpenConnectionOptions = {},
): Promise<[StreamReader, StreamWriter]> {
  const { limit = DEFAULT_LIMIT, ...rest } = options;
  const loop = getRunningLoop();
  const reader = new StreamReader({ limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, loop);
  const [transport] = await createConnection(loop, () => protocol, host, port, rest);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/**
 * Starts a server that calls `clientConnected(reader, writer)` for each connection (an async
 * callback runs as a task).
 * @see https://docs.python.org/3/library/asyncio-stream.html#asyncio.start_server
 */
export async function startServer(
  clientConnected: ClientConnectedCallback,
  host: string | readonly string[] | null = null,
  port: number | null = null,
  options: StartServerOptions = {},
): Promise<Server> {
  const { limit = DEFAULT_LIMIT, ...rest } = options;
  const loop = getRunningLoop();
  const factory = (): StreamReaderProtocol =>
    new StreamReaderProtocol(new StreamReader({ limit, loop }), clientConnected, loop);
  return createServer(loop, factory, host, port, rest);
}

/** Connects to the Unix socket at `path`; returns `[reader, writer]`. */
export async function openUnixConnection(
  path: string | null = null,
  options: OpenUnixConnectionOptions = {},
): Promise<[StreamReader, StreamWriter]> {
  const { limit = DEFAULT_LIMIT, ...rest } = options;
  const loop = getRunningLoop();
  const reader = new StreamReader({ limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, loop);
  const [transport] = await createUnixConnection(loop, () => protocol, path, rest);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/** Starts a Unix socket server at `path`. */
export async function startUnixServer(
  clientConnected: ClientConnectedCallback,
  path: string | null = null,
  options: StartUnixServerOptions = {},
): Promise<Server> {
  const { limit = DEFAULT_LIMIT, ...rest } = options;
  const loop = getRunningLoop();
  const factory = (): StreamReaderProtocol =>
    new StreamReaderProtocol(new StreamReader({ limit, loop }), clientConnected, loop);
  return createUnixServer(loop, factory, path, rest);
}
