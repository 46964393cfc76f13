/**
 * Imports each @aio package named on the command line and prints, as one JSON line, either the names it
 * exports or why it could not be imported. The runner marks a workload pending when a package or name it
 * needs is missing (not built yet, or not written yet).
 */
/** A short reason: "not built yet" and "not installed" say what to do; anything else is the error's first line. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_MODULE_NOT_FOUND" && /[/\\]dist[/\\]/.test(message)) {
    return "not built yet (no dist/)";
  }
  if (code === "ERR_MODULE_NOT_FOUND" && message.startsWith("Cannot find package")) {
    return "not installed (run pnpm install)";
  }
  return (message.split("\n")[0] ?? message).replace(/ imported from .*$/, "");
}

const packages = JSON.parse(process.argv[2] ?? "[]") as string[];
const found: Record<string, { names: string[] } | { error: string }> = {};
for (const name of packages) {
  try {
    const module = (await import(name)) as Record<string, unknown>;
    found[name] = { names: Object.keys(module).filter((key) => module[key] !== undefined) };
  } catch (error) {
    found[name] = { error: describe(error) };
  }
}
process.stdout.write(`${JSON.stringify(found)}\n`);
