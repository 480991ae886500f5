// The service's own account of what went wrong: its log (pino JSON lines, warn and up) grouped by message, error
// and the first frame of the stack in the service's code, so that a 5xx "see the service log" names its cause.

import fs from "node:fs/promises";

export interface LogGroup {
  count: number;
  level: string;
  msg: string;
  error: string;
  /** The first stack frame in the service's own code (dist/src/...), if any. */
  where: string;
}

const LEVELS: Record<number, string> = { 40: "warn", 50: "error", 60: "fatal" };

export async function groupServiceLog(file: string): Promise<LogGroup[]> {
  const text = await fs.readFile(file, "utf8").catch(() => "");
  const groups = new Map<string, LogGroup>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: { level?: number; msg?: string; err?: { type?: string; message?: string; stack?: string } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < 40) continue;
    const level = LEVELS[entry.level ?? 0] ?? String(entry.level);
    const msg = (entry.msg ?? "").replace(/\d+/g, "#").slice(0, 120);
    const error = entry.err
      ? `${entry.err.type ?? "Error"}: ${(entry.err.message ?? "").replace(/\d{3,}/g, "#").slice(0, 160)}`
      : "";
    const frame = /\((?:file:\/\/)?[^()]*\/(dist\/src\/[^():]+:\d+)/.exec(entry.err?.stack ?? "")?.[1] ?? "";
    const key = `${level}|${msg}|${error}|${frame}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, level, msg, error, where: frame });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
