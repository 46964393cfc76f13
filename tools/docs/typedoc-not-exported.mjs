// A TypeDoc plugin: the `intentionallyNotExported` list of each package.
//
// With the "packages" strategy TypeDoc validates each package on its own, and it also warns about
// any name in `intentionallyNotExported` that the package being validated does not use, so one
// shared list in typedoc.json fails the build nine times over. This plugin sets the list per
// package, just before TypeDoc converts it. Every entry is a type that a public signature names
// but that the package keeps private on purpose; say why next to it.
import { Converter } from "typedoc";

/** Package folder (packages/<name>) -> names allowed to be referenced without being exported. */
const notExported = {
  // Token.MISSING is the public handle of this unique symbol (Python's contextvars.Token.MISSING).
  core: ["MISSING"],
  // The mapped type that computes gather()'s result tuple from its arguments' types.
  tasks: ["Results"],
  // @aio/streams names these in public signatures without exporting them (reported to its owners).
  streams: ["TransportServer", "SocketAddress"],
};

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_BEGIN, (context) => {
    // `application.options` is the options of the package being converted at this point.
    const options = context.converter.application.options;
    // The package's name is not known yet; its entry point (packages/<name>/src/index.ts) says it.
    const entryPoint = String(options.getValue("entryPoints")[0] ?? "");
    const folder = /packages\/([^/]+)\/src\//.exec(entryPoint.replaceAll("\\", "/"))?.[1] ?? "";
    options.setValue("intentionallyNotExported", notExported[folder] ?? []);
  });
}
