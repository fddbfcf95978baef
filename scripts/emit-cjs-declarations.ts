/**
 * The declarations for `require`: a CommonJS copy of each declaration file that tsc emitted for `import`.
 *
 * `npm run build` runs tsup (the JavaScript), then `tsc -p tsconfig.build.json` (one `.d.ts` per source file
 * under dist/types/, with the TSDoc comments), then this script, which writes each `dist/types/x.d.ts` again
 * as `dist/types/x.d.cts` with its relative module specifiers pointing at the `.cjs` twins (`./x.js` becomes
 * `./x.cjs`, which TypeScript resolves to `./x.d.cts`). In a `"type": "module"` package a `.d.ts` describes an
 * ES module and a `.d.cts` a CommonJS one, so the `require` condition of package.json "exports" gets types of
 * its own module system (what `attw --profile node16` checks), and both trees read the same.
 *
 * The declarations import types from `temporal-polyfill`, which is an ES module only. In a CommonJS
 * declaration file that import would stand for a `require()`, which TypeScript refuses under
 * `"module": "node16"` (TS1479, TS1541: it models a Node.js without `require()` of ES modules), so the
 * `.d.cts` files import those types as what they are: `import type … with { "resolution-mode": "import" }`
 * (TypeScript 5.3 or later reads that).
 *
 * Usage: `tsx scripts/emit-cjs-declarations.ts [folder]` (default: dist/types).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

/** Packages that are ES modules only, whose types a CommonJS declaration file imports with `resolution-mode`. */
export const ES_MODULE_ONLY_PACKAGES: readonly string[] = ["temporal-polyfill"];

/**
 * `text` (a declaration file) as the declaration of a CommonJS module:
 *
 * - every relative module specifier that ends in `.js` ends in `.cjs`: those of `import` and `export`
 *   declarations, of `import("…")` types and of `declare module "…"`;
 * - every `import` of a package of {@link ES_MODULE_ONLY_PACKAGES} is `import type … with
 *   { "resolution-mode": "import" }`.
 *
 * Found by parsing, so that a path in a comment or a string type is left as it is.
 */
export function toCommonJsDeclaration(text: string, fileName = "file.d.ts"): string {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const specifiers: ts.StringLiteral[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier);
      if (ES_MODULE_ONLY_PACKAGES.includes(node.moduleSpecifier.text)) {
        if (!node.importClause) throw new Error(`${fileName}: a side-effect import of ${node.moduleSpecifier.text}`);
        if (node.attributes) throw new Error(`${fileName}: an import of ${node.moduleSpecifier.text} has attributes`);
        if (!node.importClause.isTypeOnly) {
          const start = node.importClause.getStart(file);
          edits.push({ start, end: start, text: "type " });
        }
        const end = node.moduleSpecifier.getEnd();
        edits.push({ start: end, end, text: ' with { "resolution-mode": "import" }' });
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier);
      if (ES_MODULE_ONLY_PACKAGES.includes(node.moduleSpecifier.text)) {
        throw new Error(`${fileName}: a re-export from ${node.moduleSpecifier.text}: not supported here`);
      }
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) specifiers.push(argument.literal);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      specifiers.push(node.name);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) specifiers.push(expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  for (const literal of specifiers) {
    const specifier = literal.text;
    if (!/^\.\.?\//.test(specifier) || !specifier.endsWith(".js")) continue;
    const quote = text[literal.getStart(file)];
    edits.push({
      start: literal.getStart(file),
      end: literal.getEnd(),
      text: `${quote}${specifier.slice(0, -3)}.cjs${quote}`,
    });
  }
  let out = text;
  // From the end, so that earlier positions stay valid (no two edits overlap).
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, edit.start)}${edit.text}${out.slice(edit.end)}`;
  }
  return out;
}

/** Writes the `.d.cts` twin of every `.d.ts` under `folder`; returns how many. */
export function emitCommonJsDeclarations(folder: string): number {
  const files = readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".d.ts"));
  for (const name of files) {
    const path = join(folder, name);
    writeFileSync(path.replace(/\.d\.ts$/, ".d.cts"), toCommonJsDeclaration(readFileSync(path, "utf8"), path));
  }
  return files.length;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const folder = resolve(process.argv[2] ?? "dist/types");
  const count = emitCommonJsDeclarations(folder);
  if (count === 0) throw new Error(`no .d.ts files under ${folder}: run tsc -p tsconfig.build.json first`);
  console.log(`declarations for require: ${count} .d.cts files`);
}
