import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './load-config.ts';

const keystone = `keystone: {auth_url: "https://keystone:5000/v3", username: weir, password: s, project_name: service}\n`;
const tls = 'tls: {cert_file: /etc/weir/api.pem, key_file: /etc/weir/api.key}';

const cases: [string, string, boolean][] = [
  ['keystone on a loopback address', 'server: {auth: keystone, listen: "127.0.0.1:9876"}', true],
  ['keystone on IPv6 loopback', 'server: {auth: keystone, listen: "[::1]:9876"}', true],
  ['keystone on localhost', 'server: {auth: keystone, listen: "localhost:9876"}', true],
  ['keystone on every address', 'server: {auth: keystone, listen: "0.0.0.0:9876"}', false],
  ['keystone on a host name', 'server: {auth: keystone, listen: "api.example.org:9876"}', false],
  ['keystone on v4-mapped loopback', 'server: {auth: keystone, listen: "[::ffff:127.0.0.1]:9876"}', true],
  ['keystone with tls', `server: {auth: keystone, listen: "0.0.0.0:9876", ${tls}}`, true],
  ['keystone with allow_plaintext', 'server: {auth: keystone, listen: "0.0.0.0:9876", allow_plaintext: true}', true],
  ['noauth on every address', 'server: {listen: "0.0.0.0:9876"}', true],
];

describe('Keystone tokens are not taken in clear text from the network', () => {
  for (const [name, server, accepted] of cases) {
    test(name, () => {
      const load = () => parseConfig(`${server}\n${keystone}`, 'weir.yaml');
      if (accepted) {
        load();
        return;
      }
      assert.throws(load, (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^weir\.yaml:1:\d+: server\.listen: .* is not a loopback address/);
        assert.match(error.message, /server\.tls.*server\.allow_plaintext: true/);
        return true;
      });
    });
  }

  test('a --listen override is named as the culprit', () => {
    assert.throws(
      () => parseConfig(`server: {auth: keystone}\n${keystone}`, 'weir.yaml', { listen: '0.0.0.0:9876' }),
      /--listen: server\.listen: 0\.0\.0\.0 is not a loopback address/,
    );
  });
});
