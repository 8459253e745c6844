import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TestKeyType = 'ec' | 'rsa';

/** A certificate a test CA issued, with its key: PEM text and the files they are in. */
export interface IssuedCertificate {
  name: string;
  certPem: string;
  keyPem: string;
  /** The certificate followed by its issuer's, as a server sends it. */
  chainPem: string;
  certFile: string;
  keyFile: string;
  /** Serial number in hex, as openssl prints it. */
  serial: string;
}

export interface IssueOptions {
  commonName: string;
  /** DNS subjectAltNames; IP 127.0.0.1 is always added to server certificates. */
  dnsNames?: string[];
  usage?: 'server' | 'client';
  keyType?: TestKeyType;
  /** More subject fields after CN, e.g. { O: 'Example', OU: 'Ops' }. */
  subject?: Record<string, string>;
}

const run = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

const keyArgs = (type: TestKeyType): string[] =>
  type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];

/**
 * A throwaway certificate authority made with the openssl CLI in its own directory: it issues server and client
 * certificates, revokes them and publishes a CRL, so TLS tests need no network and no fixtures that expire.
 */
export class TestCa {
  readonly certPem: string;
  private issued = 0;

  private constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    this.certPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  }

  static create(parent: string, name = 'weir test ca', keyType: TestKeyType = 'ec'): TestCa {
    const dir = join(parent, name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(join(dir, 'issued'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(join(dir, 'crlnumber'), '1000\n');
    writeFileSync(join(dir, 'ca.cnf'), caConfig(dir));
    run(
      [
        ['req', '-x509', ...keyArgs(keyType), '-nodes', '-utf8', '-days', '2', '-subj', `/CN=${name}`],
        ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
        ['-keyout', 'ca.key', '-out', 'ca.pem'],
      ].flat(),
      dir,
    );
    return new TestCa(dir, name);
  }

  get certFile(): string {
    return join(this.dir, 'ca.pem');
  }

  issue(options: IssueOptions): IssuedCertificate {
    const usage = options.usage ?? 'server';
    const name = `${usage}-${++this.issued}`;
    const keyFile = join(this.dir, 'issued', `${name}.key`);
    const certFile = join(this.dir, 'issued', `${name}.pem`);
    const csr = join(this.dir, 'issued', `${name}.csr`);
    const ext = join(this.dir, 'issued', `${name}.ext`);
    const subject = Object.entries(options.subject ?? {})
      .map(([k, v]) => `/${k}=${v}`)
      .join('');
    run(
      [
        'req',
        ...keyArgs(options.keyType ?? 'ec'),
        '-nodes',
        '-utf8',
        '-subj',
        `/CN=${options.commonName}${subject}`,
      ].concat(['-keyout', keyFile, '-out', csr]),
      this.dir,
    );
    const names = [...(options.dnsNames ?? []).map((n) => `DNS:${n}`), ...(usage === 'server' ? ['IP:127.0.0.1'] : [])];
    writeFileSync(
      ext,
      [
        'basicConstraints=CA:FALSE',
        `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
        ...(names.length > 0 ? [`subjectAltName=${names.join(',')}`] : []),
      ].join('\n'),
    );
    run(['ca', '-batch', '-config', 'ca.cnf', '-notext', '-in', csr, '-out', certFile, '-extfile', ext], this.dir);
    const certPem = readFileSync(certFile, 'utf8');
    const serial = execFileSync('openssl', ['x509', '-noout', '-serial', '-in', certFile], { encoding: 'utf8' })
      .trim()
      .replace(/^serial=/, '');
    return {
      name,
      certPem,
      keyPem: readFileSync(keyFile, 'utf8'),
      chainPem: certPem + this.certPem,
      certFile,
      keyFile,
      serial,
    };
  }

  revoke(certificate: IssuedCertificate): void {
    run(['ca', '-batch', '-config', 'ca.cnf', '-revoke', certificate.certFile], this.dir);
  }

  /** The CA's current certificate revocation list, PEM. */
  crlPem(): string {
    const out = join(this.dir, 'crl.pem');
    run(['ca', '-batch', '-config', 'ca.cnf', '-gencrl', '-out', out], this.dir);
    return readFileSync(out, 'utf8');
  }
}

/** The certificate, its key and its issuer's certificate as PKCS#12, the form Octavia's users store in Barbican. */
export function pkcs12(ca: TestCa, certificate: IssuedCertificate, password = ''): Buffer {
  const out = join(ca.dir, 'issued', `${certificate.name}.p12`);
  run(
    ['pkcs12', '-export', '-in', certificate.certFile, '-inkey', certificate.keyFile, '-certfile', ca.certFile].concat([
      '-passout',
      `pass:${password}`,
      '-out',
      out,
    ]),
    ca.dir,
  );
  return readFileSync(out);
}

function caConfig(dir: string): string {
  return `[ ca ]
default_ca = test_ca

[ test_ca ]
dir = ${dir}
database = ${join(dir, 'index.txt')}
new_certs_dir = ${join(dir, 'issued')}
serial = ${join(dir, 'serial')}
crlnumber = ${join(dir, 'crlnumber')}
certificate = ${join(dir, 'ca.pem')}
private_key = ${join(dir, 'ca.key')}
default_md = sha256
default_days = 2
default_crl_days = 2
unique_subject = no
policy = any_subject

[ any_subject ]
commonName = supplied
organizationName = optional
organizationalUnitName = optional
countryName = optional
stateOrProvinceName = optional
localityName = optional
emailAddress = optional
`;
}
