/**
 * Python's repr() and reprlib.repr() of JavaScript values (each expected string is python3.13's
 * output for the equivalent Python value).
 */
import { describe, expect, it } from "vitest";
import { _pyRepr, _pyReprlib } from "../src/index.js";

describe("_pyRepr", () => {
  it("shows lists, dicts, sets and scalars as Python's repr()", () => {
    // repr({'a': [1, 'x'], 'b': None}), repr(set()), repr({1}), repr(float('nan')), repr(True)
    expect(_pyRepr({ a: [1, "x"], b: null })).toBe("{'a': [1, 'x'], 'b': None}");
    expect(_pyRepr(new Set())).toBe("set()");
    expect(_pyRepr(new Set([1]))).toBe("{1}");
    expect(_pyRepr(new Map([["k", 2]]))).toBe("{'k': 2}");
    expect([_pyRepr(Number.NaN), _pyRepr(true), _pyRepr("it's")]).toEqual(["nan", "True", `"it's"`]);
  });

  it("shows a container that holds itself as [...] / {...}", () => {
    // a = [1]; a.append(a); repr(a) -> [1, [...]];  d = {'k': 1}; d['self'] = d -> {'k': 1, 'self': {...}}
    const list: unknown[] = [1];
    list.push(list);
    expect(_pyRepr(list)).toBe("[1, [...]]");
    const dict: Record<string, unknown> = { k: 1 };
    dict.self = dict;
    expect(_pyRepr(dict)).toBe("{'k': 1, 'self': {...}}");
  });

  it("uses an object's own toString as its repr", () => {
    expect(_pyRepr({ toString: () => "<Mine>" })).toBe("<Mine>");
    expect(_pyRepr(new (class Thing {})())).toBe("<Thing object>");
  });
});

describe("_pyReprlib", () => {
  it("cuts long lists, dicts and strings, and stops at six levels", () => {
    // reprlib.repr(list(range(10))), reprlib.repr('x' * 30), a self-holding list
    expect(_pyReprlib([...Array(10).keys()])).toBe("[0, 1, 2, 3, 4, 5, ...]");
    expect(_pyReprlib("x".repeat(30))).toBe("'xxxxxxxxxxxx...xxxxxxxxxxxxx'");
    expect(_pyReprlib({ a: 1, b: 2, c: 3, d: 4, e: 5 })).toBe("{'a': 1, 'b': 2, 'c': 3, 'd': 4, ...}");
    const list: unknown[] = [1];
    list.push(list);
    expect(_pyReprlib(list)).toBe("[1, [1, [1, [1, [1, [1, [...]]]]]]]");
  });
});
