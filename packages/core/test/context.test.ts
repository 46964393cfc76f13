import { describe, expect, it } from "vitest";
import {
  Context,
  ContextVar,
  LookupError,
  RuntimeError,
  Token,
  copyContext,
  currentContext,
  frameStorage,
} from "../src/index.js";

/** CPython test_context.py @isolated_context: run the test in a fresh empty Context. */
function isolated(test: () => void): () => void {
  return () => new Context().run(test);
}

/** Python's Context equality: same variables with the same values. */
function items(context: Context): [ContextVar<unknown>, unknown][] {
  return [...context.items()];
}

describe("ContextVar", () => {
  // mirrors test_context.py::test_context_var_new_1
  it("takes a string name, read-only", () => {
    expect(() => new (ContextVar as unknown as new () => unknown)()).toThrow(TypeError);
    expect(() => new ContextVar(1 as never)).toThrow("must be a str");
    const c = new ContextVar("aaa");
    expect(c.name).toBe("aaa");
    expect(() => {
      (c as { name: string }).name = "bbb";
    }).toThrow(TypeError);
    expect(c.name).toBe("aaa");
  });

  // mirrors test_context.py::test_context_var_repr_1
  it("has Python's repr, and its Token shows when it was used", isolated(() => {
    expect(String(new ContextVar("a"))).toBe("<ContextVar name='a'>");
    expect(String(new ContextVar("a", { default: 123 }))).toBe("<ContextVar name='a' default=123>");
    expect(String(new ContextVar("a", { default: "x" }))).toBe("<ContextVar name='a' default='x'>");

    const lst: unknown[] = [];
    const c = new ContextVar("a", { default: lst });
    lst.push(c);
    expect(String(c)).toBe("<ContextVar name='a' default=[<ContextVar name='a' default=[...]>]>");

    const t = c.set([1]);
    expect(String(t)).toContain(String(c));
    expect(String(t)).not.toContain(" used ");
    c.reset(t);
    expect(String(t)).toContain(" used ");
  }));

  // mirrors test_context.py::test_context_getset_1
  it("gets, sets and resets through tokens", isolated(() => {
    const c = new ContextVar<number | string>("c");
    expect(() => c.get()).toThrow(LookupError);
    expect(() => c.get()).toThrow("<ContextVar name='c'>");
    expect(c.get(null as never)).toBeNull();

    const t0 = c.set(42);
    expect(c.get()).toBe(42);
    expect(c.get(null as never)).toBe(42);
    expect(t0.oldValue).toBe(Token.MISSING);
    expect(t0.var).toBe(c);

    const t = c.set("spam");
    expect(c.get()).toBe("spam");
    expect(t.oldValue).toBe(42);
    c.reset(t);
    expect(c.get()).toBe(42);

    c.set("spam2");
    expect(() => c.reset(t)).toThrow(RuntimeError);
    expect(() => c.reset(t)).toThrow("has already been used once");
    expect(c.get()).toBe("spam2");

    const ctx1 = copyContext();
    expect(ctx1.has(c)).toBe(true);

    c.reset(t0);
    expect(() => c.reset(t0)).toThrow("has already been used");
    expect(c.get(null as never)).toBeNull();

    expect(ctx1.has(c)).toBe(true);
    expect(ctx1.get(c)).toBe("spam2");
    expect(ctx1.get(c, "aa")).toBe("spam2");
    expect(ctx1.size).toBe(1);
    expect([...ctx1.items()]).toEqual([[c, "spam2"]]);
    expect([...ctx1.values()]).toEqual(["spam2"]);
    expect([...ctx1.keys()]).toEqual([c]);
    expect([...ctx1]).toEqual([c]);

    const ctx2 = copyContext();
    expect(ctx2.has(c)).toBe(false);
    expect(ctx2.get(c)).toBeNull();
    expect(ctx2.get(c, "aa")).toBe("aa");
    expect(ctx2.size).toBe(0);
    expect([...ctx2]).toEqual([]);
  }));

  // mirrors test_context.py::test_context_getset_2
  it("refuses a token of another variable", isolated(() => {
    const v1 = new ContextVar<number>("v1");
    const v2 = new ContextVar<number>("v2");
    const t1 = v1.set(42);
    expect(() => v2.reset(t1)).toThrow(RangeError);
    expect(() => v2.reset(t1)).toThrow("by a different");
  }));

  // mirrors test_context.py::test_context_getset_3
  it("shows sets and resets in the running context's mapping", isolated(() => {
    const c = new ContextVar("c", { default: 42 });
    const ctx = new Context();
    ctx.run(() => {
      expect(c.get()).toBe(42);
      expect(ctx.get(c)).toBeNull();
      expect(ctx.get(c, "spam" as never)).toBe("spam");
      expect(ctx.has(c)).toBe(false);
      expect([...ctx.keys()]).toEqual([]);

      const t = c.set(1);
      expect([...ctx.keys()]).toEqual([c]);
      expect(ctx.get(c)).toBe(1);

      c.reset(t);
      expect([...ctx.keys()]).toEqual([]);
      expect(ctx.has(c)).toBe(false);
    });
  }));

  // mirrors test_context.py::test_context_getset_4
  it("refuses a token made in another context", isolated(() => {
    const c = new ContextVar("c", { default: 42 });
    const ctx = new Context();
    const tok = ctx.run((value: number) => c.set(value), 1);
    expect(() => c.reset(tok)).toThrow(RangeError);
    expect(() => c.reset(tok)).toThrow("different Context");
  }));

  // mirrors test_context.py::test_context_getset_5
  it("keeps a copy's sets out of the original", isolated(() => {
    const c = new ContextVar<number[]>("c", { default: [42] });
    c.set([]);
    copyContext().run(() => {
      c.set([]);
      c.get().push(42);
      expect(c.get()).toEqual([42]);
    });
    expect(c.get()).toEqual([]);
  }));

  it("returns the given default before the variable's own", isolated(() => {
    const c = new ContextVar("c", { default: "own" });
    expect(c.get()).toBe("own");
    expect(c.get("given")).toBe("given");
    const undefinedDefault = new ContextVar<undefined>("u", { default: undefined });
    expect(undefinedDefault.get()).toBeUndefined();
  }));

  it("refuses a reset with something that is not a Token", () => {
    const c = new ContextVar("c");
    expect(() => c.reset(1 as never)).toThrow(TypeError);
  });

  // mirrors test_context.py::test_context_threads_1
  it("keeps each asynchronous flow's value across awaits", async () => {
    // Differs from CPython: threads become concurrent async flows, each started in its own copy.
    const cvar = new ContextVar<number>("cvar");
    const sub = async (num: number): Promise<number> => {
      for (let i = 0; i < 10; i++) {
        cvar.set(num + i);
        await new Promise((resolve) => setImmediate(resolve));
        expect(cvar.get()).toBe(num + i);
      }
      return num;
    };
    const results = await Promise.all([...Array(10).keys()].map((num) => copyContext().run(sub, num)));
    expect(results).toEqual([...Array(10).keys()]);
  });
});

