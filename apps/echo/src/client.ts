/**
 * `pnpm --filter @aio-apps/echo client <port> [message...]`: sends each message as a line to the echo
 * server on 127.0.0.1 and prints what comes back. Mirrors tcp_echo_client from the Python docs.
 */
import { run } from "@aio/tasks";
import { EchoClient } from "./echo-client.js";

const [portArg, ...messages] = process.argv.slice(2);
const port = Number(portArg ?? 8888);

await run(async () => {
  const client = await EchoClient.connect("127.0.0.1", port);
  try {
    for (const message of messages.length > 0 ? messages : ["Hello World!"]) {
      const reply = await client.roundTrip(Buffer.from(`${message}\n`));
      console.log(`sent ${JSON.stringify(message)}, received ${JSON.stringify(reply.toString().trimEnd())}`);
    }
  } finally {
    await client.close();
  }
});
