/**
 * `pnpm --filter @aio-apps/chat start`: the chat server and three clients in one process. Alice and
 * Bob talk, Carol mostly listens, the talkers leave, and Carol is disconnected by the idle timeout.
 * Prints what each client received, and the server's log.
 */
import { run } from "@aio/tasks";
import { ChatClient } from "./chat-client.js";
import { startChatServer } from "./chat-server.js";

await run(async () => {
  const chat = await startChatServer({ idleTimeout: 1, log: (line) => console.log(`  server: ${line}`) });
  const hear = async (...clients: ChatClient[]): Promise<void> => {
    for (const client of clients) console.log(`${client.name} <- ${(await client.receive()) ?? "(connection closed)"}`);
  };
  try {
    const [alice, aliceWelcome] = await ChatClient.join(chat.port, "alice");
    console.log(`alice <- ${aliceWelcome}`);
    const [bob, bobWelcome] = await ChatClient.join(chat.port, "bob");
    console.log(`bob <- ${bobWelcome}`);
    await hear(alice);
    const [carol, carolWelcome] = await ChatClient.join(chat.port, "carol");
    console.log(`carol <- ${carolWelcome}`);
    await hear(alice, bob);

    await alice.say("hi everyone");
    await hear(bob, carol);
    await bob.say("hi alice");
    await hear(alice, carol);

    await alice.close();
    await hear(bob, carol);
    await bob.close();
    await hear(carol);
    await carol.say("anyone here?"); // nobody hears it; her idle timer starts again
    await hear(carol, carol); // the idle timeout's goodbye, then EOF
    await carol.close();
  } finally {
    await chat.close();
  }
});
