/**
 * Reads a regular expression as V8 does without the `u` flag (Annex B): where its escapes, classes and group names
 * are and what they stand for, for the rewrites and checks of tenants' patterns.
 */

/** `(?<name>`, not the lookbehinds `(?<=` and `(?<!`. */
export const namesGroup = (pattern: string, i: number): boolean =>
  pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!';

/** A member of a character class: one character or class escape, or a range from `low` to `high`. */
export interface ClassMember {
  low: Escape;
  high?: Escape;
}

/** One escape: its text as written, where it ends, and the code unit it matches when it matches exactly one. */
export interface Escape {
  text: string;
  end: number;
  code?: number;
}

export class PatternReader {
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

  /**
   * The members of the class content between `start` and `end`: single characters or class escapes (`high`
   * undefined), and `low-high` ranges; a range with a class escape at either end (`[\\d-z]`) is, in Annex B, both
   * ends and a `-`.
   */
  classMembers(start: number, end: number): ClassMember[] {
    const p = this.pattern;
    const atom = (i: number): Escape =>
      p[i] === '\\' ? this.escape(i, true) : { text: p[i]!, end: i + 1, code: p.charCodeAt(i) };
    const members: ClassMember[] = [];
    let i = start;
    while (i < end) {
      const low = atom(i);
      i = low.end;
      if (p[i] === '-' && i + 1 < end) {
        const high = atom(i + 1);
        i = high.end;
        members.push({ low, high });
      } else members.push({ low });
    }
    return members;
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
