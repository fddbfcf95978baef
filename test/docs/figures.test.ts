/**
 * The docs cannot disagree with each other about what was measured: a measured figure in the prose of a doc
 * (README.md, docs/, examples/) is quoted exactly from docs/benchmarks.md, in a paragraph that links to
 * the section it appears in (`[…](benchmarks.md#postgresql-bookings-through-the-store-against-a-bare-insert)`),
 * or it is not given. `npm run bench` rewrites docs/benchmarks.md (bench/findings.md is
 * its last section), so the figures live there only.
 *
 * What counts as a measured figure (outside code blocks and inline code): a number after "about",
 * "around", "roughly", "approximately", "nearly", "almost" or "~"; a number before "×" or "times"; a ratio
 * with two or more decimals (0.65); a number of µs or ns; a rate (req/s, ops/s, bookings/s, "… per
 * second"). Exact rules ("at most 255 characters", "16 KiB", "5 s by default") are not figures. This finds
 * the usual ways of quoting a measurement, not every one: a figure written otherwise is for review to catch.
 *
 * Also: every link from a doc to a heading (`benchmarks.md#…`, `#schema`) finds that heading.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { docFiles, proseLines, readDoc, root } from "./markdown.js";

const NUMBER = String.raw`(\d[\d,]*(?:\.\d+)?)`;
const FIGURE_PATTERNS = [
  new RegExp(String.raw`(?:\b(?:about|around|roughly|approximately|nearly|almost)\s+|~\s?)${NUMBER}`, "gi"),
  new RegExp(String.raw`${NUMBER}\s*(?:×|times\b)`, "gi"),
  /\b(0\.\d{2,})\b/g,
  new RegExp(String.raw`${NUMBER}\s*(?:µs|ns\b)`, "gi"),
  new RegExp(
    String.raw`${NUMBER}\s*(?:(?:req|ops|bookings|requests)\/s\b|(?:requests|bookings|operations|writes|reads) (?:per|a) second)`,
    "gi",
  ),
];

/** The measured figures a text quotes, as written (`0.6`, `1,000`), in order, each once. */
function figuresIn(text: string): string[] {
  const found = new Map<number, string>(); // by where the figure ends: "about 0.65" is one figure
  for (const pattern of FIGURE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const figure = match[1] ?? "";
      found.set(match.index + match[0].indexOf(figure) + figure.length, figure);
    }
  }
  return [...found].sort(([a], [b]) => a - b).map(([, figure]) => figure);
}

