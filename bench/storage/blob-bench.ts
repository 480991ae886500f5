// What keeping bulk data in the internal bucket costs per object, against the embedded endpoint in this process
// (as `npm start` runs it): put (upload), a cold fetch (HeadObject + GetObject to the cache), a warm fetch (the
// HeadObject alone), next to a local copy of the same file (what a path in an attribute cost). Medians of REPEAT.
//
// Run: npm run bench:blobs   (env SIZES_MB=1,64, REPEAT=5)
import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { openEmbeddedBlobs, timed } from "./embedded-blobs.js";

const SIZES_MB = (process.env.SIZES_MB ?? "1,64").split(",").map(Number);
const REPEAT = Number(process.env.REPEAT ?? 5);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const { dir: root, blobs, close } = await openEmbeddedBlobs("blob-bench");
console.log("| size | local copy ms | put ms | cold fetch ms | warm fetch ms | put MB/s | cold fetch MB/s |");
console.log("|---|---|---|---|---|---|---|");
try {
  for (const mb of SIZES_MB) {
    const file = path.join(root, `data-${mb}`);
    // Incompressible-ish bytes, as Parquet is.
    const bytes = Buffer.alloc(mb * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    await writeFile(file, bytes);
    const copy: number[] = [];
    const put: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      copy.push(await timed(() => copyFile(file, path.join(root, `copy-${mb}`))));
      const key = `bench/${mb}/${r}.bin`;
      put.push(await timed(() => blobs.put(key, file)));
      cold.push(await timed(async () => (await blobs.fetch(key)).release()));
      warm.push(await timed(async () => (await blobs.fetch(key)).release()));
    }
    const m = { copy: median(copy), put: median(put), cold: median(cold), warm: median(warm) };
    console.log(
      `| ${mb} MB | ${m.copy.toFixed(1)} | ${m.put.toFixed(1)} | ${m.cold.toFixed(1)} | ${m.warm.toFixed(1)} | ${((mb * 1000) / m.put).toFixed(0)} | ${((mb * 1000) / m.cold).toFixed(0)} |`,
    );
  }
} finally {
  await close();
}
