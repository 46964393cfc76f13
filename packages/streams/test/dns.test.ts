import { OSError } from "@aio/core";
import { AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM, getaddrinfo, getnameinfo } from "@aio/streams";
import { describe, expect, it } from "vitest";
import { inLoop } from "./support/loop.js";

describe("getaddrinfo", () => {
  // mirrors test_events.py::test_getaddrinfo (results checked against CPython 3.13 on this machine)
  it("lists one entry per socket type for a numeric address", async () => {
    await inLoop(async (loop) => {
      expect(await loop.getaddrinfo("127.0.0.1", 80)).toEqual([
        [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]],
        [AF_INET, SOCK_DGRAM, 17, "", ["127.0.0.1", 80]],
        [AF_INET, 3, 0, "", ["127.0.0.1", 80]],
      ]);
    });
  });

  it("filters by type, family and proto, and takes a numeric service string", async () => {
    await inLoop(async (loop) => {
      expect(await getaddrinfo(loop, "localhost", 80, { type: SOCK_STREAM, family: AF_INET })).toEqual([[AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]]]);
      expect(await getaddrinfo(loop, "::1", "80", { family: AF_INET6, proto: 6 })).toEqual([[AF_INET6, SOCK_STREAM, 6, "", ["::1", 80, 0, 0]]]);
      expect(await getaddrinfo(loop, null, 80, { type: SOCK_STREAM })).toEqual([
        [AF_INET6, SOCK_STREAM, 6, "", ["::1", 80, 0, 0]],
        [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]],
      ]);
    });
  });

  it("raises an OSError (Python's socket.gaierror) for an unknown name", async () => {
    await inLoop(async (loop) => {
      const error = await getaddrinfo(loop, "no-such-host.invalid", 80).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OSError);
      expect((error as OSError).code).toMatch(/^EAI_|ENOTFOUND/);
      await expect(getaddrinfo(loop, "127.0.0.1", "http-ish")).rejects.toMatchObject({ name: "OSError", code: "EAI_SERVICE", message: "[Errno -8] Servname not supported for ai_socktype" });
      await expect(getaddrinfo(loop, "127.0.0.1", 80, { family: AF_INET6 })).rejects.toMatchObject({ name: "OSError", code: "EAI_ADDRFAMILY", message: "[Errno -9] Address family for hostname not supported" });
    });
  });
});

describe("getnameinfo", () => {
  // mirrors test_events.py::test_getnameinfo
  it("gives the host and service names", async () => {
    await inLoop(async (loop) => {
      expect(await loop.getnameinfo(["127.0.0.1", 80])).toEqual(["localhost", "http"]);
      await expect(getnameinfo(loop, "127.0.0.1" as never)).rejects.toThrow(new TypeError("getnameinfo() argument 1 must be a tuple"));
    });
  });
});
