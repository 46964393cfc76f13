/**
 * The echo client: a connection that sends bytes and reads exactly as many back.
 * Mirrors the echo client of the Python docs (asyncio-stream.html, tcp_echo_client).
 */
import { isCancelledError } from "@aio/core";
import { openConnection } from "@aio/streams";
import type { StreamReader, StreamWriter } from "@aio/streams";

/** One connection to an echo server. */
export class EchoClient {
  readonly reader: StreamReader;
  readonly writer: StreamWriter;

  private constructor(reader: StreamReader, writer: StreamWriter) {
    this.reader = reader;
    this.writer = writer;
  }

  /**
   * Connects to the echo server at host:port.
   * @throws ConnectionRefusedError when nothing listens there.
   */
  static async connect(host: string, port: number): Promise<EchoClient> {
    const [reader, writer] = await openConnection(host, port);
    return new EchoClient(reader, writer);
  }

  /**
   * Sends `data` and returns the bytes echoed back (exactly as many as were sent).
   * @throws IncompleteReadError if the server closes the connection first.
   */
  async roundTrip(data: Uint8Array): Promise<Buffer> {
    this.writer.write(data);
    await this.writer.drain();
    return this.reader.readexactly(data.length);
  }

  /** Waits until the server closes the connection; returns the bytes that came before EOF. */
  async readUntilEof(): Promise<Buffer> {
    return this.reader.read();
  }

  /** Closes the connection and waits until it is closed. */
  async close(): Promise<void> {
    this.writer.close();
    try {
      await this.writer.waitClosed();
    } catch (error) {
      // A reset while closing is the end we asked for; a cancel is not ours to swallow.
      if (isCancelledError(error)) throw error;
    }
  }
}
