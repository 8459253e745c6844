// End to end: `weir serve --watch FILE` as a real process. The file's proxy load balancer carries HTTP on loopback
// to a member; the file is broken twice (a syntax error, then a pool that is not there) while requests keep being
// answered and weir's log names the line and column; a fixed file that moves the load balancer to another member,
// saved the way editors save (a new file renamed over the old), takes effect: B is added before A goes, so no
// request fails throughout.
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, makeDataDir, removeDataDir, sleep, WeirProcess, writeConfig } from './support/weir-process.ts';

let dir: string;
let weir: WeirProcess | undefined;
const members: Server[] = [];

/** A member on 127.0.0.1 answering its name. */
async function member(name: string): Promise<number> {
  const server = createServer((_request, response) => response.end(name));
  members.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

before(() => {
  dir = makeDataDir();
});
after(async () => {
  await weir?.kill('SIGTERM');
  for (const server of members) server.close();
  removeDataDir(dir);
});

/** The file: one proxy load balancer, its HTTP listener, a pool of one member on `memberPort`. */
const lbFile = (vip: string, port: number, memberPort: number, defaultPool = 'app') => `loadbalancers:
  - name: web
    vip_subnet_id: local
    vip_address: ${vip}
    provider: proxy
    listeners:
      - name: http
        protocol: HTTP
        protocol_port: ${port}
        default_pool: ${defaultPool}
    pools:
      - name: app
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members:
          - address: 127.0.0.1
            protocol_port: ${memberPort}
`;

/** Polls weir's output until it matches, for at most `ms`. */
async function logged(pattern: RegExp, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = weir!.output.match(pattern);
    if (match) return match[0];
    if (Date.now() > deadline) assert.fail(`weir did not log ${pattern} within ${ms} ms:\n${weir!.output}`);
    await sleep(50);
  }
}

/** One GET through the load balancer: the member's answer, or `failed: why`. */
function get(vip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request({ host: vip, port, path: '/', agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(response.statusCode === 200 ? body : `failed: ${response.statusCode}`));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error) => resolve(`failed: ${error.message}`));
    outgoing.end();
  });
}

test('a bad file is reported with line and column while traffic flows; a fixed one takes effect', async (t) => {
  const [a, b, port] = [await member('A'), await member('B'), await freePort()];
  // A VIP of its own: other tests' weir processes take the first addresses of the same range.
  const vip = `127.0.100.${200 + (process.pid % 50)}`;
  const file = join(dir, 'lb.yaml');
  writeFileSync(file, lbFile(vip, port, a));
  weir = await WeirProcess.start(join(dir, 'data'), {
    configFile: writeConfig(dir, 'proxy:\n  workers: 1\n  udp: user_space\n'),
    args: ['--watch', file],
  });
  await logged(/lb\.yaml applied: 4 created, 0 updated, 0 deleted/);
  assert.equal(await get(vip, port), 'A');

  // Requests every 20 ms (at most 5,000) until the test is done.
  const answers: string[] = [];
  let stop = false;
  let movedAt = 0;
  const traffic = (async () => {
    while (!stop && answers.length < 5000) {
      answers.push(await get(vip, port));
      await sleep(20);
    }
  })();
  const answeredSoFar = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (answers.length < count && Date.now() < deadline) await sleep(20);
  };

  try {
    // A syntax error, written in place.
    writeFileSync(file, lbFile(vip, port, a).replace('members:\n', 'members: [\n'));
    assert.equal(
      await logged(/weir: watch: \S+lb\.yaml:\d+:\d+: .*/),
      `weir: watch: ${file}:16:22: (syntax): invalid YAML: Nested mappings are not allowed in compact mappings`,
    );
    await logged(/lb\.yaml not applied: weir keeps what it has until the file changes again/);
    await answeredSoFar(answers.length + 10);

    // Good YAML, but the listener names a pool the file does not have.
    const marked = weir.output.length;
    writeFileSync(file, lbFile(vip, port, a, 'nosuch'));
    const reason = await logged(/weir: watch: \S+lb\.yaml:10:23: .*/);
    assert.ok(weir.output.length > marked);
    assert.equal(
      reason,
      `weir: watch: ${file}:10:23: loadbalancers[0].listeners[0].default_pool: no pool named "nosuch" in this load balancer's pools ("app")`,
    );
    await answeredSoFar(answers.length + 10);
    assert.deepEqual(new Set(answers), new Set(['A']), 'the last good state kept carrying traffic');

    // Fixed, and moved to member B; saved as editors do: a new file renamed over the old one.
    writeFileSync(`${file}.tmp`, lbFile(vip, port, b));
    renameSync(`${file}.tmp`, file);
    await logged(/lb\.yaml applied: 1 created, 0 updated, 1 deleted/);
    // Member A is gone once this is logged; a request under way then may still have reached it.
    movedAt = answers.length + 1;
    const deadline = Date.now() + 10_000;
    while (answers.at(-1) !== 'B' && Date.now() < deadline) await sleep(20);
    await answeredSoFar(answers.length + 10);
    assert.equal(answers.at(-1), 'B');
  } finally {
    stop = true;
    await traffic;
  }
  assert.deepEqual(
    answers.filter((answer) => answer !== 'A' && answer !== 'B'),
    [],
    'no request failed',
  );
  assert.deepEqual(new Set(answers.slice(movedAt)), new Set(['B']), 'once A is deleted, everything goes to B');
  t.diagnostic(
    `${answers.length} requests answered: ${answers.filter((x) => x === 'A').length} by A, ${answers.filter((x) => x === 'B').length} by B`,
  );
  assert.match(weir.output, /weir: watch: created member web\/app\/127\.0\.0\.1:\d+\nweir: watch: deleted member/);
});
