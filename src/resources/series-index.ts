/**
 * The series of one results file as a search index in memory, and the text form it is kept in (a forecast job
 * writes it beside the forecast file; see series-list.ts). Pure: no I/O.
 *
 * The text form ("series list") is one line per series, sorted by key, each line the key values (item id, then
 * the dimensions) separated by tabs and ended by a newline, after a first line of the key names in the same form.
 * A backslash, tab or newline inside a value is written `\\`, `\t`, `\n`.
 *
 * In memory, the labels ("item_1 store=a", lower case) are one string, each ended by a newline, so that a search
 * is one `indexOf` scan of a few MB for its longest word, not a test of 100,000 strings; a hit is mapped to its
 * series by a binary search over the labels' start offsets. The list's text is kept as it is, with its lines'
 * offsets: a page of results decodes its 20 lines, nothing else is split.
 */

/** A file's series, searchable. */
export interface SeriesIndex {
  keyNames: string[];
  /** How many series. */
  count: number;
  /** The series list's lines after its header, each ended by "\n" (key values still escaped), in key order. */
  list: string;
  /** Where series i's line starts in `list`; entry `count` is list.length. */
  listStarts: Int32Array;
  /** Every series' lower-case label, each ended by "\n" (a newline inside a value is a space there). */
  haystack: string;
  /** Where series i's label starts in `haystack`; entry `count` is haystack.length. */
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

/** Where each line of `text` (every one ended by "\n") starts, and the end: `count + 1` offsets. */
function lineStarts(text: string, count: number): Int32Array {
  const starts = new Int32Array(count + 1);
  let at = 0;
  for (let i = 0; i < count; i++) {
    starts[i] = at;
    at = text.indexOf("\n", at) + 1;
  }
  starts[count] = text.length;
  return starts;
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/**
 * Builds the search index of a series list's text (series-list.ts writes it). The labels are made from the whole
 * text at once, not line by line: a tab becomes " <key name>=", then one lower-casing. Only a list with an
 * escaped value (a backslash) goes line by line. Tens of milliseconds for 100,000 series.
 */
export function buildSeriesIndex(text: string): SeriesIndex {
  if (!text.endsWith("\n")) throw new Error("a series list ends with a newline");
  const headerEnd = text.indexOf("\n");
  const keyNames = lineValues(text.slice(0, headerEnd));
  const list = text.slice(headerEnd + 1);
  const count = countLines(list);
  let labels: string;
  if (!list.includes("\\")) {
    let column = 1;
    labels =
      keyNames.length === 1
        ? list
        : list.replace(/[\t\n]/g, (c) => {
            if (c === "\n") {
              column = 1;
              return c;
            }
            return ` ${keyNames[column++] ?? ""}=`;
          });
  } else {
    const out: string[] = [];
    for (let i = 0, at = 0; i < count; i++) {
      const end = list.indexOf("\n", at);
      out.push(`${seriesText(keyNames, lineValues(list.slice(at, end))).replaceAll("\n", " ")}\n`);
      at = end + 1;
    }
    labels = out.join("");
  }
  // Lower-casing may lengthen a label (İ becomes two code units), so its offsets are taken after.
  const haystack = labels.toLowerCase();
  return {
    keyNames,
    count,
    list,
    listStarts: lineStarts(list, count),
    haystack,
    starts: lineStarts(haystack, count),
  };
}

/** The key values of series i. */
function seriesKey(index: SeriesIndex, i: number): string[] {
  return lineValues(index.list.slice(index.listStarts[i] as number, (index.listStarts[i + 1] as number) - 1));
}

/** The series (index) whose label holds the haystack position `pos`, searching from series `from` on. */
function seriesAt(index: SeriesIndex, pos: number, from: number): number {
  // A common word hits the very label the scan resumed in: no search needed.
  if ((index.starts[from + 1] as number) > pos) return from;
  let lo = from;
  let hi = index.count - 1;
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
  const n = index.count;
  if (terms.length === 0) {
    const page: string[][] = [];
    for (let i = start; i < Math.min(n, start + size); i++) page.push(seriesKey(index, i));
    return { series: page, matches: n };
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
      if (matches >= start && page.length < size) page.push(seriesKey(index, series));
      matches++;
    }
    series++;
    if (series >= n) break;
    pos = index.haystack.indexOf(driver, index.starts[series] as number);
  }
  return { series: page, matches };
}
