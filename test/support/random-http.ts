/**
 * Random HTTP/1.1 pieces for property tests of weir's framing: valid chunked bodies with extensions and trailers,
 * response heads whose framing fields take valid and invalid forms alike, and byte mutations aimed at the bytes
 * framing is made of.
 */
import type { SeededRandom } from './seeded-random.ts';

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export const token = (random: SeededRandom, max = 8): string =>
  Array.from({ length: random.int(1, max) }, () => random.pick([...TCHARS])).join('');

/** A quoted-string with escapes, spaces and obs-text. */
function quoted(random: SeededRandom): string {
  let text = '"';
  for (let n = random.int(0, 8); n > 0; n--) {
    const kind = random.int(0, 5);
    if (kind === 0) text += `\\${random.pick(['"', '\\', 'a', ' ', '\t'])}`;
    else if (kind === 1) text += random.pick([' ', '\t', '\xe9', ';', '=', ',']);
    else text += random.pick([...TCHARS]);
  }
  return `${text}"`;
}

/** Field value bytes: visible ASCII, spaces inside, obs-text. */
export function fieldValue(random: SeededRandom, max = 20): string {
  let text = '';
  for (let n = random.int(0, max); n > 0; n--) {
    text += random.next() < 0.1 ? random.pick([' ', '\t', '\xe4']) : String.fromCharCode(random.int(0x21, 0x7e));
  }
  return text.trim();
}

const chunkExtensions = (random: SeededRandom): string =>
  Array.from({ length: random.int(0, 3) }, () => {
    const value = random.int(0, 2);
    return `;${token(random)}${value === 0 ? '' : `=${value === 1 ? token(random) : quoted(random)}`}`;
  }).join('');

function chunkSize(random: SeededRandom, size: number): string {
  const hex = size.toString(16);
  const cased = random.bool() ? hex.toUpperCase() : hex;
  return random.next() < 0.1 ? `${'0'.repeat(random.int(1, 4))}${cased}` : cased;
}

/** A valid chunked body (latin1 text): chunks of random sizes whose data often looks like framing, then trailers. */
export function chunkedBody(random: SeededRandom): string {
  let body = '';
  for (let chunks = random.int(0, 5); chunks > 0; chunks--) {
    const size = random.next() < 0.9 ? random.int(1, 40) : random.int(41, 3000);
    const data = Array.from({ length: size }, () =>
      random.next() < 0.3 ? random.pick(['\r', '\n', '0', ';', '"']) : String.fromCharCode(random.int(0, 255)),
    ).join('');
    body += `${chunkSize(random, size)}${chunkExtensions(random)}\r\n${data}\r\n`;
  }
  body += `${chunkSize(random, 0)}${chunkExtensions(random)}\r\n`;
  for (let trailers = random.int(0, 3); trailers > 0; trailers--) {
    body += `${token(random)}:${random.pick(['', ' ', '\t'])}${fieldValue(random)}${random.pick(['', ' '])}\r\n`;
  }
  return `${body}\r\n`;
}

/** What may follow a message on a connection: the next response, more chunk-like bytes, or noise. */
export const trailingBytes = (random: SeededRandom): string =>
  random.pick([
    '',
    'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    '0\r\n\r\n',
    '\r\n',
    random.bytes(random.int(1, 30)).toString('latin1'),
  ]);

/** Bytes that framing is made of, and bytes that break it. */
const FRAMING_BYTES = [0x0d, 0x0a, 0x20, 0x09, 0x3b, 0x3d, 0x22, 0x5c, 0x3a, 0x2c, 0x30, 0x78, 0x2d, 0x2b, 0x00, 0x7f];

/** Flips, inserts or deletes a few bytes, mostly framing bytes. */
export function mutate(random: SeededRandom, text: string): string {
  const bytes = [...Buffer.from(text, 'latin1')];
  for (let edits = random.int(1, 4); edits > 0; edits--) {
    const at = random.int(0, bytes.length);
    const byte = random.next() < 0.7 ? random.pick(FRAMING_BYTES) : random.int(0, 255);
    const edit = random.int(0, 2);
    if (edit === 0 && at < bytes.length) bytes[at] = byte;
    else if (edit === 1) bytes.splice(at, 0, byte);
    else bytes.splice(at, 1);
  }
  return Buffer.from(bytes).toString('latin1');
}

const STATUSES = [100, 101, 103, 200, 200, 200, 204, 206, 301, 304, 404, 500, 503, 199, 299, 599];

/** A response head (latin1 text) with random framing fields, mostly valid, sometimes not. */
export function responseHead(random: SeededRandom): string {
  const version = random.next() < 0.8 ? '1.1' : random.next() < 0.9 ? '1.0' : random.pick(['1.2', '2.0', '0.9']);
  const status = random.next() < 0.95 ? random.pick(STATUSES) : random.int(0, 999);
  const reason = random.pick(['', ' ', ' OK', ` ${fieldValue(random)}`]);
  const fields: string[] = [];
  for (let n = random.int(0, 4); n > 0; n--) fields.push(`${token(random, 12)}: ${fieldValue(random)}`);
  if (random.next() < 0.5) fields.push(`Content-Length: ${contentLength(random)}`);
  if (random.next() < 0.1) fields.push(`Content-Length: ${contentLength(random)}`);
  if (random.next() < 0.4) fields.push(`Transfer-Encoding: ${list(random, ['chunked', 'gzip', 'identity', 'x'])}`);
  if (random.next() < 0.1) fields.push(`Transfer-Encoding: ${list(random, ['chunked', 'gzip'])}`);
  if (random.next() < 0.4) fields.push(`Connection: ${list(random, ['close', 'keep-alive', 'upgrade', 'x-a'])}`);
  for (let i = fields.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [fields[i], fields[j]] = [fields[j]!, fields[i]!];
  }
  return `HTTP/${version} ${String(status).padStart(3, '0')}${reason}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
}

function contentLength(random: SeededRandom): string {
  return random.next() < 0.9
    ? String(random.int(0, 50))
    : random.pick(['', '00', '+1', '-1', '1, 1', '0x10', '1 1', '99999999999999999999']);
}

/** A comma-separated list of the options in random case and spacing, sometimes with empty elements. */
function list(random: SeededRandom, options: readonly string[]): string {
  const elements = Array.from({ length: random.int(1, 3) }, () => {
    const option = random.pick(options);
    return random.next() < 0.2 ? option.toUpperCase() : option;
  });
  if (random.next() < 0.1) elements.splice(random.int(0, elements.length), 0, '');
  return elements.join(random.pick([',', ', ', ' ,\t']));
}