describe("Context", () => {
  // mirrors test_context.py::test_context_new_1
  it("takes no arguments", () => {
    expect(() => new Context(1 as never)).toThrow(TypeError);
    expect(() => new Context({ a: 1 } as never)).toThrow("Context() does not accept any arguments");
    expect(new Context().size).toBe(0);
  });

  // mirrors test_context.py::test_context_typerrors_1
  it("expects ContextVar keys", () => {
    const ctx = new Context();
    expect(() => ctx.get(1 as never)).toThrow("a ContextVar key was expected, got 1");
    expect(() => ctx.has(1 as never)).toThrow(TypeError);
  });

  // mirrors test_context.py::test_context_get_context_1
  it("copyContext returns a Context", () => {
    expect(copyContext()).toBeInstanceOf(Context);
  });

  // mirrors test_context.py::test_context_run_1
  it("run needs a function", () => {
    const ctx = new Context();
    expect(() => (ctx.run as () => void)()).toThrow("run() missing 1 required positional argument");
    expect(() => ctx.run(1 as never)).toThrow("'number' object is not callable");
    expect(ctx._entered).toBe(false);
  });

  // mirrors test_context.py::test_context_run_2
  it("run passes the arguments and returns the result", () => {
    const ctx = new Context();
    const func = (...args: unknown[]): unknown[] => [...args, "bar"];
    expect(ctx.run(func)).toEqual(["bar"]);
    expect(ctx.run(func, 1)).toEqual([1, "bar"]);
    expect(ctx.run(func, 11, 12)).toEqual([11, 12, "bar"]);
  });

  // mirrors test_context.py::test_context_run_3
  it("run lets the function's error through and leaves the context", () => {
    const ctx = new Context();
    const func = (..._args: number[]): never => {
      throw new RangeError("division by zero");
    };
    expect(() => ctx.run(func)).toThrow(RangeError);
    expect(() => ctx.run(func, 1, 2)).toThrow(RangeError);
    expect(ctx._entered).toBe(false);
  });

  // mirrors test_context.py::test_context_run_4
  it("run keeps each context's values apart", isolated(() => {
    const ctx1 = new Context();
    const ctx2 = new Context();
    const variable = new ContextVar<string>("var");

    const func2 = (): void => {
      expect(variable.get(null as never)).toBeNull();
    };
    const func1 = (): Context => {
      expect(variable.get(null as never)).toBeNull();
      variable.set("spam");
      ctx2.run(func2);
      expect(variable.get(null as never)).toBe("spam");
      const cur = copyContext();
      expect(cur.size).toBe(1);
      expect(cur.get(variable)).toBe("spam");
      return cur;
    };
    const returnedCtx = ctx1.run(func1);
    // Python compares contexts as mappings (ctx1 == returned_ctx).
    expect(items(returnedCtx)).toEqual(items(ctx1));
    expect(returnedCtx.get(variable)).toBe("spam");
    expect(returnedCtx.has(variable)).toBe(true);
  }));

  // mirrors test_context.py::test_context_run_5
  it("run keeps a set made before an error in the context", () => {
    const ctx = new Context();
    const variable = new ContextVar<string>("var");
    const func = (): never => {
      expect(variable.get(null as never)).toBeNull();
      variable.set("spam");
      throw new RangeError("division by zero");
    };
    expect(() => ctx.run(func)).toThrow(RangeError);
    expect(variable.get(null as never)).toBeNull();
    expect(ctx.get(variable)).toBe("spam");
  });

  // mirrors test_context.py::test_context_run_6
  it("run makes the context current", () => {
    const ctx = new Context();
    const c = new ContextVar("a", { default: 0 });
    ctx.run(() => {
      expect(c.get()).toBe(0);
      expect(ctx.get(c)).toBeNull();
      c.set(42);
      expect(c.get()).toBe(42);
      expect(ctx.get(c)).toBe(42);
      expect(currentContext()).toBe(ctx);
    });
  });

  // mirrors test_context.py::test_context_run_7
  it("cannot be entered twice", () => {
    const ctx = new Context();
    const fun = (): void => {
      expect(() => ctx.run(fun)).toThrow(RuntimeError);
      expect(() => ctx.run(fun)).toThrow(/^cannot enter context: <Context object #\d+> is already entered$/);
    };
    ctx.run(fun);
    expect(ctx._entered).toBe(false);
  });

  // mirrors test_context.py::test_context_copy_1
  it("copy takes a snapshot", () => {
    const ctx1 = new Context();
    const c = new ContextVar("c", { default: 42 });
    const ctx2Fun = (): void => {
      expect(c.get()).toBe(10);
      c.set(30);
      expect(c.get()).toBe(30);
    };
    ctx1.run(() => {
      c.set(10);
      const ctx2 = ctx1.copy();
      expect(ctx2.get(c)).toBe(10);
      c.set(20);
      expect(ctx1.get(c)).toBe(20);
      expect(ctx2.get(c)).toBe(10);
      ctx2.run(ctx2Fun);
      expect(ctx1.get(c)).toBe(20);
      expect(ctx2.get(c)).toBe(30);
    });
  });

  it("keeps the enclosing task of the frame when run inside one", () => {
    const task = {};
    const outer: { _context: Context; _frameTask: object | null } = { _context: new Context(), _frameTask: task };
    frameStorage.run(outer, () => {
      new Context().run(() => {
        expect(frameStorage.getStore()!._frameTask).toBe(task);
      });
    });
    new Context().run(() => {
      expect(frameStorage.getStore()!._frameTask).toBeNull();
    });
  });

  it("keeps asynchronous continuations started in run in that context", async () => {
    const c = new ContextVar("c", { default: "outer" });
    const ctx = new Context();
    const pending = ctx.run(async () => {
      c.set("inner");
      await new Promise((resolve) => setImmediate(resolve));
      return c.get();
    });
    // Differs from CPython: run returns when the function returns, but the context stays
    // entered only for the synchronous part, so the context can be run again meanwhile.
    expect(ctx._entered).toBe(false);
    expect(c.get()).toBe("outer");
    expect(await pending).toBe("inner");
  });
});
