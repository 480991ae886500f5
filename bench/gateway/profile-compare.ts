/**
 * Compares the CPU profiles that `BENCH_PROFILE_DIR=<dir> npm run bench:gateway-cpu` writes: per cell (transport,
 * operation, in flight), each build's self time per function and per file, summed over its rounds and divided by
 * the requests measured, so in µs per request; printed by the largest difference first. Paths are cut to what
 * follows `dist/` or `node_modules/`, so that the same function in the two checkouts has the same name (a function
 * whose line moved shows as two rows, one per build).
 *
 * Run: node dist/bench/gateway/profile-compare.js <dir> [requests per cell, default 10000] [rows, default 25]
 */
import fs from "node:fs/promises";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  for (const marker of ["/node_modules/", "/dist/"]) {
    const i = url.lastIndexOf(marker);
    if (i >= 0) return url.slice(i + 1);
  }
  return url.replace(/^file:\/\//, "");
}

/** Self time (µs) per function key and per file of one profile. */
function selfTimes(profile: Profile): { byFunction: Map<string, number>; byFile: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample; charge it to this sample's node, as DevTools does.
    perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, micros] of perNode) {
    const frame = (nodes.get(id) as ProfileNode).callFrame;
    const file = shortUrl(frame.url) || "(native/vm)";
    const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    byFile.set(file, (byFile.get(file) ?? 0) + micros);
  }
  return { byFunction, byFile };
}

function add(into: Map<string, number>, from: Map<string, number>, scale: number): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v * scale);
}

function table(title: string, a: Map<string, number>, b: Map<string, number>, rows: number): void {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  keys.sort(
    (x, y) => Math.abs((b.get(y) ?? 0) - (a.get(y) ?? 0)) - Math.abs((b.get(x) ?? 0) - (a.get(x) ?? 0)),
  );
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  console.log(
    `\n${title}: total baseline ${total(a).toFixed(1)} µs/req, other ${total(b).toFixed(1)} µs/req\n`,
  );
  console.log("| self time of | baseline µs/req | other µs/req | difference |");
  console.log("|---|---|---|---|");
  for (const k of keys.slice(0, rows)) {
    const x = a.get(k) ?? 0;
    const y = b.get(k) ?? 0;
    console.log(
      `| \`${k}\` | ${x.toFixed(2)} | ${y.toFixed(2)} | ${(y - x >= 0 ? "+" : "") + (y - x).toFixed(2)} |`,
    );
  }
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: profile-compare.js <dir> [requests per cell] [rows]");
  const requests = Number(process.argv[3] ?? 10000);
  const rows = Number(process.argv[4] ?? 25);
  // <label>-r<round>-<transport>-<operation>-c<n>.cpuprofile
  const pattern = /^(baseline|other)-r(\d+)-(.+)\.cpuprofile$/;
  const files = (await fs.readdir(dir)).filter((f) => pattern.test(f));
  const cells = new Map<string, Map<string, string[]>>();
  for (const f of files) {
    const [, label, , cell] = pattern.exec(f) as RegExpExecArray;
    const byLabel = cells.get(cell as string) ?? new Map<string, string[]>();
    byLabel.set(label as string, [...(byLabel.get(label as string) ?? []), f]);
    cells.set(cell as string, byLabel);
  }
  for (const [cell, byLabel] of [...cells].sort()) {
    const sums = { baseline: { fn: new Map(), file: new Map() }, other: { fn: new Map(), file: new Map() } };
    for (const label of ["baseline", "other"] as const) {
      const list = byLabel.get(label) ?? [];
      for (const f of list) {
        const profile = JSON.parse(await fs.readFile(path.join(dir, f), "utf8")) as Profile;
        const t = selfTimes(profile);
        add(sums[label].fn, t.byFunction, 1 / (requests * list.length));
        add(sums[label].file, t.byFile, 1 / (requests * list.length));
      }
    }
    const n = `${byLabel.get("baseline")?.length ?? 0} + ${byLabel.get("other")?.length ?? 0} profiles`;
    table(`${cell}, by file (${n})`, sums.baseline.file, sums.other.file, Math.min(rows, 15));
    table(`${cell}, by function`, sums.baseline.fn, sums.other.fn, rows);
  }
}

await main();
