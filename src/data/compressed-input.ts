import { open } from "node:fs/promises";

/** A compressed file format, known by the bytes every such file starts with, and the tool that undoes it. */
interface Compression {
  name: string;
  magic: readonly number[];
  decompress: string;
}

/**
 * Formats whose first bytes no UTF-8 CSV and no Parquet file (which starts with PAR1) can start with, so that
 * recognising them never refuses a good file. bzip2 ("BZh") is left out: a CSV may start with those letters.
 */
const COMPRESSIONS: readonly Compression[] = [
  { name: "gzip", magic: [0x1f, 0x8b], decompress: "gunzip" },
  { name: "zip", magic: [0x50, 0x4b, 0x03, 0x04], decompress: "unzip" },
  { name: "zstd", magic: [0x28, 0xb5, 0x2f, 0xfd], decompress: "unzstd" },
  { name: "xz", magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], decompress: "unxz" },
];

const LONGEST_MAGIC = Math.max(...COMPRESSIONS.map((c) => c.magic.length));

/** The compression a local file is in, judged by its first bytes; undefined for anything else. */
export async function compressionOf(file: string): Promise<Compression | undefined> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(LONGEST_MAGIC);
    const { bytesRead } = await handle.read(head, 0, LONGEST_MAGIC, 0);
    return COMPRESSIONS.find(
      (c) => c.magic.length <= bytesRead && c.magic.every((byte, i) => head[i] === byte),
    );
  } finally {
    await handle.close();
  }
}
