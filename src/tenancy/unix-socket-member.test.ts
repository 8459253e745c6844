import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSocketPath, normaliseSocketDirectory, unixMemberAddress, unixSocketPath } from './unix-socket-member.ts';

const directories = ['/run/weir-members/', '/srv/sockets'].map(normaliseSocketDirectory);

const cases: [string, string, string | RegExp][] = [
  ['a socket in an allowed directory', '/run/weir-members/app.sock', '/run/weir-members/app.sock'],
  ['in a subdirectory', '/run/weir-members/team/app.sock', '/run/weir-members/team/app.sock'],
  ['in the second directory', '/srv/sockets/db.sock', '/srv/sockets/db.sock'],
  ['doubled and dot segments are normalised', '/run//weir-members/./app.sock', '/run/weir-members/app.sock'],
  [
    'a sibling sharing the prefix',
    '/run/weir-members-evil/app.sock',
    /not under \/run\/weir-members or \/srv\/sockets/,
  ],
  ['the directory itself', '/run/weir-members', /not under/],
  ['a parent directory', '/run/app.sock', /not under/],
  ['.. escaping the directory', '/run/weir-members/../docker.sock', /contains \.\./],
  ['.. staying inside (a symlinked segment could still lead out)', '/run/weir-members/a/../app.sock', /contains \.\./],
  ['a trailing slash', '/run/weir-members/app.sock/', /ends in \//],
  ['a relative path', 'run/weir-members/app.sock', /not absolute/],
  ['a dot-relative path', './app.sock', /not absolute/],
  ['a NUL byte', '/run/weir-members/app.sock\0/x', /NUL/],
  ['a path too long for sun_path', `/run/weir-members/${'a'.repeat(100)}.sock`, /longer than 107 bytes/],
];

describe('Unix socket member paths', () => {
  for (const [name, path, expected] of cases) {
    test(name, () => {
      const checked = checkSocketPath(directories, path);
      if (typeof expected === 'string') assert.deepEqual(checked, { path: expected });
      else assert.match('refusal' in checked ? checked.refusal : `accepted ${checked.path}`, expected);
    });
  }

  test('with no directories configured no socket member is allowed', () => {
    assert.deepEqual(checkSocketPath([], '/run/weir-members/app.sock'), {
      refusal: 'Unix socket members are not enabled here',
    });
  });

  test('the root directory allows every absolute path', () => {
    assert.deepEqual(checkSocketPath(['/'], '/tmp/app.sock'), { path: '/tmp/app.sock' });
  });

  test('directories are compared without trailing slashes', () => {
    assert.deepEqual(['/run/weir-members/', '/srv//sockets', '/'].map(normaliseSocketDirectory), [
      '/run/weir-members',
      '/srv/sockets',
      '/',
    ]);
  });

  test('member addresses: unix: and the path', () => {
    assert.equal(unixSocketPath('unix:/run/weir-members/app.sock'), '/run/weir-members/app.sock');
    assert.equal(unixSocketPath('10.0.0.5'), undefined);
    assert.equal(unixSocketPath('UNIX:/x'), undefined);
    assert.equal(unixMemberAddress('/run/weir-members/app.sock'), 'unix:/run/weir-members/app.sock');
  });
});
