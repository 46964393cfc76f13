"""W6 / W6b server: asyncio.start_server echoing lines (readline / write / drain) or bulk (read(65536) / write / drain).

Prints `PORT <n>` once it listens on 127.0.0.1; the runner's load generator drives it and the runner kills it.
"""

import asyncio
import os
import sys

from common import read_spec, run

spec = read_spec()
mode = spec["mode"]
chunk = int(spec.get("chunk", 65536))


async def echo_lines(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            writer.write(line)
            await writer.drain()
    except ConnectionError:
        pass  # the load generator reports what it did not get back
    finally:
        writer.close()


async def echo_bulk(reader, writer):
    try:
        while True:
            data = await reader.read(chunk)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass  # the load generator reports what it did not get back
    finally:
        writer.close()


async def watch_parent(parent):
    """The runner kills this server's process group when it is done; should the runner itself die
    first, the server is re-parented, notices within a second, and exits instead of serving forever."""
    while True:
        await asyncio.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


async def main():
    # Held in a local so the task lives as long as the server does.
    watcher = asyncio.create_task(watch_parent(os.getppid()))
    handler = echo_lines if mode == "lines" else echo_bulk
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


run(spec, main)
