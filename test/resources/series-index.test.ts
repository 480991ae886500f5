import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import {
  buildSeriesIndex,
  formatSeriesList,
  lineValues,
  parseSeriesList,
  type SeriesIndex,
  searchSeriesIndex,
  seriesLine,
} from "../../src/resources/series-index.js";
import { seriesListOfParquet } from "../../src/resources/series-list.js";

const KEY_NAMES = ["item_id", "store"];

function indexOf(keys: string[][], keyNames = KEY_NAMES): SeriesIndex {
  const index = buildSeriesIndex(formatSeriesList(keyNames, keys));
  assert.deepEqual(index.keyNames, keyNames);
  assert.equal(index.count, keys.length);
  return index;
}

/** What a search must answer: every term a substring of the lower-case label, tested one series at a time. */
function naive(keys: string[][], terms: string[]): string[][] {
  return keys.filter((k) => {
    const label = `${k[0]} store=${k[1]}`.toLowerCase();
    return terms.every((t) => label.includes(t));
  });
}

describe("series index", () => {
  after(() => closeDuckDB());

  test("values with tabs, newlines and backslashes survive the series list", () => {
    const odd = ["a\tb", "c\nd", "e\\f", "\\t", "", "ü İ", "back\\"];
    const line = seriesLine(odd);
    assert.ok(!line.includes("\n"), "one line");
    assert.equal(line.split("\t").length, odd.length, "tabs only between values");
    assert.deepEqual(lineValues(line), odd);
    const list = parseSeriesList(
      formatSeriesList(
        ["x\ty", "z"],
        [
          ["1", "2"],
          ["", ""],
        ],
      ),
    );
    assert.deepEqual(list.keyNames, ["x\ty", "z"]);
    assert.deepEqual(list.lines.map(lineValues), [
      ["1", "2"],
      ["", ""],
    ]);
    assert.deepEqual(parseSeriesList(formatSeriesList(KEY_NAMES, [])).lines, [], "no series");
    assert.deepEqual(parseSeriesList(formatSeriesList(["item_id"], [[""]])).lines, [""], "one empty item id");
    assert.throws(() => parseSeriesList("item_id\nitem_1"), /ends with a newline/);
  });

  test("a search finds the same series, counts and pages as testing every label", () => {
    const keys: string[][] = [];
    for (let i = 0; i < 300; i++)
      for (let s = 0; s < 3; s++) keys.push([`Item_${String(i).padStart(3, "0")}`, `s${s}`]);
    const index = indexOf(keys);
    const queries = [
      ["item_01"],
      ["item_012"],
      ["s1"],
      ["item_01", "s2"],
      ["store=s0", "_29"],
      ["9", "store"],
      ["0"],
      ["no_such"],
      ["s2 item"],
      ["_"],
      ["2", "2"],
    ];
    for (const terms of queries) {
      const want = naive(keys, terms);
      for (const [start, size] of [
        [0, 20],
        [20, 20],
        [want.length - 1, 5],
        [want.length + 3, 5],
      ] as const) {
        const got = searchSeriesIndex(index, terms, Math.max(0, start), size);
        assert.equal(got.matches, want.length, `matches of ${terms.join(" ")}`);
        assert.deepEqual(
          got.series,
          want.slice(Math.max(0, start), Math.max(0, start) + size),
          terms.join(" "),
        );
      }
    }
    const all = searchSeriesIndex(index, [], 40, 3);
    assert.equal(all.matches, 900);
    assert.deepEqual(all.series, keys.slice(40, 43));
  });

  test("a term never matches across two series, and a newline in a value is a space in its label", () => {
    const index = indexOf([
      ["ab", "x"],
      ["cd", "y"],
      ["line\nbreak", "z"],
    ]);
    // "x\ncd" would span the first two labels; terms hold no whitespace, so "xcd" or "x cd" cannot match either.
    assert.equal(searchSeriesIndex(index, ["xcd"], 0, 10).matches, 0);
    assert.equal(searchSeriesIndex(index, ["x", "cd"], 0, 10).matches, 0, "every term in the same series");
    assert.deepEqual(searchSeriesIndex(index, ["break"], 0, 10).series, [["line\nbreak", "z"]]);
    assert.deepEqual(searchSeriesIndex(index, ["line", "store=z"], 0, 10).series, [["line\nbreak", "z"]]);
  });

  test("labels of one, two and three key columns, with escaped values and lower-casing that lengthens text", () => {
    const one = indexOf([["A"], ["b"], [""], ["İx"]], ["item_id"]);
    assert.deepEqual(searchSeriesIndex(one, ["a"], 0, 10).series, [["A"]]);
    assert.deepEqual(
      searchSeriesIndex(one, ["x"], 0, 10).series,
      [["İx"]],
      "İ lower-cases to two code units",
    );
    assert.equal(searchSeriesIndex(one, [], 0, 10).matches, 4);
    assert.deepEqual(searchSeriesIndex(one, [], 2, 10).series, [[""], ["İx"]]);
    const three = indexOf(
      [
        ["i1", "s1", "r1"],
        ["i2", "s2", "r2"],
        ["i3", "S3", "r3"],
      ],
      ["item_id", "Store", "region"],
    );
    assert.equal(three.haystack, "i1 store=s1 region=r1\ni2 store=s2 region=r2\ni3 store=s3 region=r3\n");
    assert.deepEqual(searchSeriesIndex(three, ["region=r2"], 0, 10).series, [["i2", "s2", "r2"]]);
    const escaped = indexOf([
      ["i1", "a\tb"],
      ["i2", "c\nd"],
      ["i\\3", "e"],
    ]);
    assert.equal(escaped.haystack, "i1 store=a\tb\ni2 store=c d\ni\\3 store=e\n");
    assert.deepEqual(searchSeriesIndex(escaped, ["c"], 0, 10).series, [["i2", "c\nd"]]);
    assert.deepEqual(searchSeriesIndex(escaped, ["i\\3"], 0, 10).series, [["i\\3", "e"]]);
    assert.deepEqual(searchSeriesIndex(escaped, ["b"], 0, 10).series, [["i1", "a\tb"]]);
  });

  test("DuckDB writes a Parquet file's distinct series as the series list, sorted, escapes and all", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-series-list-"));
    try {
      const file = path.join(dir, "f.parquet");
      await withConnection(undefined, async (c) => {
        await c.run(`COPY (
          SELECT * FROM (VALUES
            ('b', 's1', 1.0), ('a', 's2', 2.0), ('a', 's1', 3.0), ('b', 's1', 4.0),
            ('t' || chr(9) || 'ab', 'n' || chr(10) || 'l', 5.0), ('back\\slash', NULL, 6.0), ('x', 'Aggregate', 7.0)
          ) v(item_id, store, value)) TO ${sqlString(file)} (FORMAT parquet)`);
      });
      const text = await seriesListOfParquet(file, KEY_NAMES, "WHERE store IS DISTINCT FROM 'Aggregate'");
      const list = parseSeriesList(text);
      assert.deepEqual(list.keyNames, KEY_NAMES);
      assert.deepEqual(list.lines.map(lineValues), [
        ["a", "s1"],
        ["a", "s2"],
        ["b", "s1"],
        ["back\\slash", ""],
        ["t\tab", "n\nl"],
      ]);
      const empty = parseSeriesList(await seriesListOfParquet(file, KEY_NAMES, "WHERE false"));
      assert.deepEqual(empty.lines, []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
