/**
 * What a pattern can cost the linear-time engine per character of a sample, at worst. That engine keeps one thread
 * per state of the pattern's automaton that the sample so far can reach, and at each character moves every live
 * thread: a state that consumes a character tests each of its ranges (a class such as `[acegi]` is five, `.` four,
 * `\s` ten), a fork (each alternative, each optional or repeated copy) starts a thread more. So the work per
 * character is at most the sum of those over all the pattern's states, counted in steps: two per range test, one
 * per fork or assertion, as measured (below). Repetitions count as V8 unrolls them (`x{16}` is sixteen states). A
 * search that is not anchored starts a thread at every character, so every state can be live at once
 * (`'a'.repeat(50) + 'x'` against `aaaa…`); a `^` at the start of an alternative starts it once, so the states
 * before its first fork (an alternative, an optional or repeated copy) are live for one character each and are not
 * counted. From that fork on, all are: bounded optional copies (`^(?:.?){120}`) keep as many threads live as there
 * are copies, for as many characters.
 */
import { type ClassMember, type Escape, PatternReader } from './pattern-reader.ts';

/**
 * The most a rule's pattern may cost: 64 steps per character keep a 16 KiB value (the longest a REGEX rule tests,
 * rule-matcher.ts) under about 20 ms, the same order as a full TLS handshake flood costs per byte sent; ordinary
 * patterns cost 0-55 (`\.(jpg|jpeg|png|gif|webp|svg|ico)$` 55, `Mozilla.*(iPhone|Android)` 50), and at 16 the
 * first of those were refused. Measured as CPU time of `test` on 16 KiB values that keep every state live, on
 * the 2-core development machine while benchmarks ran (load 4.5-5): 0.17-0.32 ms per step for every shape (`a{k}x`,
 * `(?:a*){k}x`, `(?:a?){k}x`, `.*` and `[^b]*` and `a+` repeated, `(?:|||…)x`, `(?:a|a|…)x`, `\s*` on spaces);
 * worst-case patterns of cost 16 took 3.4-3.9 ms, and the worst of 1,200 random patterns of cost 16 at most, on
 * values of `a`, spaces, `ab` and `aab`, 4.9-5.2 ms; `'.*'` repeated 120 times and `x` (cost 1082) 254 ms.
 */
export const MAX_REGEX_COST = 64;

/** Steps per character of a sample, at worst, of `pattern` (one the linear-time engine compiled). */
export function regexCost(pattern: string): number {
  const alternatives = new CostParser(new PatternReader(pattern)).disjunction();
  let cost = FORK * (alternatives.length - 1);
  for (const sequence of alternatives) {
    const anchored = sequence[0]?.anchor === true;
    // Anchored, a run of states without a fork is live for one character each; from the first fork on, optional
    // copies (`x?` repeated, `x{0,n}`) keep many threads live as long as they can match, loops or not.
    const firstFork = sequence.findIndex((term) => term.loops || term.forks);
    cost += sum(!anchored ? sequence : firstFork < 0 ? [] : sequence.slice(firstFork));
  }
  return cost;
}

interface Term {
  cost: number;
  /** Holds an unbounded repetition, so that its states can stay live along the whole sample. */
  loops: boolean;
  /** Holds an alternative or an optional copy: the one state live at a position may become several. */
  forks?: boolean;
  anchor?: boolean;
}

/** A range test cost about twice what a fork (a thread more) or an assertion did. */
const RANGE = 2;
const FORK = 1;
const ASSERTION = 1;

/** Ranges of the class escapes (V8's sets, checked by regex-cost.test.ts), and of `.` (all but four line ends). */
export const ESCAPE_RANGES: Record<string, number> = { d: 1, D: 2, w: 4, W: 5, s: 10, S: 11 };
export const DOT_RANGES = 4;

class CostParser {
  private i = 0;

  constructor(private readonly reader: PatternReader) {}

  /** Alternatives up to the `)` that closes the group being read, or the end. */
  disjunction(): Term[][] {
    const p = this.reader.pattern;
    const alternatives: Term[][] = [this.sequence()];
    while (p[this.i] === '|') {
      this.i++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Term[] {
    const p = this.reader.pattern;
    const terms: Term[] = [];
    while (this.i < p.length && p[this.i] !== '|' && p[this.i] !== ')') terms.push(this.quantified(this.atom()));
    return terms;
  }

  private atom(): Term {
    const p = this.reader.pattern;
    const c = p[this.i]!;
    if (c === '\\') {
      const read = this.reader.escape(this.i, false);
      this.i = read.end;
      return { cost: RANGE * escapeRanges(read), loops: false };
    }
    if (c === '[') {
      const close = this.reader.classClose(this.i);
      const end = close < 0 ? p.length : close;
      const negated = p[this.i + 1] === '^';
      const members = this.reader.classMembers(this.i + (negated ? 2 : 1), end);
      this.i = end + 1;
      // The complement of n ranges is at most n + 1 ranges.
      return { cost: RANGE * (classRanges(members) + (negated ? 1 : 0)), loops: false };
    }
    if (c === '(') {
      const group = /^\(\?(?::|=|!|<=|<!|<[^>]*>)/.exec(p.slice(this.i));
      this.i += group ? group[0].length : 1;
      const alternatives = this.disjunction();
      this.i++; // the `)`
      const terms = alternatives.flat();
      return {
        cost: sum(terms) + FORK * (alternatives.length - 1),
        loops: terms.some((term) => term.loops),
        forks: alternatives.length > 1 || terms.some((term) => term.forks),
      };
    }
    this.i++;
    if (c === '.') return { cost: RANGE * DOT_RANGES, loops: false };
    if (c === '^' || c === '$') return { cost: ASSERTION, loops: false, anchor: c === '^' };
    return { cost: RANGE, loops: false };
  }

  /** Repetitions are unrolled as V8 compiles them: `x+` is `xx*`, `x{2,4}` is `xxx?x?`, `x{2,}` is `xxx*`. */
  private quantified(term: Term): Term {
    const p = this.reader.pattern;
    const c = p[this.i];
    let quantified: Term;
    if (c === '*' || c === '?') {
      this.i++;
      quantified = { cost: term.cost + FORK, loops: term.loops || c === '*', forks: true };
    } else if (c === '+') {
      this.i++;
      quantified = { cost: 2 * term.cost + FORK, loops: true, forks: true };
    } else if (c === '{') {
      const count = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(this.i));
      if (count === null) return term; // a literal `{`, read next
      this.i += count[0].length;
      const [, min, comma, max] = count;
      const unbounded = comma !== undefined && max === '';
      const copies = unbounded ? Number(min) + 1 : Number(max || min);
      const optional = unbounded ? 1 : copies - Number(min);
      quantified = {
        cost: copies * term.cost + FORK * optional,
        loops: term.loops || unbounded,
        forks: term.forks === true || optional > 0,
      };
    } else return term;
    if (p[this.i] === '?') this.i++; // lazy: the same states
    return quantified;
  }
}

const sum = (terms: Term[]): number => terms.reduce((total, term) => total + term.cost, 0);

function classRanges(members: ClassMember[]): number {
  let count = 0;
  for (const { low, high } of members) {
    if (high === undefined) count += escapeRanges(low);
    else if (low.code !== undefined && high.code !== undefined) count += 1;
    else count += escapeRanges(low) + 1 + escapeRanges(high); // Annex B: both ends and a `-`
  }
  return count;
}

/** A class escape's ranges; one for an escape of one character, an assertion or a backreference. */
const escapeRanges = (read: Escape): number => (read.code === undefined ? (ESCAPE_RANGES[read.text.slice(1)] ?? 1) : 1);
