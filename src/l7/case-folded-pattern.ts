/**
 * A regular expression rewritten to ignore case on the linear-time engine, which takes no `i` flag in Node 20 (V8
 * refuses `il` as not linear): matched against a lower-cased sample, the result matches where the pattern as written
 * matches the sample without regard to case, as HAProxy's `-i` does for HOST_NAME rules. Each literal becomes its
 * lower-case form and each character class also holds the lower-case forms of its members; everything else (group
 * names, backreferences, class escapes such as \D, assertions such as \B, quantifiers) is kept as written, so the
 * result is exactly as valid as the pattern. Patterns are read as V8 reads them without the `u` flag (Annex B).
 */

/** The pattern to test a lower-cased sample with, in place of testing the sample with `pattern` and the `i` flag. */
export function caseFoldedPattern(pattern: string): string {
  const reader = new PatternReader(pattern);
  let folded = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const read = reader.escape(i, false);
      folded += read.code === undefined ? read.text : foldedEscape(read.code, read.text);
      i = read.end;
    } else if (c === '[') {
      const close = reader.classClose(i);
      folded += foldedClass(reader, i, close);
      i = close < 0 ? pattern.length : close + 1;
    } else if (namesGroup(pattern, i)) {
      // A group name is a name, not text to match: `(?<A>x)|(?<a>y)` must keep two names.
      const close = pattern.indexOf('>', i);
      const end = close < 0 ? pattern.length : close + 1;
      folded += pattern.slice(i, end);
      i = end;
    } else {
      folded += lowerUnit(c);
      i++;
    }
  }
  return folded;
}

/** `(?<name>`, not the lookbehinds `(?<=` and `(?<!`. */
const namesGroup = (pattern: string, i: number): boolean =>
  pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!';

/** One escape: its text as written, where it ends, and the code unit it matches when it matches exactly one. */
interface Escape {
  text: string;
  end: number;
  code?: number;
}

class PatternReader {
  readonly captures: number;
  readonly named: boolean;

  constructor(readonly pattern: string) {
    let captures = 0;
    let named = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\') i++;
      else if (c === '[') {
        const close = this.classClose(i);
        i = close < 0 ? pattern.length : close;
      } else if (c === '(' && pattern[i + 1] !== '?') captures++;
      else if (namesGroup(pattern, i)) {
        captures++;
        named = true;
      }
    }
    this.captures = captures;
    this.named = named;
  }

  /** Where the `]` of the character class opened at `start` is, or -1 when the class is left open. */
  classClose(start: number): number {
    for (let i = start + 1; i < this.pattern.length; i++) {
      if (this.pattern[i] === '\\') i++;
      else if (this.pattern[i] === ']') return i;
    }
    return -1;
  }

  /** The escape whose backslash is at `i`, read as V8 reads it inside or outside a character class. */
  escape(i: number, inClass: boolean): Escape {
    const p = this.pattern;
    const next = p[i + 1];
    const unit = (code: number, end: number): Escape => ({ text: p.slice(i, end), end, code });
    const kept = (end: number): Escape => ({ text: p.slice(i, end), end });
    if (next === undefined) return kept(i + 1);
    if ('dDwWsS'.includes(next)) return kept(i + 2);
    if (next === 'b') return inClass ? unit(8, i + 2) : kept(i + 2);
    if (next === 'B' && !inClass) return kept(i + 2);
    const control = CONTROL_ESCAPES[next];
    if (control !== undefined) return unit(control, i + 2);
    if (next === 'c') {
      const letter = p[i + 2] ?? '';
      if (/[A-Za-z]/.test(letter) || (inClass && /[0-9_]/.test(letter))) return unit(letter.charCodeAt(0) % 32, i + 3);
      return unit(0x5c, i + 1); // a lone backslash; the `c` is read next as itself
    }
    if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(p.slice(i + 2, i + 4))) {
      return unit(Number.parseInt(p.slice(i + 2, i + 4), 16), i + 4);
    }
    if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(p.slice(i + 2, i + 6))) {
      return unit(Number.parseInt(p.slice(i + 2, i + 6), 16), i + 6);
    }
    if (next === 'k' && this.named) {
      const end = p.indexOf('>', i);
      return kept(inClass || end < 0 ? i + 2 : end + 1);
    }
    if (next >= '0' && next <= '9') {
      if (!inClass && next !== '0') {
        const digits = /^[0-9]+/.exec(p.slice(i + 1))![0];
        if (Number(digits) <= this.captures) return kept(i + 1 + digits.length); // a backreference
      }
      if (next === '8' || next === '9') return unit(next.charCodeAt(0), i + 2);
      return this.octal(i);
    }
    return unit(next.charCodeAt(0), i + 2); // an identity escape: `\A` is A
  }

  /** A legacy octal escape (`\0`, `\12`, `\101`): up to three octal digits, at most \377. */
  private octal(i: number): Escape {
    const p = this.pattern;
    let value = 0;
    let end = i + 1;
    while (end < p.length && end < i + 4 && p[end]! >= '0' && p[end]! <= '7' && value * 8 + Number(p[end]) <= 0o377) {
      value = value * 8 + Number(p[end]);
      end++;
    }
    return { text: p.slice(i, end), end, code: value };
  }
}

