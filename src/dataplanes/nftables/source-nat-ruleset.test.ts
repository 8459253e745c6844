import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { renderNatTable } from './nat-ruleset.ts';
import { type SourceNatRule, sourceNatRules } from './source-nat-ruleset.ts';

const dualStack: SourceNatRule = {
  sources: ['10.77.0.0/24', '2001:db8:77::/64', '10.78.0.5'],
  addresses: ['203.0.113.10', '203.0.113.11', '2001:db8::10'],
  interface: 'eth0',
};

test("each family's members are hashed over that family's addresses, with a fixed seed", () => {
  assert.deepEqual(sourceNatRules([dualStack]), [
    'ct status & dnat == 0 ip saddr { 10.77.0.0/24, 10.78.0.5 } ip daddr != { 10.77.0.0/24, 10.78.0.5 } ' +
      'oifname "eth0" snat ip to jhash ip saddr mod 2 seed 0x77656972 map { 0 : 203.0.113.10, 1 : 203.0.113.11 }',
    'ct status & dnat == 0 ip6 saddr { 2001:db8:77::/64 } ip6 daddr != { 2001:db8:77::/64 } ' +
      'oifname "eth0" snat ip6 to 2001:db8::10',
  ]);
});

test('without an interface every flow leaving for outside the sources is translated', () => {
  const [rule] = sourceNatRules([{ sources: ['10.77.0.0/24'], addresses: ['203.0.113.10'] }]);
  assert.equal(
    rule,
    'ct status & dnat == 0 ip saddr { 10.77.0.0/24 } ip daddr != { 10.77.0.0/24 } snat ip to 203.0.113.10',
  );
});

test('the chain runs just after the hairpin masquerade, and only when there are rules', () => {
  const { script } = renderNatTable([], new Map(), [dualStack]);
  assert.match(
    script,
    /\nadd chain inet weir source_nat \{ type nat hook postrouting priority srcnat \+ 1; policy accept; \}\n/,
  );
  assert.doesNotMatch(renderNatTable([]).script, /source_nat/);
});

const asRoot = process.getuid?.() === 0 ? false : 'needs root for a network namespace';

test('nftables accepts the chain, and lists each rule as a flag test on ct status', { skip: asRoot }, () => {
  const ns = `weir-snat-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], {
      input: renderNatTable([], new Map(), [dualStack, { sources: ['10.79.0.0/16'], addresses: ['203.0.113.12'] }])
        .script,
      timeout: 10_000,
    });
    const listed = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'chain', 'inet', 'weir', 'source_nat'], {
      encoding: 'utf8',
    });
    // `ct status ! dnat` is nft's way of printing `& dnat == 0`; `!= dnat` would compare the whole word.
    assert.equal(listed.match(/ct status ! dnat /g)?.length, 3, listed);
    assert.match(
      listed,
      /snat ip to jhash ip saddr mod 2 seed 0x77656972 map \{ 0 : 203\.0\.113\.10, 1 : 203\.0\.113\.11 \}/,
    );
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
