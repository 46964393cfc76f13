import { describe, expect, it } from "vitest";
import { CancelledError, ExceptionGroup, OSError, RuntimeError } from "../src/index.js";
import type { ExceptionGroupCondition } from "../src/index.js";

/** Python's ValueError/TypeError stand-ins that compare by class and argument. */
class ValueError extends Error {
  override name = "ValueError";
}

/** The shape of an error: a leaf as `Class(message)`, a group as the list of its members' shapes. */
type Template = string | Template[];
function shape(error: unknown): Template {
  if (error instanceof ExceptionGroup) return error.exceptions.map(shape);
  const e = error as Error;
  return `${e.constructor.name}(${e.message})`;
}

/** CPython test_exception_group.py create_simple_eg: [ValueError(1), TypeError(int), ValueError(2)]. */
function createSimpleEg(): ExceptionGroup {
  return new ExceptionGroup("simple eg", [new ValueError("1"), new TypeError("int"), new ValueError("2")]);
}
const SIMPLE = ["ValueError(1)", "TypeError(int)", "ValueError(2)"];

describe("ExceptionGroup", () => {
  // mirrors test_exception_group.py::test_exception_group_types
  it("is an AggregateError and an Error", () => {
    const eg = createSimpleEg();
    expect(eg).toBeInstanceOf(AggregateError);
    expect(eg).toBeInstanceOf(Error);
    expect(eg.name).toBe("ExceptionGroup");
  });

  // mirrors test_exception_group.py::test_bad_EG_construction__bad_message
  it("rejects a message that is not a string", () => {
    expect(() => new ExceptionGroup(42 as never, [new ValueError()])).toThrow(TypeError);
    expect(() => new ExceptionGroup(42 as never, [new ValueError()])).toThrow("argument 1 must be str, not number");
  });

  // mirrors test_exception_group.py::test_bad_EG_construction__bad_excs_sequence
  it("rejects a missing or empty list of exceptions", () => {
    expect(() => new ExceptionGroup("eg", null as never)).toThrow(TypeError);
    expect(() => new ExceptionGroup("eg", null as never)).toThrow("second argument (exceptions) must be a sequence");
    expect(() => new ExceptionGroup("eg", 42 as never)).toThrow(TypeError);
    expect(() => new ExceptionGroup("eg", [])).toThrow(RangeError);
    expect(() => new ExceptionGroup("eg", [])).toThrow("second argument (exceptions) must be a non-empty sequence");
  });

  it("accepts any iterable of exceptions", () => {
    const a = new ValueError("a");
    const eg = new ExceptionGroup("eg", new Set([a]));
    expect(eg.exceptions).toEqual([a]);
  });

  // mirrors test_exception_group.py::test_basics_ExceptionGroup_fields
  // mirrors test_exception_group.py::test_fields_are_readonly
  it("exposes message, exceptions (frozen) and AggregateError's errors", () => {
    const eg = createSimpleEg();
    expect(eg.message).toBe("simple eg");
    expect(shape(eg)).toEqual(SIMPLE);
    expect(Object.isFrozen(eg.exceptions)).toBe(true);
    expect(eg.errors).toEqual(eg.exceptions);
  });

  // mirrors test_exception_group.py::StrAndReprTests::test_ExceptionGroup
  it("prints like Python's traceback line", () => {
    expect(String(createSimpleEg())).toBe("ExceptionGroup: simple eg (3 sub-exceptions)");
    expect(String(new ExceptionGroup("one", [new ValueError()]))).toBe("ExceptionGroup: one (1 sub-exception)");
  });

  it("holds errors of any kind, CancelledError included", () => {
    // Differs from CPython: there is no BaseExceptionGroup; CancelledError and KeyboardInterrupt
    // are Errors in JS, so an ExceptionGroup may hold them.
    const eg = new ExceptionGroup("eg", [new CancelledError(), new Error("plain")]);
    expect(eg.exceptions).toHaveLength(2);
  });

  // mirrors test_exception_group.py::BadConstructorArgs::test_bad_EG_construction__bad_excs_sequence
  it("rejects an item that is not an Error", () => {
    expect(() => new ExceptionGroup("eg", [5])).toThrow(RangeError);
    expect(() => new ExceptionGroup("eg", [5])).toThrow(/^Item 0 of second argument \(exceptions\) is not an exception$/);
    expect(() => new ExceptionGroup("eg", [new Error("a"), "thrown string"])).toThrow(
      /^Item 1 of second argument \(exceptions\) is not an exception$/,
    );
  });

  it("keeps a thrown non-Error value in a group built from thrown values, and splits it", () => {
    // Differs from CPython: a JavaScript task can throw a string; TaskGroup groups it as thrown.
    const eg = ExceptionGroup._ofThrown("eg", [new ValueError("v"), "thrown string"]);
    expect(eg.exceptions).toEqual([expect.any(ValueError), "thrown string"]);
    const [match, rest] = eg.split(ValueError);
    expect(match!.exceptions).toHaveLength(1);
    expect(rest!.exceptions).toEqual(["thrown string"]);
    // derive() checks items as the constructor does, except the group's own thrown ones.
    expect(eg.derive(["thrown string"]).exceptions).toEqual(["thrown string"]);
    expect(() => eg.derive([5])).toThrow(/^Item 0 of second argument \(exceptions\) is not an exception$/);
  });
});

