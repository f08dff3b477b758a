// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * A `deno lint` plugin (deno.json `lint.plugins`) with the rules of the Deno
 * Standard Library's style guide that apply to us
 * (https://docs.deno.com/runtime/contributing/style_guide/):
 *
 * - `regexp-name`: a variable holding a regular expression is an UPPER_SNAKE
 *   constant named `*_REGEXP`;
 * - `no-top-level-arrow-syntax`: top-level functions are declarations
 *   (tests and benchmarks aside);
 * - `prefer-private-field`: `#field`, not the `private` keyword;
 * - `exported-function-args-maximum`: an exported function of a public module
 *   takes at most 2 required arguments, then an options object (or a
 *   function);
 * - `error-message`: a message given to `new XxxError(...)` starts with a
 *   capital, has no period at the end nor between sentences (a colon comes
 *   before the detail), and no contraction (`can't`, `it's`; a possessive
 *   is fine); tests aside;
 * - `naming-convention`: PascalCase types and classes, camelCase functions,
 *   methods and properties, variables camelCase, PascalCase or UPPER_SNAKE;
 * - `copyright`: the file starts with the copyright line.
 *
 * @module
 */

const PASCAL_CASE_REGEXP = /^_?(?:[A-Z][a-z0-9]*)*_?$/;
const UPPER_CASE_ONLY_REGEXP = /^_?[A-Z]{2,}$/;
const CAMEL_CASE_REGEXP = /^[_a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*_?$/;
const CONSTANT_CASE_REGEXP = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_?$/;
const REGEXP_NAME_REGEXP = /^(?:[A-Z][A-Z0-9]*_)*REGEXP$/;
const CONTRACTION_REGEXP =
  /\b(?:\w+n't|it's|that's|there's|here's|what's|let's|\w+'(?:re|ve|ll|d|m))\b/i;
const COPYRIGHT_REGEXP =
  /^ Copyright \d{4} the happy-eyeballs authors\. MIT license\.$/;

/** The copyright line every file starts with. */
const COPYRIGHT = `// Copyright ${
  new Date().getFullYear()
} the happy-eyeballs authors. MIT license.`;

const STYLE_GUIDE = "https://docs.deno.com/runtime/contributing/style_guide/";

function isPascalCase(name: string): boolean {
  return PASCAL_CASE_REGEXP.test(name) && !UPPER_CASE_ONLY_REGEXP.test(name);
}

function isCamelCase(name: string): boolean {
  return CAMEL_CASE_REGEXP.test(name);
}

function isTest(filename: string): boolean {
  return filename.endsWith("_test.ts") || filename.endsWith("_bench.ts");
}

/** The repository root, as a path with a trailing slash. */
const ROOT_PATH = new URL("../", import.meta.url).pathname;

/**
 * Whether `filename` is a private module (in a `_` folder or `_` file),
 * judged on its path from the repository root: a checkout under a `_`
 * folder of its own makes no file private.
 */
function isPrivate(filename: string): boolean {
  let path = filename.replaceAll("\\", "/");
  if (path.startsWith(ROOT_PATH)) path = path.slice(ROOT_PATH.length);
  return path.includes("/_") || path.startsWith("_");
}

/** Whether `node` makes a regular expression: `/x/`, `RegExp(...)`. */
function isRegExp(node: Deno.lint.Expression | null): boolean {
  if (node === null) return false;
  if (node.type === "Literal") return node.value instanceof RegExp;
  if (node.type === "NewExpression" || node.type === "CallExpression") {
    return node.callee.type === "Identifier" && node.callee.name === "RegExp";
  }
  return false;
}

/** The text of an error message, as far as it is written in the source. */
function messageParts(
  node: Deno.lint.Node | undefined,
): { first: string; last: string; whole: string } | undefined {
  if (node?.type === "Literal" && typeof node.value === "string") {
    return { first: node.value, last: node.value, whole: node.value };
  }
  if (node?.type === "TemplateLiteral") {
    const quasis = node.quasis.map((q) => q.cooked ?? q.raw);
    return {
      first: quasis[0] ?? "",
      last: quasis.at(-1) ?? "",
      whole: quasis.join("${}"),
    };
  }
  return undefined;
}

/** The rules of the Deno Standard Library's style guide that we follow. */
const plugin: Deno.lint.Plugin = {
  name: "std-style",
  rules: {
    "regexp-name": {
      create(context) {
        return {
          VariableDeclarator(node) {
            if (node.id.type !== "Identifier" || !isRegExp(node.init)) return;
            if (REGEXP_NAME_REGEXP.test(node.id.name)) return;
            context.report({
              node: node.id,
              message:
                `Regular expression '${node.id.name}' is not an UPPER_SNAKE constant named *_REGEXP`,
              hint:
                "Name it like `HOST_REGEXP`, as a module-level constant when it is used in a function.",
            });
          },
        };
      },
    },
    "no-top-level-arrow-syntax": {
      create(context) {
        if (isTest(context.filename)) return {};
        return {
          ArrowFunctionExpression(node) {
            if (node.parent.type !== "VariableDeclarator") return;
            const declaration = node.parent.parent;
            if (
              declaration.type === "VariableDeclaration" &&
              (declaration.parent.type === "Program" ||
                declaration.parent.type === "ExportNamedDeclaration")
            ) {
              context.report({
                node,
                message: "Top-level functions should not use arrow syntax",
                hint:
                  "Use `function foo() {}` instead of `const foo = () => {}`.",
              });
            }
          },
        };
      },
    },
    "prefer-private-field": {
      create(context) {
        function check(
          node:
            | Deno.lint.MethodDefinition
            | Deno.lint.PropertyDefinition
            | Deno.lint.TSParameterProperty,
        ): void {
          if (node.accessibility !== "private") return;
          context.report({
            range: node.range,
            message: "Class member uses the `private` keyword",
            hint: "Use a private field (`#foo`) instead of `private foo`.",
          });
        }
        return {
          MethodDefinition: check,
          PropertyDefinition: check,
          TSParameterProperty: check,
        };
      },
    },
    "exported-function-args-maximum": {
      create(context) {
        if (isPrivate(context.filename) || isTest(context.filename)) return {};
        return {
          ExportNamedDeclaration(node) {
            const declaration = node.declaration;
            if (declaration?.type !== "FunctionDeclaration") return;
            const { params } = declaration;
            if (params.length < 3) return;
            const last = params.at(-1)!;
            if (params.length === 3) {
              if (last.type === "Identifier") {
                if (last.name === "options") return;
                const type = last.typeAnnotation?.typeAnnotation;
                if (type?.type === "TSFunctionType") return;
              }
              if (
                last.type === "AssignmentPattern" &&
                (last.right.type === "ObjectExpression" ||
                  (last.left.type === "Identifier" &&
                    last.left.name === "options"))
              ) return;
            }
            context.report({
              node: declaration.id ?? declaration,
              message:
                "Exported function takes more than 2 required arguments and an options object",
              hint:
                `Take at most 2 required arguments, then \`options\` (see ${STYLE_GUIDE}).`,
            });
          },
        };
      },
    },
    "error-message": {
      create(context) {
        if (isTest(context.filename)) return {};
        return {
          NewExpression(node) {
            if (
              node.callee.type !== "Identifier" ||
              !node.callee.name.endsWith("Error")
            ) return;
            const argument = node.arguments[0];
            const parts = messageParts(argument);
            if (argument === undefined || parts === undefined) return;
            const problems: string[] = [];
            const char = parts.first[0];
            if (char !== undefined && char !== char.toUpperCase()) {
              problems.push("starts with a lowercase letter");
            }
            if (parts.last.endsWith(".")) problems.push("ends with a period");
            if (parts.whole.includes(". ")) {
              problems.push("contains a period between sentences");
            }
            if (CONTRACTION_REGEXP.test(parts.whole)) {
              problems.push("uses a contraction");
            }
            for (const problem of problems) {
              context.report({
                node: argument,
                message: `Error message ${problem}`,
                hint:
                  `Capital first, no period, a colon before the detail, no contraction (see ${STYLE_GUIDE}).`,
              });
            }
          },
        };
      },
    },
    "naming-convention": {
      create(context) {
        function pascal(kind: string, id: Deno.lint.Identifier | null): void {
          if (id === null || isPascalCase(id.name)) return;
          context.report({
            node: id,
            message: `${kind} name '${id.name}' is not PascalCase`,
          });
        }
        function camel(kind: string, key: Deno.lint.Node | null): void {
          if (
            key === null ||
            (key.type !== "Identifier" && key.type !== "PrivateIdentifier") ||
            isCamelCase(key.name)
          ) return;
          context.report({
            node: key,
            message: `${kind} name '${key.name}' is not camelCase`,
          });
        }
        return {
          TSTypeAliasDeclaration: (node) => pascal("Type", node.id),
          TSInterfaceDeclaration: (node) => pascal("Interface", node.id),
          TSEnumDeclaration: (node) => pascal("Enum", node.id),
          ClassDeclaration: (node) => pascal("Class", node.id),
          FunctionDeclaration: (node) => camel("Function", node.id),
          MethodDefinition(node) {
            if (node.kind !== "constructor") camel("Method", node.key);
          },
          PropertyDefinition: (node) => camel("Property", node.key),
          VariableDeclarator(node) {
            if (node.id.type !== "Identifier") return;
            const { name } = node.id;
            if (
              isCamelCase(name) || isPascalCase(name) ||
              CONSTANT_CASE_REGEXP.test(name)
            ) return;
            context.report({
              node: node.id,
              message:
                `Variable name '${name}' is not camelCase, PascalCase, or UPPER_SNAKE`,
            });
          },
        };
      },
    },
    "copyright": {
      create(context) {
        const first = context.sourceCode.getAllComments().slice(0, 3);
        if (
          !first.some((c) =>
            c.type === "Line" && COPYRIGHT_REGEXP.test(c.value)
          )
        ) {
          context.report({
            range: [0, 0],
            message: "Missing copyright line",
            hint: `Start the file with: ${COPYRIGHT}`,
          });
        }
        return {};
      },
    },
  },
};

export default plugin;
