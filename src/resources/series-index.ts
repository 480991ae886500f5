/**
 * The series of one results file as a search index in memory, and the text form it is kept in (a forecast job
 * writes it beside the forecast file; see series-list.ts). Pure: no I/O.
 *
 * The text form ("series list") is one line per series, sorted by key, each line the key values (item id, then
 * the dimensions) separated by tabs and ended by a newline, after a first line of the key names in the same form.
 * A backslash, tab or newline inside a value is written `\\`, `\t`, `\n`.
 *
 * In memory, the labels ("item_1 store=a", lower case) are joined by newlines into one string, so that a search
 * is one `indexOf` scan of a few MB for its longest word, not a test of 100,000 strings; a hit is mapped to its
 * series by a binary search over the labels' start offsets.
 */

/** A file's series, searchable. */
export interface SeriesIndex {
  keyNames: string[];
  /** The series in key order, each as its line of the series list (key values still escaped). */
  lines: string[];
  /** Every series' lower-case label, joined by "\n" (a newline inside a label is a space there). */
  haystack: string;
  /** Where series i's label starts in `haystack`; entry n is haystack.length + 1. */
  starts: Int32Array;
}

export interface SeriesMatches {
  /** The page of matching series (key values: item id, then the dimensions), in key order. */
  series: string[][];
  /** How many series match in all. */
  matches: number;
}

/** "item_1 store=a region=b": a series as text, item id first. */
export function seriesText(keyNames: readonly string[], key: readonly string[]): string {
  return [key[0] ?? "", ...key.slice(1).map((v, i) => `${keyNames[i + 1]}=${v}`)].join(" ");
}

function escapeValue(value: string): string {
  if (!/[\\\t\n]/.test(value)) return value;
  return value.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n");
}

function unescapeValue(value: string): string {
  if (!value.includes("\\")) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== "\\" || i + 1 === value.length) {
      out += c;
      continue;
    }
    const next = value[++i] as string;
    out += next === "t" ? "\t" : next === "n" ? "\n" : next;
  }
  return out;
}

/** One line of a series list (without its newline). */
export function seriesLine(values: readonly string[]): string {
  return values.map(escapeValue).join("\t");
}

/** The key values of one line of a series list. */
export function lineValues(line: string): string[] {
  return line.split("\t").map(unescapeValue);
}

/** A series list's text from its key names and its series (which must already be in key order). */
export function formatSeriesList(keyNames: readonly string[], keys: Iterable<readonly string[]>): string {
  const parts = [`${seriesLine(keyNames)}\n`];
  for (const key of keys) parts.push(`${seriesLine(key)}\n`);
  return parts.join("");
}

/** The key names and the series lines of a series list's text; throws when it is not one. */
export function parseSeriesList(text: string): { keyNames: string[]; lines: string[] } {
  if (!text.endsWith("\n")) throw new Error("a series list ends with a newline");
  const lines = text.split("\n");
  lines.pop(); // the empty string after the last newline
  const header = lines.shift() as string;
  return { keyNames: lineValues(header), lines };
}

/** Builds the search index of a file's series (lines in key order, as a series list holds them). */
export function buildSeriesIndex(keyNames: readonly string[], lines: string[]): SeriesIndex {
  const labels: string[] = new Array(lines.length);
  const starts = new Int32Array(lines.length + 1);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const label = seriesText(keyNames, lineValues(lines[i] as string))
      .toLowerCase()
      .replaceAll("\n", " ");
    labels[i] = label;
    starts[i] = at;
    at += label.length + 1;
  }
  starts[lines.length] = at;
  return { keyNames: [...keyNames], lines, haystack: labels.join("\n"), starts };
}

/** The series (index) whose label holds the haystack position `pos`, searching from series `from` on. */
function seriesAt(index: SeriesIndex, pos: number, from: number): number {
  // A common word hits the very label the scan resumed in: no search needed.
  if ((index.starts[from + 1] as number) > pos) return from;
  let lo = from;
  let hi = index.lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((index.starts[mid] as number) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A page of the series whose label holds every term (lower-case plain substrings without whitespace, so no term
 * can match across two labels): the longest term is looked for through the whole haystack, the others in the
 * labels it hits. Empty terms mean every series.
 */
export function searchSeriesIndex(
  index: SeriesIndex,
  terms: readonly string[],
  start: number,
  size: number,
): SeriesMatches {
  const n = index.lines.length;
  if (terms.length === 0) {
    return { series: index.lines.slice(start, start + size).map(lineValues), matches: n };
  }
  const driver = terms.reduce((a, b) => (b.length > a.length ? b : a));
  const driverAt = terms.indexOf(driver);
  const others = terms.filter((_, i) => i !== driverAt);
  const page: string[][] = [];
  let matches = 0;
  let series = 0;
  let pos = index.haystack.indexOf(driver);
  while (pos !== -1) {
    series = seriesAt(index, pos, series);
    const labelEnd = (index.starts[series + 1] as number) - 1;
    const label =
      others.length > 0 ? index.haystack.slice(index.starts[series] as number, labelEnd) : undefined;
    if (label === undefined || others.every((t) => label.includes(t))) {
      if (matches >= start && page.length < size) page.push(lineValues(index.lines[series] as string));
      matches++;
    }
    series++;
    if (series >= n) break;
    pos = index.haystack.indexOf(driver, index.starts[series] as number);
  }
  return { series: page, matches };
}
