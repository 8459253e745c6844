import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedMonitorTypeError } from '../unsupported-monitor-type.ts';
import { createSctpProbe } from './sctp.ts';

describe('SCTP probe', () => {
  it('refuses to exist rather than report members it cannot ask', () => {
    assert.throws(createSctpProbe, UnsupportedMonitorTypeError);
    assert.throws(createSctpProbe, /SCTP health monitors are not supported: Node.js provides no SCTP sockets/);
  });
});
