/**
 * Reads the repository's Markdown as the docs tests need it: which files are docs, their fenced blocks, the
 * code samples among them with their `<!-- sample: … -->` markers, and their prose.
 */
import { readdirSync, readFileSync } from "node:fs";

export const root = new URL("../../", import.meta.url);

/** The languages whose fenced blocks are code samples, and the extension each sample's module gets. */
export const SAMPLE_LANGUAGES: Readonly<Record<string, string>> = {
  ts: ".ts",
  typescript: ".ts",
  mts: ".mts",
  cts: ".cts",
  js: ".js",
  javascript: ".js",
  mjs: ".mjs",
  cjs: ".cjs",
};

/** README.md and every Markdown file under docs/ and examples/, as paths from the repository's root. */
export function docFiles(): string[] {
  const under = (folder: string) => {
    try {
      return readdirSync(new URL(`${folder}/`, root), { recursive: true, encoding: "utf8" })
        .filter((name) => name.endsWith(".md"))
        .map((name) => `${folder}/${name.replaceAll("\\", "/")}`);
    } catch {
      return []; // no such folder
    }
  };
  return ["README.md", ...under("docs"), ...under("examples")].sort();
}

export function readDoc(path: string): string {
  return readFileSync(new URL(path, root), "utf8");
}

/** A fenced block: its language (the info string's first word, "" when none), body and opening line. */
export interface Fence {
  readonly language: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The line right before the opening fence ("" at the top of the file). */
  readonly before: string;
}

/** The fenced blocks (``` or ~~~, indented up to three spaces) of a Markdown text. */
export function fences(text: string): Fence[] {
  const lines = text.split("\n");
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? "");
    if (!open) continue;
    const [, indent = "", marker = "", language = ""] = open;
    const close = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end] ?? "")) end++;
    const body = lines.slice(i + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    found.push({
      language: language.toLowerCase(),
      code: `${body.join("\n")}\n`,
      line: i + 1,
      before: lines[i - 1] ?? "",
    });
    i = end;
  }
  return found;
}

/**
 * The marker of a sample that cannot run here, on the line right before its fence:
 * `<!-- sample: typecheck -->`, or `<!-- sample: typecheck as my-store.ts -->` for a sample that other
 * samples of the same doc import (as `./my-store.js`). `<!-- sample: run as name.ts -->` names a running one.
 */
const MARKER = /^<!--\s*sample:\s*(run|typecheck)(?:\s+as\s+([\w.-]+\.[cm]?[jt]s))?\s*-->$/;

/** A code sample of a doc, with what its marker says. */
export interface Sample {
  readonly doc: string;
  readonly line: number;
  readonly language: string;
  readonly code: string;
  /** `run`: imported, and type-checked; `typecheck`: type-checked only (marked). */
  readonly mode: "run" | "typecheck";
  /** The module's file name in the doc's scratch folder. */
  readonly fileName: string;
}

/** A doc's code samples, and its problems: untagged fences, and markers that are malformed or misplaced. */
export function samplesOf(doc: string): { samples: Sample[]; problems: string[] } {
  const text = readDoc(doc);
  const problems: string[] = [];
  const samples: Sample[] = [];
  const blocks = fences(text);
  const markedLines = new Set<number>();
  for (const block of blocks) {
    if (block.language === "") {
      problems.push(`${doc}:${block.line}: a fence without a language (\`\`\`ts, \`\`\`sh, \`\`\`text, …)`);
      continue;
    }
    const extension = SAMPLE_LANGUAGES[block.language];
    const marker = /^\s*<!--\s*sample\b/.test(block.before) ? MARKER.exec(block.before.trim()) : undefined;
    if (marker === null) problems.push(`${doc}:${block.line - 1}: not a sample marker: ${block.before.trim()}`);
    if (marker !== undefined) markedLines.add(block.line - 1);
    if (extension === undefined) {
      if (marker) problems.push(`${doc}:${block.line - 1}: a sample marker before a \`\`\`${block.language} block`);
      continue;
    }
    const mode = marker?.[1] === "typecheck" ? "typecheck" : "run";
    if (mode === "run" && (extension === ".cjs" || extension === ".cts")) {
      problems.push(
        `${doc}:${block.line}: a CommonJS sample cannot run here (the package name maps to src/ only in vitest's ` +
          "ES module loader): mark it <!-- sample: typecheck -->",
      );
    }
    samples.push({
      doc,
      line: block.line,
      language: block.language,
      code: block.code,
      mode,
      fileName: marker?.[2] ?? `line-${block.line}${extension}`,
    });
  }
  // A marker anywhere else (after a blank line, say) would be silently ignored.
  for (const { line, raw } of proseLines(text)) {
    if (/<!--\s*sample\b/.test(raw) && !markedLines.has(line)) {
      problems.push(`${doc}:${line}: a sample marker not on the line right before a fence`);
    }
  }
  return { samples, problems };
}

/**
 * A doc's prose, line by line: the lines outside fenced blocks, as `text` without HTML comments and inline
 * code spans, and as `raw`.
 */
export function proseLines(text: string): { line: number; text: string; raw: string }[] {
  const inFence = new Set<number>();
  const lines = text.split("\n");
  for (const block of fences(text)) {
    const length = block.code.split("\n").length; // body lines + 1: the closing fence
    for (let i = block.line; i <= block.line + length; i++) inFence.add(i);
  }
  return lines
    .map((raw, index) => ({
      line: index + 1,
      text: raw.replaceAll(/<!--.*?-->/g, "").replaceAll(/`[^`]*`/g, ""),
      raw,
    }))
    .filter(({ line }) => !inFence.has(line));
}
