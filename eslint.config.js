// One flat ESLint config for the whole workspace (STYLE.md §10). `eslint .` in a package finds this file by
// searching up from the package directory; typed rules get their program from the TypeScript project service.
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: ["**/dist/**", "**/.tools/**", "**/.turbo/**", "**/coverage/**", "**/node_modules/**", "apps/bench/results/**", "**/*.d.ts"],
  },
  {
    linterOptions: {
      // A disable comment that no longer disables anything is an error, not a warning.
      reportUnusedDisableDirectives: "error",
    },
  },
  eslint.configs.recommended,
  comments.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked against the tsconfig that owns it: packages/x/tsconfig.json for src/,
        // packages/x/tsconfig.test.json for test/ (reached through the root solution tsconfig.json).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Promises: asyncio semantics depend on every promise being awaited or deliberately detached.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // STYLE.md §6: never throw a non-Error.
      "@typescript-eslint/only-throw-error": "error",
      // A switch over a union handles every member, so adding a member shows every place to update.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // STYLE.md §3: types come in through `import type` (pairs with verbatimModuleSyntax).
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "separate-type-imports" }],
      // STYLE.md §3: named exports only.
      "no-restricted-exports": ["error", { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
      // STYLE.md §10: a disable comment gives its reason after `--`.
      "@eslint-community/eslint-comments/require-description": ["error", { ignore: ["eslint-enable"] }],
      // Covered by reportUnusedDisableDirectives above.
      "@eslint-community/eslint-comments/no-unused-disable": "off",
      // An async function without `await` is a coroutine that finishes in one step: common and correct in
      // asyncio code (`createTask(async () => 42)`), so this rule from the recommended set is off.
      "@typescript-eslint/require-await": "off",
      // `_loop`-style parameters keep a Python signature's shape where the body does not need them.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Plain JavaScript (build scripts, this file) is linted without type information.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // Tool config files are loaded through their default export.
    files: ["**/vitest.config.ts", "**/eslint.config.js"],
    rules: { "no-restricted-exports": "off" },
  },
);