describe("ExceptionGroup.subgroup", () => {
  const badArgs: [string, unknown][] = [
    ["a string", "bad arg"],
    ["a class that is not an Error", class C {}],
    ["an instance", new OSError("instance not type")],
    ["an array with a non-class", [OSError, 42]],
    ["a number", 42],
  ];
  // mirrors test_exception_group.py::test_basics_subgroup_split__bad_arg_type
  it.each(badArgs)("rejects %s as the condition", (_label, arg) => {
    const eg = createSimpleEg();
    const message = "expected an exception type, a tuple of exception types, or a callable (other than a class)";
    expect(() => eg.subgroup(arg as ExceptionGroupCondition)).toThrow(TypeError);
    expect(() => eg.split(arg as ExceptionGroupCondition)).toThrow(message);
  });

  // mirrors test_exception_group.py::test_basics_subgroup_by_type__passthrough
  it("returns the group itself when the group matches", () => {
    const eg = createSimpleEg();
    expect(eg.subgroup(Error)).toBe(eg);
    expect(eg.subgroup(AggregateError)).toBe(eg);
    expect(eg.subgroup(ExceptionGroup)).toBe(eg);
  });

  // mirrors test_exception_group.py::test_basics_subgroup_by_type__no_match
  it("returns null when nothing matches", () => {
    expect(createSimpleEg().subgroup(OSError)).toBeNull();
  });

  // mirrors test_exception_group.py::test_basics_subgroup_by_type__match
  it("keeps the matching leaves by class or array of classes", () => {
    const eg = createSimpleEg();
    const cases: [ExceptionGroupCondition, Template][] = [
      [ValueError, ["ValueError(1)", "ValueError(2)"]],
      [TypeError, ["TypeError(int)"]],
      [[ValueError, TypeError], SIMPLE],
    ];
    for (const [condition, template] of cases) {
      const sub = eg.subgroup(condition)!;
      expect(sub).toBeInstanceOf(ExceptionGroup);
      expect(sub).not.toBe(eg);
      expect(sub.message).toBe(eg.message);
      expect(shape(sub)).toEqual(template);
    }
  });

  // mirrors test_exception_group.py::test_basics_subgroup_by_predicate__passthrough
  // mirrors test_exception_group.py::test_basics_subgroup_by_predicate__no_match
  it("applies a predicate to the group first, then to the leaves", () => {
    const eg = createSimpleEg();
    const always = (): boolean => true;
    const never = (): boolean => false;
    function named(): boolean {
      return true;
    }
    const bound = { ok: true, test(): boolean { return this.ok; } };
    expect(eg.subgroup(always)).toBe(eg);
    expect(eg.subgroup(named)).toBe(eg);
    expect(eg.subgroup(bound.test.bind(bound))).toBe(eg);
    expect(eg.subgroup(never)).toBeNull();
  });

  // mirrors test_exception_group.py::test_basics_subgroup_by_predicate__match
  it("keeps the leaves a predicate selects", () => {
    const eg = createSimpleEg();
    const sub = eg.subgroup((e) => e instanceof ValueError)!;
    expect(sub.message).toBe("simple eg");
    expect(shape(sub)).toEqual(["ValueError(1)", "ValueError(2)"]);
  });
});

