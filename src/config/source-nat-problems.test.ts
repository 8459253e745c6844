import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configProblems } from '../../test/support/config-problems.ts';
import { parseConfig } from './load-config.ts';

const pool = (rule: string) => `nat:\n  source_nat:\n    - ${rule.replaceAll('\n', '\n      ')}\n`;

const problems = configProblems;

test('a pool per family of the sources loads, interface and all', () => {
  const config = parseConfig(
    pool(
      'sources: [10.77.0.0/24, 10.78.0.5, "2001:db8:77::/64"]\naddresses: [203.0.113.10, "2001:db8::10"]\ninterface: eth0.100',
    ),
    'weir.yaml',
  );
  assert.deepEqual(config.nat.source_nat, [
    {
      sources: ['10.77.0.0/24', '10.78.0.5', '2001:db8:77::/64'],
      addresses: ['203.0.113.10', '2001:db8::10'],
      interface: 'eth0.100',
    },
  ]);
  assert.deepEqual(parseConfig('', 'weir.yaml').nat, { source_nat: [] });
});

test('sources and addresses must parse, and each is named where it is written', () => {
  assert.deepEqual(problems(pool('sources: [10.77.0.1/24, members]\naddresses: [203.0.113.10, 203.0.113.300]')), [
    '3:17 nat.source_nat[0].sources[0]: "10.77.0.1/24" has host bits set; the network is 10.77.0.0/24',
    '3:31 nat.source_nat[0].sources[1]: "members" is neither an IP address nor a CIDR',
    '4:33 nat.source_nat[0].addresses[1]: "203.0.113.300" is not an IP address',
  ]);
});

test('every family among the sources needs an address of its own', () => {
  assert.deepEqual(problems(pool('sources: [10.77.0.0/24, "2001:db8:77::/64"]\naddresses: [203.0.113.10]')), [
    '4:18 nat.source_nat[0].addresses: no IPv6 address for the IPv6 sources (2001:db8:77::/64)',
  ]);
  assert.deepEqual(problems(pool('sources: ["2001:db8:77::5"]\naddresses: [203.0.113.10]')), [
    '4:18 nat.source_nat[0].addresses: no IPv6 address for the IPv6 sources (2001:db8:77::5)',
  ]);
});

test('at least one source and one address; an interface name nft and Linux both take', () => {
  assert.deepEqual(problems(pool('sources: []\naddresses: [203.0.113.10]')), [
    '3:16 nat.source_nat[0].sources: must list at least one entry',
  ]);
  assert.deepEqual(problems(pool('sources: [10.77.0.0/24]\naddresses: []')), [
    '4:18 nat.source_nat[0].addresses: must list at least one entry',
  ]);
  for (const name of ['"eth 0"', '"a\\"b"', 'a/b', '"a*"', '..', 'sixteen-chars-xx']) {
    assert.match(
      problems(pool(`sources: [10.77.0.0/24]\naddresses: [203.0.113.10]\ninterface: ${name}`)).join('\n'),
      /^5:18 nat\.source_nat\[0\]\.interface: .* must be a network interface name/,
      name,
    );
  }
});