/** Whether `text` has `figure` as a number of its own (not `0.65` inside `10.65`). */
const quotes = (text: string, figure: string) =>
  new RegExp(String.raw`(?<![\d.,])${figure.replaceAll(".", "\\.")}(?!\d|[.,]\d)`).test(text);

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
const slug = (heading: string) =>
  heading
    .replaceAll("`", "")
    .toLowerCase()
    .replaceAll(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replaceAll(" ", "-");

/** A doc's sections by anchor, each the text from its heading to the next heading of its level or above. */
function sectionsOf(doc: string): Map<string, string> {
  const lines = proseLines(readDoc(doc));
  const headings = lines.flatMap(({ raw }, index) => {
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    return heading ? [{ index, level: heading[1]?.length ?? 0, base: slug(heading[2] ?? "") }] : [];
  });
  const seen = new Map<string, number>();
  const sections = new Map<string, string>();
  headings.forEach(({ index, level, base }, i) => {
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    const end = headings.slice(i + 1).find((next) => next.level <= level)?.index ?? lines.length;
    sections.set(
      count === 0 ? base : `${base}-${count}`,
      lines
        .slice(index, end)
        .map(({ raw }) => raw)
        .join("\n"),
    );
  });
  return sections;
}

/** `target` (a link's path, relative to `doc`), as a path from the repository's root. */
const resolve = (doc: string, target: string) => new URL(target, new URL(doc, "file:///")).pathname.slice(1);

/** The figures of a doc's text that are not quoted from the part of docs/benchmarks.md its paragraph links. */
function strayFigures(doc: string, text: string): string[] {
  const sections = sectionsOf("docs/benchmarks.md");
  const lines = proseLines(text);
  const paragraphs: (typeof lines)[] = [[]];
  lines.forEach((line, i) => {
    const gap = line.raw.trim() === "" || (i > 0 && lines[i - 1]?.line !== line.line - 1); // blank, or a fence
    if (gap) paragraphs.push([]);
    if (line.raw.trim() !== "") paragraphs.at(-1)?.push(line);
  });
  return paragraphs.flatMap((paragraph) => {
    const raw = paragraph.map((line) => line.raw).join("\n");
    const linked = [...raw.matchAll(/\]\(([\w./-]*\.md)#([^)\s]+)\)/g)]
      .filter(([, target = ""]) => resolve(doc, target) === "docs/benchmarks.md")
      .map(([, , anchor = ""]) => sections.get(decodeURIComponent(anchor)) ?? "");
    return paragraph.flatMap(({ line, text: prose }) =>
      figuresIn(prose)
        .filter((figure) => !linked.some((section) => quotes(section, figure)))
        .map((figure) =>
          linked.length === 0
            ? `${doc}:${line}: ${figure}: quote it from docs/benchmarks.md, with a link to the section it is in, or drop it`
            : `${doc}:${line}: ${figure}: not in the section of docs/benchmarks.md its paragraph links to`,
        ),
    );
  });
}

describe("measured figures in the docs' prose", () => {
  it("are recognised: approximations, multiples, ratios, microseconds and rates", () => {
    expect(figuresIn("at about 0.6 of the rate, ~2 seconds, 3 × faster, 0.59 to 0.68, 8 µs, 3,042 bookings/s")).toEqual(
      ["0.6", "2", "3", "0.59", "0.68", "8", "3,042"],
    );
    expect(figuresIn("at most 255 characters, 16 KiB, 5 s by default, 0.1's schema, instances × max")).toEqual([]);
  });

  it("must be quoted from the section of benchmarks.md their paragraph links to", () => {
    // Figures as this checkout's benchmarks.md has them (a full bench run rewrites them): the first ratio of
    // a section's table, and one that is in neither section.
    const benchmarks = readDoc("docs/benchmarks.md");
    const ratioOf = (heading: string) => {
      const section = benchmarks.slice(benchmarks.indexOf(`## ${heading}`)).split("\n## ")[0] ?? "";
      const ratio = /\|\s+(\d\.\d\d)\s+\|/.exec(section)?.[1];
      if (!ratio) throw new Error(`no ratio in the section ${heading}`);
      return { section, ratio };
    };
    const pg = ratioOf("PostgreSQL: bookings through the store against a bare INSERT");
    const memory = ratioOf("In memory: book and list");
    const absent = ["9.87", "8.76", "7.65"].find((f) => !pg.section.includes(f) && !memory.section.includes(f));
    const postgres = "benchmarks.md#postgresql-bookings-through-the-store-against-a-bare-insert";
    expect(strayFigures("docs/x.md", "The contract runs in about 2 seconds.\n")).toHaveLength(1);
    expect(strayFigures("docs/x.md", `A booking costs about ${pg.ratio} of an [INSERT](${postgres}).\n`)).toEqual([]);
    expect(strayFigures("docs/x.md", `A booking costs\nabout ${pg.ratio} of an\n[INSERT](${postgres}).\n`)).toEqual([]);
    expect(strayFigures("docs/x.md", `A booking costs about ${absent} of an [INSERT](${postgres}).\n`)).toHaveLength(1);
    expect(strayFigures("docs/x.md", `See [INSERT](${postgres}).\n\nAbout ${pg.ratio} of it.\n`)).toHaveLength(1);
    expect(
      strayFigures("README.md", `Books at ${memory.ratio} of a [Map](docs/benchmarks.md#in-memory-book-and-list).\n`),
    ).toEqual([]);
    expect(strayFigures("docs/x.md", `Books at ${memory.ratio} of a [Map](benchmarks.md).\n`)).toHaveLength(1); // which section?
  });

  it.each(docFiles().filter((doc) => doc !== "docs/benchmarks.md"))(
    "%s quotes only figures of benchmarks.md",
    (doc) => {
      expect(strayFigures(doc, readDoc(doc))).toEqual([]);
    },
  );
});

describe("links between the docs", () => {
  it.each(docFiles())("%s links only to headings that exist", (doc) => {
    const broken = proseLines(readDoc(doc)).flatMap(({ line, text }) =>
      [...text.matchAll(/\]\(([\w./-]*\.md)?#([^)\s]+)\)/g)].flatMap(([, target, anchor = ""]) => {
        const linked = target === undefined ? doc : resolve(doc, target);
        const found = existsSync(new URL(linked, root)) && sectionsOf(linked).has(decodeURIComponent(anchor));
        return found ? [] : [`${doc}:${line}: ${target ?? ""}#${anchor}`];
      }),
    );
    expect(broken).toEqual([]);
  });
});
