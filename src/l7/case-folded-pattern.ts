/**
 * A regular expression rewritten to ignore case on the linear-time engine, which takes no `i` flag in Node 20 (V8
 * refuses `il` as not linear): matched against a lower-cased sample, the result matches where the pattern as written
 * matches the sample without regard to case, as HAProxy's `-i` does for HOST_NAME rules. Each literal becomes its
 * lower-case form and each character class also holds the lower-case forms of its members; everything else (group
 * names, backreferences, class escapes such as \D, assertions such as \B, quantifiers) is kept as written, so the
 * result is exactly as valid as the pattern. Patterns are read as V8 reads them without the `u` flag (Annex B).
 */
import { namesGroup, PatternReader } from './pattern-reader.ts';

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

/**
 * The class from `start` (its `[`) to `close` (its `]`, -1 when left open), with the lower-case forms of its members put first, as ranges:
 * after a range, the class reads on as it would from its start, so the tenant's members keep their meaning. In a
 * negated class they are excluded too, which is what `[^A]` means without regard to case.
 */
function foldedClass(reader: PatternReader, start: number, close: number): string {
  const p = reader.pattern;
  const contentStart = start + (p[start + 1] === '^' ? 2 : 1);
  const end = close < 0 ? p.length : close + 1;
  const extra = new Set<number>();
  for (const { low, high } of reader.classMembers(contentStart, close < 0 ? p.length : close)) {
    if (high === undefined) {
      if (low.code !== undefined) addLowered(extra, low.code, low.code);
    } else if (low.code !== undefined && high.code !== undefined) addLowered(extra, low.code, high.code);
    else for (const one of [low, high]) if (one.code !== undefined) addLowered(extra, one.code, one.code);
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