const CONTROL_ESCAPES: Record<string, number> = { f: 12, n: 10, r: 13, t: 9, v: 11 };

/**
 * The class from `start` (its `[`) to `close` (its `]`, -1 when left open), with the lower-case forms of its members put first, as ranges:
 * after a range, the class reads on as it would from its start, so the tenant's members keep their meaning. In a
 * negated class they are excluded too, which is what `[^A]` means without regard to case.
 */
function foldedClass(reader: PatternReader, start: number, close: number): string {
  const p = reader.pattern;
  const contentStart = start + (p[start + 1] === '^' ? 2 : 1);
  const contentEnd = close < 0 ? p.length : close;
  const end = close < 0 ? p.length : close + 1;
  const atom = (i: number): Escape =>
    p[i] === '\\' ? reader.escape(i, true) : { text: p[i]!, end: i + 1, code: p.charCodeAt(i) };
  const extra = new Set<number>();
  let i = contentStart;
  while (i < contentEnd) {
    const low = atom(i);
    i = low.end;
    if (p[i] === '-' && i + 1 < contentEnd) {
      const high = atom(i + 1);
      i = high.end;
      if (low.code !== undefined && high.code !== undefined) addLowered(extra, low.code, high.code);
      else for (const one of [low, high]) if (one.code !== undefined) addLowered(extra, one.code, one.code);
    } else if (low.code !== undefined) addLowered(extra, low.code, low.code);
  }
  if (extra.size === 0) return p.slice(start, end);
  return `${p.slice(start, contentStart)}${asRanges(extra)}${p.slice(contentStart, end)}`;
}

function addLowered(into: Set<number>, from: number, to: number): void {
  for (let code = from; code <= to; code++) {
    const lowered = String.fromCharCode(code).toLowerCase();
    if (lowered.length === 1 && lowered.charCodeAt(0) !== code) into.add(lowered.charCodeAt(0));
  }
}

/** Code units as class ranges, each written `\uXXXX-\uXXXX` so that none reads as part of its neighbour. */
function asRanges(codes: Set<number>): string {
  const sorted = [...codes].sort((a, b) => a - b);
  let text = '';
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    text += `${hex(sorted[i]!)}-${hex(sorted[j]!)}`;
    i = j + 1;
  }
  return text;
}

function foldedEscape(code: number, text: string): string {
  const lowered = String.fromCharCode(code).toLowerCase();
  return lowered.length === 1 && lowered.charCodeAt(0) !== code ? hex(lowered.charCodeAt(0)) : text;
}

function lowerUnit(c: string): string {
  const lowered = c.toLowerCase();
  return lowered.length === 1 ? lowered : c;
}

const hex = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
