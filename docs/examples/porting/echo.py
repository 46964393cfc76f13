import asyncio


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, left: asyncio.Event) -> None:
    async for line in reader:  # one line at a time, until the client closes
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()
    left.set()


async def client(port: int, lines: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for text in lines:
        writer.write(f"{text}\n".encode())
        await writer.drain()
        reply = await reader.readline()
        print(f"client: sent {text!r}, got {reply.decode().rstrip()!r}")
    writer.close()
    await writer.wait_closed()


async def main() -> None:
    left = asyncio.Event()
    server = await asyncio.start_server(lambda r, w: handle(r, w, left), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await client(port, ["hello", "asyncio"])
        await left.wait()
        print("server: the client left")
        try:
            await asyncio.open_connection("127.0.0.1", 1)
        except ConnectionRefusedError as error:
            print("port 1:", type(error).__name__)
    print("still serving:", "yes" if server.is_serving() else "no")


asyncio.run(main())
