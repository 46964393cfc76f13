/** Test protocols: ports of CPython test_events.py's MyBaseProto / MyProto / MyDatagramProto. */
import type { AbstractEventLoop, Transport } from "@aio/core";
import { DatagramProtocol, Protocol } from "@aio/core";
import type { Future } from "@aio/futures";

/** Records its state machine: INITIAL -> CONNECTED -> EOF -> CLOSED. */
export class MyBaseProto extends Protocol {
  transport: Transport | null = null;
  state = "INITIAL";
  nbytes = 0;
  data: Buffer[] = [];
  connected: Future<void> | null = null;
  done: Future<void> | null = null;

  constructor(loop?: AbstractEventLoop) {
    super();
    if (loop !== undefined) {
      this.connected = loop.createFuture<void>() as Future<void>;
      this.done = loop.createFuture<void>() as Future<void>;
    }
  }

  private assertState(...expected: string[]): void {
    if (!expected.includes(this.state)) throw new Error(`state: '${this.state}', expected: ${expected.join(", ")}`);
  }

  override connectionMade(transport: unknown): void {
    this.transport = transport as Transport;
    this.assertState("INITIAL");
    this.state = "CONNECTED";
    this.connected?.setResult(undefined);
  }

  override dataReceived(data: Uint8Array): void {
    this.assertState("CONNECTED");
    this.nbytes += data.length;
    this.data.push(Buffer.from(data));
  }

  override eofReceived(): boolean | void {
    this.assertState("CONNECTED");
    this.state = "EOF";
  }

  override connectionLost(_exc: unknown): void {
    this.assertState("CONNECTED", "EOF");
    this.state = "CLOSED";
    this.done?.setResult(undefined);
  }
}

/** Sends an HTTP request as soon as it connects. */
export class MyProto extends MyBaseProto {
  override connectionMade(transport: unknown): void {
    super.connectionMade(transport);
    (transport as Transport).write(Buffer.from("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
  }
}

/** Datagram protocol with CPython's state machine: INITIAL -> INITIALIZED -> CLOSED. */
export class MyDatagramProto extends DatagramProtocol {
  transport: { sendto(data: Uint8Array, addr?: unknown): void; close(): void } | null = null;
  state = "INITIAL";
  nbytes = 0;
  received: [Buffer, unknown][] = [];
  errors: unknown[] = [];
  done: Future<void> | null = null;

  constructor(loop?: AbstractEventLoop) {
    super();
    if (loop !== undefined) this.done = loop.createFuture<void>() as Future<void>;
  }

  override connectionMade(transport: unknown): void {
    this.transport = transport as MyDatagramProto["transport"];
    if (this.state !== "INITIAL") throw new Error(`state: ${this.state}`);
    this.state = "INITIALIZED";
  }

  override datagramReceived(data: Uint8Array, addr: unknown): void {
    if (this.state !== "INITIALIZED") throw new Error(`state: ${this.state}`);
    this.nbytes += data.length;
    this.received.push([Buffer.from(data), addr]);
  }

  override errorReceived(exc: unknown): void {
    if (this.state !== "INITIALIZED") throw new Error(`state: ${this.state}`);
    this.errors.push(exc);
  }

  override connectionLost(_exc: unknown): void {
    if (this.state !== "INITIALIZED") throw new Error(`state: ${this.state}`);
    this.state = "CLOSED";
    this.done?.setResult(undefined);
  }
}
