import { ImportError } from "./import-error.js";

/** What Amazon Forecast assumes when a job names no TimestampFormat. */
export const DEFAULT_TIMESTAMP_FORMAT = "yyyy-MM-dd HH:mm:ss";

/** A Java-style pattern translated for DuckDB's strptime. */
export interface TranslatedFormat {
  strptime: string;
  /** The pattern reads a time of day, not only a date. */
  hasTime: boolean;
  /** The pattern reads a UTC offset, so strptime yields TIMESTAMP WITH TIME ZONE. */
  hasOffset: boolean;
}

/** How timestamp text of one import is parsed. */
export interface TimestampParsing {
  /** Tried in order; the first that matches wins. */
  strptime: string[];
  hasOffset: boolean;
  /** The format as the user knows it, for messages. */
  description: string;
}

type LetterRule = (count: number) => string | undefined;

// Java DateTimeFormatter / SimpleDateFormat letters that have a strptime counterpart. Counts matter in Java
// (MM vs MMM); strptime's numeric fields accept one or two digits, which is as lenient as Java's parsing.
const LETTERS: Record<string, LetterRule> = {
  y: (n) => (n === 2 ? "%y" : "%Y"),
  u: (n) => (n === 2 ? "%y" : "%Y"),
  M: (n) => (n <= 2 ? "%m" : n === 3 ? "%b" : "%B"),
  L: (n) => (n <= 2 ? "%m" : n === 3 ? "%b" : "%B"),
  d: (n) => (n <= 2 ? "%d" : undefined),
  D: (n) => (n <= 3 ? "%j" : undefined),
  H: (n) => (n <= 2 ? "%H" : undefined),
  h: (n) => (n <= 2 ? "%I" : undefined),
  m: (n) => (n <= 2 ? "%M" : undefined),
  s: (n) => (n <= 2 ? "%S" : undefined),
  S: (n) => (n === 3 ? "%g" : n === 6 ? "%f" : n === 9 ? "%n" : undefined),
  a: (n) => (n === 1 ? "%p" : undefined),
  E: (n) => (n <= 3 ? "%a" : "%A"),
  Z: () => "%z",
  X: () => "%z",
  x: () => "%z",
};

const TIME_LETTERS = new Set(["H", "h", "m", "s", "S", "a"]);
const OFFSET_LETTERS = new Set(["Z", "X", "x"]);

const isLetter = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");

/** Translates a Java-style date pattern (e.g. yyyy-MM-dd'T'HH:mm:ss) into a strptime format. */
export function translateTimestampFormat(javaFormat: string): TranslatedFormat {
  let out = "";
  let hasTime = false;
  let hasOffset = false;
  let i = 0;
  while (i < javaFormat.length) {
    const c = javaFormat[i] as string;
    if (c === "'") {
      // '' is a quote character; 'text' is literal text in which '' is again a quote character.
      if (javaFormat[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      let literal = "";
      for (;;) {
        if (j >= javaFormat.length) throw badFormat(javaFormat, "has an unterminated quoted literal");
        if (javaFormat[j] === "'") {
          if (javaFormat[j + 1] === "'") {
            literal += "'";
            j += 2;
            continue;
          }
          break;
        }
        literal += javaFormat[j];
        j++;
      }
      out += escapeLiteral(literal);
      i = j + 1;
      continue;
    }
    if (!isLetter(c)) {
      out += escapeLiteral(c);
      i++;
      continue;
    }
    let n = 1;
    while (javaFormat[i + n] === c) n++;
    const directive = LETTERS[c]?.(n);
    if (directive === undefined) {
      throw badFormat(javaFormat, `uses the pattern ${c.repeat(n)}, which is not supported`);
    }
    out += directive;
    if (TIME_LETTERS.has(c)) hasTime = true;
    if (OFFSET_LETTERS.has(c)) hasOffset = true;
    i += n;
  }
  return { strptime: out, hasTime, hasOffset };
}

const escapeLiteral = (text: string): string => text.replaceAll("%", "%%");

const badFormat = (format: string, why: string): ImportError =>
  new ImportError("BAD_OPTION", `TimestampFormat "${format}" ${why}`);

/** Frequencies of a day or longer (Y, M, W, D, optionally with a multiple such as 2W), where dates alone suffice. */
export function isDailyOrLonger(dataFrequency: string): boolean {
  return /^[0-9]*(Y|M|W|D)$/.test(dataFrequency);
}

/**
 * Decides how timestamps are read. A format without a time of day is only allowed for frequencies of a day
 * or longer. Without a format, the default "yyyy-MM-dd HH:mm:ss" is used, and for daily or longer (or
 * unknown) frequencies plain dates "yyyy-MM-dd" are accepted as well, since that is how such data is written.
 */
export function timestampParsing(
  timestampFormat: string | undefined,
  dataFrequency?: string,
): TimestampParsing {
  const subDaily = dataFrequency !== undefined && !isDailyOrLonger(dataFrequency);
  if (timestampFormat === undefined || timestampFormat === "") {
    const formats = [translateTimestampFormat(DEFAULT_TIMESTAMP_FORMAT).strptime];
    if (!subDaily) formats.push(translateTimestampFormat("yyyy-MM-dd").strptime);
    return { strptime: formats, hasOffset: false, description: DEFAULT_TIMESTAMP_FORMAT };
  }
  const translated = translateTimestampFormat(timestampFormat);
  if (subDaily && !translated.hasTime) {
    throw badFormat(timestampFormat, `has no time of day, which data of frequency ${dataFrequency} needs`);
  }
  return { strptime: [translated.strptime], hasOffset: translated.hasOffset, description: timestampFormat };
}
