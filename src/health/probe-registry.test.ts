import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MONITOR_TYPES } from '../model/constants.ts';
import { ProbeRegistry } from './probe-registry.ts';
import { tcpProbe } from './probes/tcp.ts';
import { UnsupportedMonitorTypeError } from './unsupported-monitor-type.ts';

describe('ProbeRegistry', () => {
  it('maps every supported type to a probe of that type', () => {
    const registry = new ProbeRegistry();
    for (const type of registry.supportedTypes()) assert.equal(registry.get(type).type, type);
    for (const type of ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT'] as const) {
      assert.ok(registry.supportedTypes().includes(type), type);
    }
  });

  it('lists SCTP as unsupported, with the reason, and throws it on lookup', () => {
    const registry = new ProbeRegistry();
    assert.ok(!registry.supportedTypes().includes('SCTP'));
    assert.match(registry.unsupportedReasons().get('SCTP') ?? '', /no SCTP sockets/);
    assert.throws(() => registry.get('SCTP'), UnsupportedMonitorTypeError);
    assert.throws(() => registry.get('SCTP'), /SCTP health monitors are not supported/);
  });

  it('accounts for every monitor type exactly once', () => {
    const registry = new ProbeRegistry();
    const listed = [...registry.supportedTypes(), ...registry.unsupportedReasons().keys()].sort();
    assert.deepEqual(listed, [...MONITOR_TYPES].sort());
  });

  it('takes its factories from the caller, turning any failure into unsupported', () => {
    const registry = new ProbeRegistry({
      TCP: () => tcpProbe,
      PING: () => {
        throw new Error('no raw sockets here');
      },
    });
    assert.deepEqual(registry.supportedTypes(), ['TCP']);
    assert.equal(registry.unsupportedReasons().get('PING'), 'no raw sockets here');
    assert.equal(registry.unsupportedReasons().get('HTTP'), 'no probe is registered for it');
    assert.throws(() => registry.get('HTTP'), /HTTP health monitors are not supported: no probe is registered/);
  });
});
