import { RuntimeError, Transport } from "@aio/core";
import { SSLCertVerificationError, SSLContext, SocketTransport, createConnection, createDefaultContext, createServer, startTls } from "@aio/streams";
import type { Server } from "@aio/streams";
import { beforeAll, describe, expect, it } from "vitest";
import { captureExceptions, inLoop, makeCertificate, runUntil } from "./support/loop.js";
import type { Pems } from "./support/loop.js";
import { MyBaseProto } from "./support/protocols.js";

let pems: Pems;
beforeAll(async () => {
  pems = await makeCertificate();
});

function serverContext(): SSLContext {
  const context = new SSLContext("CLIENT_AUTH");
  context.loadCertChain(pems.cert, pems.private);
  return context;
}

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

describe("loop.startTls", () => {
  // mirrors test_sslproto.py::BaseStartTLS::test_start_tls_client_reg_proto_1
  // mirrors test_sslproto.py::BaseStartTLS::test_start_tls_server_1
  it("upgrades a plain connection on both sides, keeping the protocols", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const serverProto = new MyBaseProto(loop);
      const server = await createServer(loop, () => serverProto, "127.0.0.1", 0);
      try {
        const [plain, clientProto] = await createConnection(loop, () => new MyBaseProto(loop), ...address(server));
        await serverProto.connected;
        plain.write(Buffer.from("plain\n"));
        await runUntil(() => serverProto.nbytes === 6);
        const serverPlain = serverProto.transport!;
        const [serverTls, clientTls] = await Promise.all([
          loop.startTls(serverPlain, serverProto, serverContext(), { serverSide: true }),
          startTls(loop, plain, clientProto, createDefaultContext("SERVER_AUTH", { cadata: pems.cert }), { serverHostname: "localhost" }),
        ]);
        expect(clientTls).toBeInstanceOf(SocketTransport);
        expect(clientTls).not.toBe(plain);
        expect(plain.isClosing()).toBe(true);
        expect(serverPlain.isClosing()).toBe(true);
        expect(clientTls.getExtraInfo("sslcontext")).toBeInstanceOf(SSLContext);
        expect(serverTls.getExtraInfo("sslcontext")).toBeInstanceOf(SSLContext);
        clientTls.write(Buffer.from("secret\n"));
        serverTls.write(Buffer.from("reply\n"));
        await runUntil(() => serverProto.nbytes === 13 && clientProto.nbytes === 6);
        expect(Buffer.concat(serverProto.data).toString()).toBe("plain\nsecret\n");
        expect(Buffer.concat(clientProto.data).toString()).toBe("reply\n");
        // connectionMade is not called again on the new transport.
        expect(serverProto.state).toBe("CONNECTED");
        clientTls.close();
        await clientProto.done;
        await serverProto.done;
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  it("raises SSLCertVerificationError when the upgraded peer does not verify", async () => {
    await inLoop(async (loop) => {
      const serverProto = new MyBaseProto(loop);
      const server = await createServer(loop, () => serverProto, "127.0.0.1", 0);
      try {
        const [plain, clientProto] = await createConnection(loop, () => new MyBaseProto(loop), ...address(server));
        await serverProto.connected;
        const serverSide = loop.startTls(serverProto.transport!, serverProto, serverContext(), { serverSide: true });
        const error = await startTls(loop, plain, clientProto, createDefaultContext(), { serverHostname: "localhost" }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(SSLCertVerificationError);
        await serverSide.then(
          (tr) => tr.close(),
          () => undefined,
        );
      } finally {
        server.abortClients();
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("validates the transport and the context", async () => {
    await inLoop(async (loop) => {
      const serverProto = new MyBaseProto(loop);
      const server = await createServer(loop, () => serverProto, "127.0.0.1", 0);
      try {
        const [plain, clientProto] = await createConnection(loop, () => new MyBaseProto(loop), ...address(server));
        await expect(startTls(loop, new Transport(), clientProto, serverContext())).rejects.toThrow(/is not supported by start_tls\(\)$/);
        await expect(startTls(loop, plain, clientProto, null)).rejects.toThrow(/^sslcontext is expected to be an instance of ssl.SSLContext, got/);
        plain.close();
        await expect(startTls(loop, plain, clientProto, serverContext())).rejects.toThrow(new RuntimeError("Transport is closing"));
        await clientProto.done;
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });
});
