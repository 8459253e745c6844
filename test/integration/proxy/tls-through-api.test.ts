/**
 * TLS termination as tenants set it up: certificates stored in weir's key manager, a TERMINATED_HTTPS listener
 * naming them, traffic through the proxy's worker process (the key material reaches it over IPC), and a certificate
 * swapped by updating the listener while a connection stays open.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { Harness, type Json } from '../api/harness.ts';

const run = promisify(execFile);

describe('TERMINATED_HTTPS through the API', () => {
  let h: Harness;
  let member: Server;
  let lb: Json;

  before(async () => {
    h = await Harness.start();
    member = createServer((request, response) => {
      response.end(`${request.headers['x-forwarded-proto']} ${request.headers['x-forwarded-port']}`);
    });
    member.listen(0, '127.0.0.1');
    await once(member, 'listening');
    lb = await h.createLb({ provider: 'proxy' });
  });

  after(async () => {
    await h.close();
    member.close();
  });

  test('SNI and default certificates from the key manager serve HTTPS; an update swaps the certificate', async () => {
    const listener = await h.createListener(lb.id, {
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 8443,
      default_tls_container_ref: await h.storeCertificate('main.example'),
      sni_container_refs: [await h.storeCertificate('other.example')],
      insert_headers: { 'X-Forwarded-Proto': 'true', 'X-Forwarded-Port': 'true' },
    });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP' });
    await h.createMember(lb.id, pool.id, {
      address: '127.0.0.1',
      protocol_port: (member.address() as { port: number }).port,
    });
    // curl prints the certificate's subject it was served (-v), then the answer.
    const curl = async (name: string) => {
      const { stdout, stderr } = await run('curl', [
        ...['-sSvk', '--resolve', `${name}:8443:${lb.vip_address}`],
        `https://${name}:8443/`,
      ]);
      return `${/subject: CN=(\S+)/.exec(stderr)?.[1]} ${stdout}`;
    };
    assert.equal(await curl('main.example'), 'main.example https 8443');
    assert.equal(await curl('other.example'), 'other.example https 8443');

    const open: TLSSocket = connect({
      host: lb.vip_address,
      port: 8443,
      servername: 'main.example',
      rejectUnauthorized: false,
    });
    await once(open, 'secureConnect');
    const serial = open.getPeerCertificate().serialNumber;
    const ask = async () => {
      open.write('GET / HTTP/1.1\r\nhost: main.example\r\n\r\n');
      const [chunk] = (await once(open, 'data')) as [Buffer];
      return chunk.toString();
    };
    assert.match(await ask(), /https 8443$/);

    const updated = await h.req('PUT', `listeners/${listener.id}`, {
      listener: { default_tls_container_ref: await h.storeCertificate('main.example') },
    });
    assert.equal(updated.status, 200, updated.text);
    await h.waitActive(lb.id);
    assert.match(await ask(), /https 8443$/, 'the open connection goes on');
    const fresh = connect({ host: lb.vip_address, port: 8443, servername: 'main.example', rejectUnauthorized: false });
    await once(fresh, 'secureConnect');
    assert.notEqual(fresh.getPeerCertificate().serialNumber, serial);
    assert.equal(fresh.getPeerCertificate().subject.CN, 'main.example');
    fresh.destroy();
    open.destroy();
  });
});
