/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for tests that read /metrics: it throws,
 * naming the line, on anything a scraper could read differently or not at all, and checks each histogram's buckets.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** The sample names a family of each type may have, by suffix of the family's name. */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** The families of `text` by name, in order of appearance. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition does not end with a line feed');
  const families = new Map<string, MetricFamily>();
  const series = new Set<string>();
  let current: MetricFamily | undefined;
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, index) => {
    const fail = (reason: string): never => {
      throw new Error(`line ${index + 1}: ${reason}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const [, keyword, name, ...rest] = line.split(' ');
      if (keyword !== 'HELP' && keyword !== 'TYPE') return;
      if (name === undefined || !METRIC_NAME.test(name)) fail('bad metric name');
      const family = familyFor(name!, families, current, fail);
      current = family;
      if (keyword === 'HELP') {
        if (family.help !== undefined) fail('a second HELP');
        family.help = unescaped(rest.join(' '), false, fail);
      } else {
        const type = rest.join(' ');
        if (!TYPES.has(type)) fail(`unknown type ${type}`);
        if (family.samples.length > 0 || family.type !== 'untyped') fail('TYPE after samples or a second TYPE');
        family.type = type as MetricType;
      }
      return;
    }
    const sample = parseSample(line, fail);
    const family = (current && sampleBelongs(current, sample.name) ? current : undefined) ??
      families.get(sample.name) ??
      [...families.values()].find((f) => sampleBelongs(f, sample.name)) ?? {
        name: sample.name,
        type: 'untyped' as const,
        help: undefined,
        samples: [],
      };
    if (!sampleBelongs(family, sample.name)) fail(`a ${family.type} has no sample named ${sample.name}`);
    if (!families.has(family.name)) families.set(family.name, family);
    else if (family !== current) fail(`samples of ${family.name} are not together`);
    current = family;
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(key)) fail('a second sample of the same series');
    series.add(key);
    if (family.type === 'counter' && !(sample.value >= 0)) fail('a counter below zero');
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the sample named `name` with exactly `labels`, if there is one. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted) return sample.value;
    }
  }
  return undefined;
}

function familyFor(
  name: string,
  families: Map<string, MetricFamily>,
  current: MetricFamily | undefined,
  fail: (reason: string) => never,
): MetricFamily {
  const known = families.get(name);
  if (known) {
    if (known !== current) fail(`lines of ${name} are not together`);
    return known;
  }
  const family: MetricFamily = { name, type: 'untyped', help: undefined, samples: [] };
  families.set(name, family);
  return family;
}

function sampleBelongs(family: MetricFamily, name: string): boolean {
  return SUFFIXES[family.type].some((suffix) => `${family.name}${suffix}` === name);
}

function parseSample(line: string, fail: (reason: string) => never): Sample {
  const nameEnd = line.search(/[{ \t]/);
  if (nameEnd <= 0) fail('no value');
  const name = line.slice(0, nameEnd);
  if (!METRIC_NAME.test(name)) fail('bad metric name');
  const labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const equals = line.indexOf('=', at);
      if (equals < 0) fail('a label without a value');
      const label = line.slice(at, equals).trim();
      if (!LABEL_NAME.test(label)) fail(`bad label name ${JSON.stringify(label)}`);
      if (label in labels) fail(`label ${label} twice`);
      if (line[equals + 1] !== '"') fail(`label ${label}'s value is not quoted`);
      const { value, end } = quoted(line, equals + 2, fail);
      labels[label] = value;
      at = end;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') fail('labels not separated by a comma');
    }
    at++;
  }
  const rest = line.slice(at);
  if (!/^[ \t]/.test(rest)) fail('no blank before the value');
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) fail('more than a value and a timestamp');
  if (fields.length === 2 && !/^-?\d+$/.test(fields[1]!)) fail('a timestamp that is not whole milliseconds');
  return { name, labels, value: parseValue(fields[0]!, fail) };
}

/** A label value from just after its opening quote; `end` is just after its closing quote. */
function quoted(line: string, start: number, fail: (reason: string) => never): { value: string; end: number } {
  for (let at = start; at < line.length; at++) {
    if (line[at] === '\\') at++;
    else if (line[at] === '"') return { value: unescaped(line.slice(start, at), true, fail), end: at + 1 };
  }
  return fail('an unterminated label value');
}

function unescaped(text: string, quotes: boolean, fail: (reason: string) => never): string {
  return text.replace(/\\(.?)/g, (_escape, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && quotes) return '"';
    return fail(`bad escape \\${next}`);
  });
}

/** A float as Prometheus reads it (Go's ParseFloat): decimal, or NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string, fail: (reason: string) => never): number {
  if (/^nan$/i.test(text)) return Number.NaN;
  const infinity = /^([+-]?)inf(inity)?$/i.exec(text);
  if (infinity) return infinity[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(`bad value ${text}`);
  return Number(text);
}

/**
 * Per series (its labels but `le`): buckets with distinct, rising bounds ending at +Inf, whose counts never fall, and
 * a _count equal to the +Inf bucket, beside a _sum.
 */
function checkHistogram(family: MetricFamily): void {
  const bySeries = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = bySeries.get(key) ?? { buckets: [] };
    bySeries.set(key, entry);
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le in ${key}`);
      entry.buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), sample.value]);
    } else if (sample.name.endsWith('_sum')) entry.sum = sample.value;
    else entry.count = sample.value;
  }
  for (const [key, { buckets, sum, count }] of bySeries) {
    const where = `${family.name}${key}`;
    if (buckets.length === 0 || sum === undefined || count === undefined) {
      throw new Error(`${where}: needs buckets, _sum and _count`);
    }
    for (let index = 1; index < buckets.length; index++) {
      const [bound, cumulative] = buckets[index]!;
      const [previousBound, previous] = buckets[index - 1]!;
      if (!(bound > previousBound)) throw new Error(`${where}: bucket bounds do not rise at le=${bound}`);
      if (cumulative < previous) throw new Error(`${where}: bucket counts fall at le=${bound}`);
    }
    const [lastBound, total] = buckets.at(-1)!;
    if (lastBound !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket last`);
    if (total !== count) throw new Error(`${where}: _count ${count} is not the +Inf bucket's ${total}`);
  }
}
