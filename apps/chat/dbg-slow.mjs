import { spawn } from "node:child_process";
import { createTask, run } from "@aio/tasks";
import { ChatClient } from "./dist/chat-client.js";
const child = spawn(process.execPath, ["dist/server.js", "--port", "0", "--queue-size", "4"], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((res) => child.stdout.once("data", (d) => res(Number(/:(\d+) /.exec(String(d))[1]))));
child.stdout.on("data", (d) => process.stdout.write("SERVER " + d));
const payload = "x".repeat(16000);
await run(async () => {
  const [slow] = await ChatClient.join(port, "slow");
  const [alice] = await ChatClient.join(port, "alice");
  const [bob] = await ChatClient.join(port, "bob");
  console.log(await alice.receive());
  let kicked = false, n = 0;
  const listener = createTask(async () => {
    for (;;) { const line = (await alice.receive()) ?? "<eof>"; n++; if (line.startsWith("* slow")) { kicked = true; console.log(line); } else if (line === "bob: done") return; }
  });
  let sent = 0;
  while (!kicked && sent < 2000) { await bob.say(`${sent} ${payload}`); sent++; if (sent % 100 === 0) console.log("sent", sent, "alice got", n); }
  await bob.say("done"); await listener; console.log("sent", sent, "kicked", kicked);
});
child.kill("SIGTERM");
