/** A chat client for the demo and the tests: connect with a name, send lines, read lines. */
import { isCancelledError } from "@aio/core";
import { openConnection } from "@aio/streams";
import type { StreamReader, StreamWriter } from "@aio/streams";

/** One connection to the chat server. */
export class ChatClient {
  readonly name: string;
  readonly reader: StreamReader;
  readonly writer: StreamWriter;

  private constructor(name: string, reader: StreamReader, writer: StreamWriter) {
    this.name = name;
    this.reader = reader;
    this.writer = writer;
  }

  /** Connects, sends `name` and returns once the server's welcome line arrived (which it returns too). */
  static async join(port: number, name: string, host = "127.0.0.1"): Promise<[ChatClient, string]> {
    const [reader, writer] = await openConnection(host, port);
    const client = new ChatClient(name, reader, writer);
    await client.say(name);
    const welcome = await client.receive();
    return [client, welcome ?? ""];
  }

  /** Sends one line. */
  async say(text: string): Promise<void> {
    this.writer.write(Buffer.from(`${text}\n`));
    await this.writer.drain();
  }

  /** The next line from the server, or null at EOF. */
  async receive(): Promise<string | null> {
    const line = await this.reader.readline();
    return line.length === 0 ? null : line.toString("utf8").replace(/\n$/, "");
  }

  /** Leaves the chat and waits until the connection is closed. */
  async close(): Promise<void> {
    this.writer.close();
    try {
      await this.writer.waitClosed();
    } catch (error) {
      // A reset while closing is the end we asked for.
      if (isCancelledError(error)) throw error;
    }
  }
}
