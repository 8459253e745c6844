import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { addTagOptions } from './tag-options.ts';

/** The tag list the options give, parsed by commander as the CLI parses them. */
function tags(verb: 'create' | 'set' | 'unset', args: string[], current: string[] = []): string[] | undefined {
  const command = new Command(verb).exitOverride();
  const read = addTagOptions(command, verb);
  command.parse(args, { from: 'user' });
  return read(command.opts(), current);
}

test('create: --tag adds tags, --no-tag none; without either the field is left out', () => {
  assert.deepEqual(tags('create', ['--tag', 'a', '--tag', 'b']), ['a', 'b']);
  assert.deepEqual(tags('create', ['--no-tag']), []);
  assert.equal(tags('create', []), undefined);
});

test('set: --tag adds to the current tags, --no-tag clears them, both replace them in either order', () => {
  assert.deepEqual(tags('set', ['--tag', 'c'], ['a', 'b']), ['a', 'b', 'c']);
  assert.deepEqual(tags('set', ['--tag', 'a'], ['a']), ['a']);
  assert.deepEqual(tags('set', ['--no-tag'], ['a']), []);
  assert.deepEqual(tags('set', ['--no-tag', '--tag', 'z'], ['a']), ['z']);
  assert.deepEqual(tags('set', ['--tag', 'z', '--no-tag'], ['a']), ['z']);
});

test('unset: --tag removes those tags, --all-tag every tag', () => {
  assert.deepEqual(tags('unset', ['--tag', 'b'], ['a', 'b', 'c']), ['a', 'c']);
  assert.deepEqual(tags('unset', ['--all-tag'], ['a', 'b']), []);
  assert.equal(tags('unset', [], ['a']), undefined);
});
