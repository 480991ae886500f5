/**
 * Adversarial strings for a model pattern: a string that follows the pattern for a while, then a long run of one
 * of its separator characters, then a character it refuses (e.g. `arn:a:forecast:` + ':' x N + '\n', which makes
 * a backtracking engine try every way to split the colons among `.*:.*:.+`). Shared by the pattern timing test
 * and the gateway fuzz test.
 */

import type { Constraints } from "../../src/contract/model.js";
import { quirks } from "../../src/contract/quirks.js";
import { contractOf, type ServiceName, serviceNames } from "../../src/contract/services.js";

/** One sample string the pattern's pieces spell out: literals as they are, one character for each class. */
export function patternSample(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      const next = pattern.charAt(i + 1);
      i++;
      if (next === "p" || next === "P") {
        if (pattern.charAt(i + 1) === "{") i = pattern.indexOf("}", i);
        else i++;
        out += "a";
      } else if (next === "d") out += "0";
      else if (next === "w") out += "a";
      else if (next === "s") out += " ";
      else if (/[A-Za-z]/.test(next)) out += "a";
      else out += next;
    } else if (c === "[") {
      let j = i + 1;
      if (pattern.charAt(j) === "^") j++;
      const first = pattern.charAt(j) === "\\" ? pattern.charAt(j + 1) : pattern.charAt(j);
      out += /[dwsp]/.test(first) && pattern.charAt(j) === "\\" ? "a" : first;
      // skip to the closing bracket, minding escapes
      for (j = i + 1; j < pattern.length; j++) {
        if (pattern.charAt(j) === "\\") j++;
        else if (pattern.charAt(j) === "]" && j > i + 1) break;
      }
      i = j;
    } else if (c === "{") {
      i = pattern.indexOf("}", i);
    } else if (c === ".") {
      out += "a";
    } else if (!"^$()|?*+".includes(c)) {
      out += c;
    }
  }
  return out;
}

const ENDINGS = ["\n", "\u0000", "!"];

/**
 * Strings of exactly `length` characters: every prefix of the sample, followed by a run of each character the
 * sample contains (its separators and a letter and digit), then one of ENDINGS.
 */
export function adversarialStrings(pattern: string, length: number, endings = ENDINGS): string[] {
  const sample = patternSample(pattern);
  const runs = [...new Set([...sample, "a", "0", ":", " "])];
  const out: string[] = [];
  for (let cut = 0; cut <= sample.length; cut++) {
    const prefix = sample.slice(0, cut);
    for (const run of runs) {
      for (const end of endings) {
        const fill = length - prefix.length - end.length;
        if (fill >= 0) out.push(prefix + run.repeat(fill) + end);
      }
    }
  }
  return out;
}

export interface PatternSite {
  service: ServiceName;
  /** shape name, or the quirk's site/shape */
  where: string;
  rules: Constraints & { pattern: string; max: number };
}

/** Every pattern constraint the validator applies: the models' string shapes and the quirks. */
export function patternSites(): PatternSite[] {
  const sites: PatternSite[] = [];
  for (const service of serviceNames) {
    for (const [name, shape] of Object.entries(contractOf(service).shapes)) {
      if (shape.pattern !== undefined) {
        if (shape.max === undefined) throw new Error(`${service} ${name}: a pattern without max`);
        sites.push({ service, where: name, rules: shape as PatternSite["rules"] });
      }
    }
  }
  for (const q of quirks) {
    const { pattern, max } = q.constraints;
    if (pattern === undefined) continue;
    if (max === undefined) throw new Error(`quirk ${q.site ?? q.shape}: a pattern without max`);
    sites.push({
      service: q.service,
      where: `quirk ${q.site ?? q.shape}`,
      rules: q.constraints as PatternSite["rules"],
    });
  }
  return sites;
}