describe("ExceptionGroup.split", () => {
  // mirrors test_exception_group.py::test_basics_split_by_type__passthrough
  it("gives [group, null] when the group matches", () => {
    const eg = createSimpleEg();
    for (const condition of [Error, AggregateError, ExceptionGroup]) {
      const [match, rest] = eg.split(condition);
      expect(match).toBe(eg);
      expect(rest).toBeNull();
    }
  });

  // mirrors test_exception_group.py::test_basics_split_by_type__no_match
  it("gives [null, copy] when nothing matches", () => {
    const eg = createSimpleEg();
    const [match, rest] = eg.split(OSError);
    expect(match).toBeNull();
    expect(rest).not.toBe(eg);
    expect(shape(rest)).toEqual(SIMPLE);
  });

  // mirrors test_exception_group.py::test_basics_split_by_type__match
  // mirrors test_exception_group.py::test_basics_split_by_predicate__match
  it("partitions the leaves by class, array of classes or predicate", () => {
    const eg = createSimpleEg();
    const cases: [ExceptionGroupCondition, Template, Template | null][] = [
      [ValueError, ["ValueError(1)", "ValueError(2)"], ["TypeError(int)"]],
      [TypeError, ["TypeError(int)"], ["ValueError(1)", "ValueError(2)"]],
      [[ValueError, TypeError], SIMPLE, null],
      [[OSError, ValueError], ["ValueError(1)", "ValueError(2)"], ["TypeError(int)"]],
      [(e: unknown) => e instanceof ValueError, ["ValueError(1)", "ValueError(2)"], ["TypeError(int)"]],
      [(e: unknown) => e instanceof ValueError || e instanceof TypeError, SIMPLE, null],
    ];
    for (const [condition, matchTemplate, restTemplate] of cases) {
      const [match, rest] = eg.split(condition);
      expect(match!.message).toBe(eg.message);
      expect(shape(match)).toEqual(matchTemplate);
      if (restTemplate === null) {
        expect(rest).toBeNull();
      } else {
        expect(rest!.message).toBe(eg.message);
        expect(shape(rest)).toEqual(restTemplate);
      }
    }
  });

  // mirrors test_exception_group.py::test_basics_split_by_predicate__passthrough
  // mirrors test_exception_group.py::test_basics_split_by_predicate__no_match
  it("passes everything or nothing through with a constant predicate", () => {
    const eg = createSimpleEg();
    expect(eg.split(() => true)).toEqual([eg, null]);
    const [match, rest] = eg.split(() => false);
    expect(match).toBeNull();
    expect(shape(rest)).toEqual(SIMPLE);
  });

  // mirrors test_exception_group.py::test_split_by_type
  it("keeps the nesting of inner groups in both parts", () => {
    // Python: ExceptionGroup("outer", [ValueError(1), ExceptionGroup("inner", [TypeError(2), ValueError(3)])])
    const inner = new ExceptionGroup("inner", [new TypeError("2"), new ValueError("3")]);
    const eg = new ExceptionGroup("outer", [new ValueError("1"), inner]);

    const [vMatch, vRest] = eg.split(ValueError);
    expect(shape(vMatch)).toEqual(["ValueError(1)", ["ValueError(3)"]]);
    expect(shape(vRest)).toEqual([["TypeError(2)"]]);
    expect(vMatch!.message).toBe("outer");
    expect((vMatch!.exceptions[1] as ExceptionGroup).message).toBe("inner");

    const [tMatch, tRest] = eg.split(TypeError);
    expect(shape(tMatch)).toEqual([["TypeError(2)"]]);
    expect(shape(tRest)).toEqual(["ValueError(1)", ["ValueError(3)"]]);

    // A fully matching inner group is rebuilt, as in Python (not the same object).
    const [allMatch, allRest] = eg.split([TypeError, ValueError]);
    expect(allMatch).not.toBe(eg);
    expect(allMatch!.exceptions[1]).not.toBe(inner);
    expect(allRest).toBeNull();
  });

  it("keeps an inner group whole when the predicate matches it", () => {
    const inner = new ExceptionGroup("inner", [new TypeError("2"), new ValueError("3")]);
    const eg = new ExceptionGroup("outer", [new ValueError("1"), inner]);
    const sub = eg.subgroup((e) => e instanceof ExceptionGroup && e.message === "inner")!;
    expect(sub.exceptions).toEqual([inner]);
    expect(sub.exceptions[0]).toBe(inner);
  });

  it("copies cause and stack to both parts, as Python copies __cause__ and __traceback__", () => {
    const cause = new Error("c");
    const inner = new ExceptionGroup("inner", [new TypeError("2"), new ValueError("3")]);
    const eg = new ExceptionGroup("outer", [new ValueError("1"), inner]);
    eg.cause = cause;
    const [match, rest] = eg.split(TypeError);
    expect(match!.cause).toBe(cause);
    expect(rest!.cause).toBe(cause);
    expect(match!.stack).toBe(eg.stack);
    expect(rest!.stack).toBe(eg.stack);
    expect("cause" in (match!.exceptions[0] as ExceptionGroup)).toBe(false);
  });

  // mirrors test_exception_group.py::test_split_ExceptionGroup_subclass_no_derive_no_new_override
  it("derives plain ExceptionGroups from a subclass without derive", () => {
    class MyEG extends ExceptionGroup {}
    const eg = new MyEG("x", [new ValueError("1"), new TypeError("2")]);
    const [match, rest] = eg.split(ValueError);
    expect(match!.constructor).toBe(ExceptionGroup);
    expect(rest!.constructor).toBe(ExceptionGroup);
    expect(eg.derive([new ValueError()]).constructor).toBe(ExceptionGroup);
  });

  // mirrors test_exception_group.py::test_split_ExceptionGroup_subclass_derive_and_new_overrides
  it("uses an overridden derive for every part", () => {
    class EG extends ExceptionGroup {
      readonly code: number;
      constructor(message: string, exceptions: Iterable<unknown>, code: number) {
        super(message, exceptions);
        this.code = code;
      }
      override derive(exceptions: Iterable<unknown>): EG {
        return new EG(this.message, exceptions, this.code);
      }
    }
    const nested = new EG("nested", [new TypeError("2")], 101);
    const eg = new EG("eg", [new ValueError("1"), nested], 42);

    let [match, rest] = eg.split(OSError);
    expect(match).toBeNull();
    expect(rest).toBeInstanceOf(EG);
    expect(shape(rest)).toEqual(["ValueError(1)", ["TypeError(2)"]]);
    expect((rest as EG).code).toBe(42);
    expect((rest!.exceptions[1] as EG).code).toBe(101);

    [match, rest] = eg.split([ValueError, TypeError]);
    expect(shape(match)).toEqual(["ValueError(1)", ["TypeError(2)"]]);
    expect((match as EG).code).toBe(42);
    expect((match!.exceptions[1] as EG).code).toBe(101);
    expect(rest).toBeNull();

    [match, rest] = eg.split(ValueError);
    expect(shape(match)).toEqual(["ValueError(1)"]);
    expect((match as EG).code).toBe(42);
    expect(shape(rest)).toEqual([["TypeError(2)"]]);
    expect((rest!.exceptions[0] as EG).code).toBe(101);

    [match, rest] = eg.split(TypeError);
    expect(shape(match)).toEqual([["TypeError(2)"]]);
    expect((match!.exceptions[0] as EG).code).toBe(101);
    expect(shape(rest)).toEqual(["ValueError(1)"]);
    expect((rest as EG).code).toBe(42);
  });

  // mirrors test_exception_group.py::test_drive_invalid_return_value
  it("rejects a derive that does not return an ExceptionGroup", () => {
    class MyEg extends ExceptionGroup {
      override derive(): ExceptionGroup {
        return 42 as never;
      }
    }
    const eg = new MyEg("eg", [new TypeError("1"), new ValueError("2")]);
    expect(() => eg.split(TypeError)).toThrow("derive must return an instance of BaseExceptionGroup");
    expect(() => eg.subgroup(TypeError)).toThrow(TypeError);
  });

  it("matches subclasses of the given class", () => {
    class Special extends RuntimeError {}
    const eg = new ExceptionGroup("eg", [new Special("s"), new RuntimeError("r"), new Error("e")]);
    expect(shape(eg.subgroup(RuntimeError))).toEqual(["Special(s)", "RuntimeError(r)"]);
  });
});
