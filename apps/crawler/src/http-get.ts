/**
 * A minimal HTTP/1.1 GET over @aio streams: one request per connection (`Connection: close`), a
 * status line, headers, and a body of Content-Length bytes (or up to EOF without one). Enough for
 * the fixture server; no chunked encoding, redirects or TLS.
 */
import { isCancelledError } from "@aio/core";
import { openConnection } from "@aio/streams";
import type { StreamWriter } from "@aio/streams";

/** A response. */
export interface HttpResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** The response was not valid HTTP/1.x. */
export class HttpProtocolError extends Error {
  override name = "HttpProtocolError";
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
 * GETs `path` from host:port.
 * @throws an OSError subclass when the connection fails; IncompleteReadError when the body is cut
 * short; HttpProtocolError for a malformed response.
 */
export async function httpGet(host: string, port: number, path: string): Promise<HttpResponse> {
  const [reader, writer] = await openConnection(host, port);
  try {
    writer.write(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\nUser-Agent: aio-crawler\r\n\r\n`, "latin1"));
    await writer.drain();
    const statusLine = (await reader.readline()).toString("latin1").trimEnd();
    const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
    if (match === null) throw new HttpProtocolError(`bad status line: ${JSON.stringify(statusLine)}`);
    const headers = new Map<string, string>();
    for (;;) {
      const line = (await reader.readline()).toString("latin1");
      if (line === "") throw new HttpProtocolError("connection closed in the headers");
      if (line === "\r\n" || line === "\n") break;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new HttpProtocolError(`bad header line: ${JSON.stringify(line.trimEnd())}`);
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
      throw new HttpProtocolError("chunked bodies are not supported");
    }
    const length = headers.get("content-length");
    const body = length === undefined ? await reader.read() : await reader.readexactly(Number(length));
    return { status: Number(match[1]), headers, body };
  } finally {
    await closeWriter(writer);
  }
}
