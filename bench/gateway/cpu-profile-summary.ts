/**
 * Where a server's CPU went: a V8 .cpuprofile (`node --cpu-prof`, e.g. from BENCH_CPU_PROF=<dir> npm run
 * bench:gateway) summarized as self time per package or source file, and the top functions.
 *
 * Run: node dist/bench/gateway/cpu-profile-summary.js <file.cpuprofile> [top=25]
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A short name for where code lives: the npm package, our own source file, or a V8/Node category. */
function place(url: string, functionName: string): string {
  if (!url) return `(${functionName || "native"})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return url;
  const ours = /\/dist\/(.+)$/.exec(url);
  return ours ? (ours[1] as string) : url;
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error("usage: cpu-profile-summary.js <file.cpuprofile> [top]");
  const top = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id) as ProfileNode;
    const where = place(node.callFrame.url, node.callFrame.functionName);
    byPlace.set(where, (byPlace.get(where) ?? 0) + us);
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const show = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(
        `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      );
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  show("self time by place", byPlace);
  show("self time by function", byFunction);
}

main();
