import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSubnet } from '../network/subnet.ts';
import { subnetsVisibleTo } from './subnet-visibility.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const subnets = [
  resolveSubnet({ name: 'shared', cidr: '192.0.2.0/24' }),
  resolveSubnet({ name: 'a-only', cidr: '198.51.100.0/24', projects: [A] }),
  resolveSubnet({ name: 'admins-only', cidr: '203.0.113.0/24', projects: [] }),
];
const names = (viewer: { isAdmin: boolean; projectId: string | null }) =>
  subnetsVisibleTo(subnets, viewer).map((s) => s.name);

test('a subnet limited to projects is seen by those projects and administrators only', () => {
  assert.deepEqual(names({ isAdmin: false, projectId: A }), ['shared', 'a-only']);
  assert.deepEqual(names({ isAdmin: false, projectId: B }), ['shared']);
  assert.deepEqual(names({ isAdmin: false, projectId: null }), ['shared']);
  assert.deepEqual(names({ isAdmin: true, projectId: B }), ['shared', 'a-only', 'admins-only']);
});
