import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressIndicator } from './progress-indicator.ts';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

test('on a terminal the line is redrawn in place with the latest status, then erased', () => {
  const terminal = stream(true);
  const progress = new ProgressIndicator(terminal, 'load balancer web');
  progress.update('PENDING_UPDATE');
  progress.update('ACTIVE');
  progress.clear();
  assert.equal(terminal.written.length, 3);
  assert.equal(terminal.written[0], '\r| waiting for load balancer web: PENDING_UPDATE (0 s)\u001b[K');
  assert.match(terminal.written[1]!, /^\r\/ waiting for load balancer web: ACTIVE/);
  assert.equal(terminal.written[2], '\r\u001b[K');
});

test('anywhere else (a pipe, a file) nothing is written', () => {
  const pipe = stream(false);
  const progress = new ProgressIndicator(pipe, 'load balancer web');
  progress.update('PENDING_UPDATE');
  progress.clear();
  assert.deepEqual(pipe.written, []);
});
