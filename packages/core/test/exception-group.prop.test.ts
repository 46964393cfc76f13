import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExceptionGroup } from "../src/index.js";

class Leaf extends Error {
  override name = "Leaf";
  readonly id: number;
  constructor(id: number) {
    super(String(id));
    this.id = id;
  }
}

/** A tree of leaves (numbers) and groups (non-empty arrays). */
type Tree = number | Tree[];

const treeArbitrary: fc.Arbitrary<Tree[]> = fc.letrec<{ tree: Tree; group: Tree[] }>((tie) => ({
  tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.nat(1_000), tie("group")),
  group: fc.array(tie("tree"), { minLength: 1, maxLength: 4 }),
})).group;

function build(tree: Tree[], label: string): ExceptionGroup {
  return new ExceptionGroup(
    label,
    tree.map((node, i) => (typeof node === "number" ? new Leaf(node) : build(node, `${label}.${i}`))),
  );
}

function leaves(error: unknown): Leaf[] {
  return error instanceof ExceptionGroup ? error.exceptions.flatMap(leaves) : [error as Leaf];
}

/** Every group keeps its message, and is a (possibly partial) copy of the group of the same message in `original`. */
function checkNesting(part: ExceptionGroup, original: ExceptionGroup): void {
  expect(part.message).toBe(original.message);
  const byMessage = new Map(
    original.exceptions.filter((e) => e instanceof ExceptionGroup).map((e) => [e.message, e]),
  );
  for (const member of part.exceptions) {
    if (member instanceof ExceptionGroup) {
      const source = byMessage.get(member.message);
      expect(source).toBeDefined();
      checkNesting(member, source!);
    } else {
      expect(original.exceptions).toContain(member);
    }
  }
}

describe("ExceptionGroup.split (properties)", () => {
  it("partitions the leaves into matching and rest, in order, keeping the nesting", () => {
    fc.assert(
      fc.property(treeArbitrary, fc.nat(7), (tree, modulus) => {
        const eg = build(tree, "root");
        const isMatch = (error: unknown): boolean => error instanceof Leaf && error.id % (modulus + 2) === 0;
        const [match, rest] = eg.split(isMatch);

        const all = leaves(eg);
        const matched = match === null ? [] : leaves(match);
        const others = rest === null ? [] : leaves(rest);
        expect(matched).toEqual(all.filter(isMatch));
        expect(others).toEqual(all.filter((leaf) => !isMatch(leaf)));
        expect(match === null).toBe(matched.length === 0);
        expect(rest === null).toBe(others.length === 0);
        if (match !== null) checkNesting(match, eg);
        if (rest !== null) checkNesting(rest, eg);
        // subgroup is split's first half.
        const sub = eg.subgroup(isMatch);
        expect(sub === null ? [] : leaves(sub)).toEqual(matched);
      }),
      { numRuns: 200 },
    );
  });
});
