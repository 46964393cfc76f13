// A TypeDoc plugin: the documented exceptions to `validation.notExported` and
// `validation.notDocumented`, set where TypeDoc checks them.
//
// With the "packages" strategy TypeDoc validates each package on its own, then the merged project,
// and it warns about any name in `intentionallyNotExported` / `intentionallyNotDocumented` that the
// project being validated does not use; one shared list in typedoc.json would fail the build nine
// times over. So this plugin sets the lists per package, just before TypeDoc converts it, and on
// the merged project. Say why next to every entry.
import { IO_METHODS } from "@aio/loop";
import { Application, Converter } from "typedoc";

/** Package folder (packages/<name>) -> types a public signature names but the package keeps private. */
const notExported = {
  // Token.MISSING is the public handle of this unique symbol (Python's contextvars.Token.MISSING).
  core: ["MISSING"],
  // The mapped type that computes gather()'s result tuple from its arguments' types.
  tasks: ["Results"],
  // @aio/streams names these in public signatures without exporting them (reported to its owners).
  // Selectable is the internal interface AioSocket implements for the loop's addReader/addWriter.
  streams: ["TransportServer", "SocketAddress", "Selectable"],
};

// The loop's I/O methods come from the mapped type IOMethods, which TypeDoc sees without
// declarations: the comments on IO_METHODS's keys do not reach them, and TypeDoc files them under
// the repository root instead of @aio/loop, so only the merged project checks them. Each is
// documented on IO_METHODS. (Writing IOMethods as `{ [K in keyof typeof IO_METHODS]: IOMethod }`
// would carry the comments over and make this list unnecessary.)
const notDocumentedInMergedProject = ["BaseEventLoop", "EventLoop", "VirtualTimeEventLoop"].flatMap((loopClass) =>
  Object.keys(IO_METHODS).map((method) => `@aio/loop.${loopClass}.${method}`),
);

/** @param {import("typedoc").Application} app */
export function load(app) {
  // Once the configuration is read, `app.options` is the root options, which validate the merged project.
  app.on(Application.EVENT_BOOTSTRAP_END, () => {
    app.options.setValue("intentionallyNotDocumented", notDocumentedInMergedProject);
  });
  app.converter.on(Converter.EVENT_BEGIN, (context) => {
    // While a package is converted, `application.options` is that package's copy of the options.
    const options = context.converter.application.options;
    // The package's name is not known yet; its entry point (packages/<name>/src/index.ts) says it.
    const entryPoint = String(options.getValue("entryPoints")[0] ?? "");
    const folder = /packages\/([^/]+)\/src\//.exec(entryPoint.replaceAll("\\", "/"))?.[1] ?? "";
    options.setValue("intentionallyNotExported", notExported[folder] ?? []);
    options.setValue("intentionallyNotDocumented", []);
  });
}
