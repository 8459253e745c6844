import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText, sampleValue } from './prometheus-text.ts';

const VALID = `# HELP requests_total Requests, with a \\\\ and a\\nline break.
# TYPE requests_total counter
requests_total{route="/a/:id",code="200"} 3
requests_total{route="say \\"hi\\"\\\\",code="500",} 1e0 1700000000000
# a comment
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="1"} 2
latency_seconds_bucket{le="+Inf"} 2
latency_seconds_sum 0.6
latency_seconds_count 2
temperature -Inf
pressure Nan
`;

test('reads families, types, help, labels with escapes, values and timestamps', () => {
  const families = parsePrometheusText(VALID);
  assert.deepEqual([...families.keys()], ['requests_total', 'latency_seconds', 'temperature', 'pressure']);
  const requests = families.get('requests_total')!;
  assert.equal(requests.type, 'counter');
  assert.equal(requests.help, 'Requests, with a \\ and a\nline break.');
  assert.deepEqual(requests.samples[1]?.labels, { route: 'say "hi"\\', code: '500' });
  assert.equal(sampleValue(families, 'requests_total', { code: '200', route: '/a/:id' }), 3);
  assert.equal(sampleValue(families, 'requests_total', { code: '200' }), undefined);
  assert.equal(sampleValue(families, 'latency_seconds_bucket', { le: '1' }), 2);
  assert.equal(families.get('temperature')?.type, 'untyped');
  assert.equal(sampleValue(families, 'temperature'), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(sampleValue(families, 'pressure')));
});

test('refuses what a scraper could read differently or not at all', () => {
  const histogram = (buckets: string, count = 2) => `# TYPE h histogram\n${buckets}h_sum 1\nh_count ${count}\n`;
  const cases: [string, string, RegExp][] = [
    ['no final line feed', 'a 1', /does not end with a line feed/],
    ['bad metric name', '1a 1\n', /bad metric name/],
    ['bad label name', 'a{1b="x"} 1\n', /bad label name/],
    ['label twice', 'a{b="x",b="y"} 1\n', /label b twice/],
    ['unquoted label value', 'a{b=x} 1\n', /not quoted/],
    ['unterminated label value', 'a{b="x} 1\n', /unterminated/],
    ['bad escape', 'a{b="\\t"} 1\n', /bad escape/],
    ['missing comma', 'a{b="x" c="y"} 1\n', /not separated by a comma/],
    ['bad value', 'a 1,5\n', /bad value/],
    ['not a special value', 'a infinite\n', /bad value/],
    ['no value', 'a\n', /no value/],
    ['bad timestamp', 'a 1 12.5\n', /timestamp/],
    ['extra field', 'a 1 2 3\n', /more than a value/],
    ['unknown type', '# TYPE a meter\na 1\n', /unknown type/],
    ['second HELP', '# HELP a x\n# HELP a y\na 1\n', /second HELP/],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n', /TYPE after samples/],
    ['same series twice', 'a{b="x"} 1\na{b="x"} 2\n', /same series/],
    ['family split', 'a{b="x"} 1\nc 1\na{b="y"} 2\n', /not together/],
    ['negative counter', '# TYPE a_total counter\na_total -1\n', /counter below zero/],
    ['foreign sample in a histogram', '# TYPE h histogram\nh 1\n', /histogram has no sample named h/],
    ['falling buckets', histogram('h_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\n'), /bucket counts fall/],
    [
      'bounds not rising',
      histogram('h_bucket{le="1"} 1\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 2\n'),
      /do not rise/,
    ],
    ['no +Inf bucket', histogram('h_bucket{le="1"} 2\n'), /no \+Inf bucket/],
    ['count off', histogram('h_bucket{le="+Inf"} 2\n', 3), /_count 3 is not/],
    ['no sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n', /needs buckets, _sum and _count/],
  ];
  for (const [what, text, error] of cases) assert.throws(() => parsePrometheusText(text), error, what);
});
