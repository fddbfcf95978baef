/**
 * Source maps that name no path of the build machine.
 *
 * tsup's CommonJS code splitting rewrites each CommonJS chunk after esbuild (its `cjs-splitting` step) and
 * merges that rewrite's map into esbuild's. The lines the rewrite adds (the `require` calls and the
 * `exports` glue that stand for esbuild's `import` and `export` statements) have no place in `src/`, so the
 * merged map keeps them pointing at the chunk being written, by its absolute path on the build machine
 * (`"sources": ["/home/…/dist/index.cjs", "../src/…"]`). `withoutGeneratedSource` drops that entry: those
 * lines become unmapped, as esbuild leaves its own glue in the ES module build, and every other source keeps
 * its relative path (`../src/…`) and its content (`sourcesContent`), so a map needs no file beside it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, isAbsolute } from "node:path";

/** The fields of a source map (version 3) that this module reads and writes. */
export interface SourceMap {
  version: 3;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

/** A source that names a place on the build machine rather than a path relative to the map. */
export function isMachinePath(source: string): boolean {
  return isAbsolute(source) || /^[a-z]:[\\/]/i.test(source) || /^file:/i.test(source);
}

/**
 * `map` without its absolute (machine) sources: each segment that maps into one of them becomes an unmapped
 * segment of the generated code (its column only), and the other sources keep their order and content.
 */
export function withoutGeneratedSource(map: SourceMap): SourceMap {
  const dropped = new Set(map.sources.flatMap((source, index) => (isMachinePath(source) ? [index] : [])));
  if (dropped.size === 0) return map;
  const kept = map.sources.map((_, index) => index).filter((index) => !dropped.has(index));
  const newIndex = new Map(kept.map((oldIndex, position) => [oldIndex, position]));
  const lines = decodeMappings(map.mappings).map((line) =>
    line.map((segment): Segment => {
      if (segment.length === 1) return segment;
      const source = newIndex.get(segment[1]);
      if (source === undefined) return [segment[0]];
      return segment.length === 5
        ? [segment[0], source, segment[2], segment[3], segment[4]]
        : [segment[0], source, segment[2], segment[3]];
    }),
  );
  return {
    ...map,
    sources: kept.map((index) => map.sources[index] ?? ""),
    ...(map.sourcesContent ? { sourcesContent: kept.map((index) => map.sourcesContent?.[index] ?? null) } : {}),
    mappings: encodeMappings(lines),
  };
}

/**
 * Rewrites the map files among `files` (paths) with {@link withoutGeneratedSource}, and names the generated
 * file by its name beside the map where the merge left its absolute path (`"file"`).
 */
export function fixSourceMapFiles(files: readonly string[]): void {
  for (const file of files) {
    if (!file.endsWith(".map")) continue;
    const map = JSON.parse(readFileSync(file, "utf8")) as SourceMap;
    const fixed = withoutGeneratedSource(map);
    const named = map.file !== undefined && isMachinePath(map.file) ? { ...fixed, file: basename(map.file) } : fixed;
    if (named !== map) writeFileSync(file, JSON.stringify(named));
  }
}

/** One segment, in absolute values: [column] or [column, source, line, sourceColumn(, name)]. */
type Segment = [number] | [number, number, number, number] | [number, number, number, number, number];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

function decodeMappings(mappings: string): Segment[][] {
  // Every field but the generated column is relative to the same field of the previous segment of the
  // whole map; the generated column is relative within a line.
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  return mappings.split(";").map((text) => {
    let generated = 0;
    if (text === "") return [];
    return text.split(",").map((segmentText): Segment => {
      const fields = decodeVlq(segmentText);
      generated += fields[0] ?? 0;
      if (fields.length < 4) return [generated];
      source += fields[1] ?? 0;
      line += fields[2] ?? 0;
      column += fields[3] ?? 0;
      if (fields.length < 5) return [generated, source, line, column];
      name += fields[4] ?? 0;
      return [generated, source, line, column, name];
    });
  });
}

function encodeMappings(lines: Segment[][]): string {
  const previous = { source: 0, line: 0, column: 0, name: 0 };
  return lines
    .map((segments) => {
      let generated = 0;
      return segments
        .map((segment) => {
          const fields = [segment[0] - generated];
          generated = segment[0];
          if (segment.length !== 1) {
            const [, source, line, column] = segment;
            fields.push(source - previous.source, line - previous.line, column - previous.column);
            Object.assign(previous, { source, line, column });
          }
          if (segment.length === 5) {
            fields.push(segment[4] - previous.name);
            previous.name = segment[4];
          }
          return fields.map(encodeVlq).join("");
        })
        .join(",");
    })
    .join(";");
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`not a base64 VLQ digit in a source map: ${JSON.stringify(char)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeVlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let text = "";
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    text += BASE64[rest > 0 ? digit | 32 : digit];
  } while (rest > 0);
  return text;
}
