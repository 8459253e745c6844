import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChunkedBody, type ChunkedLimits } from './chunked-body.ts';

/** Feeds the whole text at once: how many bytes belong to the body, and the decoder's state after. */
function feed(text: string, limits?: Partial<ChunkedLimits>) {
  const body = new ChunkedBody(limits);
  const taken = body.feed(Buffer.from(text, 'latin1'));
  return { taken, complete: body.complete, problem: body.problem };
}

const ends = (text: string, at: number, limits?: Partial<ChunkedLimits>) =>
  assert.deepEqual(feed(text, limits), { taken: at, complete: true, problem: null }, JSON.stringify(text));

function refused(text: string, reason: RegExp, limits?: Partial<ChunkedLimits>): void {
  const result = feed(text, limits);
  assert.equal(result.taken, -1, JSON.stringify(text));
  assert.equal(result.complete, false);
  assert.match(result.problem ?? '', reason);
}

describe('a valid chunked body', () => {
  test('ends after the last chunk, trailers and the final CRLF; what follows is not taken', () => {
    const body = '5\r\nhello\r\n0\r\n\r\n';
    ends(body, body.length);
    ends(`${body}HTTP/1.1 200 OK\r\n`, body.length);
    ends('0\r\n\r\n', 5);
    const trailed = '1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nServer-Timing: db;dur=53\r\nX-A:\r\n\r\n';
    ends(`${trailed}next`, trailed.length);
  });

  test('chunk sizes in either case and with leading zeros', () => {
    ends('a\r\n0123456789\r\nA\r\n0123456789\r\n000\r\n\r\n', 37);
    ends(`0000000000000000000000001\r\nx\r\n0\r\n\r\n`, 35);
  });

  test('chunk extensions: names alone, token values and quoted values with escapes', () => {
    const body = '3;a;b=c;q="x \\" y;z"\r\nabc\r\n0;last=1\r\n\r\n';
    ends(body, body.length);
  });

  test('takes bytes one at a time as well as at once, and nothing once complete', () => {
    const bytes = Buffer.from('3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\nrest');
    const decoder = new ChunkedBody();
    let taken = 0;
    for (let at = 0; at < bytes.length; at++) taken += decoder.feed(bytes, at, at + 1);
    assert.equal(taken, bytes.length - 4);
    assert.equal(decoder.complete, true);
    assert.equal(decoder.feed(bytes), 0);
  });

  test('a chunk as large as the limit, its data skipped in one step', () => {
    const decoder = new ChunkedBody({ maxChunkSize: 0x10 });
    const body = Buffer.from(`10\r\n${'x'.repeat(16)}\r\n0\r\n\r\n`);
    assert.equal(decoder.feed(body, 0, 4), 4);
    assert.equal(decoder.feed(body, 4, 20), 16);
    assert.equal(decoder.feed(body, 20), body.length - 20);
    assert.equal(decoder.complete, true);
  });

  test('a body cut short is not complete, and the sender closing does not complete it', () => {
    const decoder = new ChunkedBody();
    assert.equal(decoder.feed(Buffer.from('5\r\nhel')), 6);
    assert.deepEqual([decoder.complete, decoder.problem, decoder.closed()], [false, null, false]);
  });
});

describe('refused', () => {
  const sizes: [string, string][] = [
    ['0x10', '0x10\r\n'],
    ['-1', '-1\r\n'],
    ['+5', '+5\r\n'],
    ['a space before the size', ' 5\r\n'],
    ['a space after the size', '5 \r\n'],
    ['a space before an extension', '5 ;ext\r\n'],
    ['a tab after the size', '5\t\r\n'],
    ['an empty size', '\r\n'],
    ['a non-hex digit', '5g\r\n'],
    ['an underscore', '1_0\r\n'],
  ];
  for (const [name, line] of sizes) {
    test(`chunk size: ${name}`, () => refused(`${line}hello\r\n0\r\n\r\n`, /chunk size/));
  }

  test('a chunk size beyond 2^53 - 1, or beyond the configured limit', () => {
    refused('20000000000000\r\n', /too large/);
    assert.deepEqual(feed('1fffffffffffff\r\n'), { taken: 16, complete: false, problem: null });
    refused('11\r\n', /too large/, { maxChunkSize: 0x10 });
  });

  test('extension syntax: whitespace, empty names, bad values, stray bytes after a quoted value', () => {
    for (const line of [
      '5; a',
      '5;a =b',
      '5;a= b',
      '5;',
      '5;;a',
      '5;=b',
      '5;a=',
      '5;a=b c',
      '5;a="b"c',
      '5;a="b',
      '5;a="b\x01"',
      '5;a="\\\x00"',
      '5;a@b',
      '5;a=b@',
    ]) {
      const result = feed(`${line}\r\nhello\r\n0\r\n\r\n`);
      assert.equal(result.taken, -1, JSON.stringify(line));
    }
  });

  test('oversized chunk-size lines, extensions included', () => {
    // The default limit is 4096 bytes: a line of exactly that is taken, one byte more is not.
    const extension = `;x=${'y'.repeat(4092)}`;
    ends(`0${extension}\r\n\r\n`, 4096 + 4);
    refused(`0${extension}y\r\n\r\n`, /chunk-size line is too long/);
    refused(`${'0'.repeat(5000)}\r\n\r\n`, /chunk-size line is too long/);
  });

  test('missing CRLF after chunk data', () => {
    refused('5\r\nhelloX\r\n0\r\n\r\n', /not followed by CRLF/);
    refused('5\r\nhello\rX0\r\n\r\n', /not followed by CRLF/);
    refused('5\r\nhello0\r\n\r\n', /not followed by CRLF/);
    refused('5\r\nhello\n0\r\n\r\n', /not followed by CRLF/);
  });

  test('LF-only and CR-only line endings', () => {
    refused('5\nhello\r\n0\r\n\r\n', /chunk size/);
    refused('5\rhello\r\n0\r\n\r\n', /CR without LF/);
    refused('0\n\n', /chunk size/);
    refused('0\r\n\n', /does not start with a field name/);
    refused('0\r\n\rX', /ends in CR without LF/);
    refused('0\r\nX: y\n\r\n', /control character/);
    refused('0\r\nX: y\rZ\r\n\r\n', /CR without LF/);
  });

  test('trailer syntax: obs-fold, names that are not tokens, control characters', () => {
    refused('0\r\nX: a\r\n b\r\n\r\n', /does not start with a field name/);
    refused('0\r\n X: a\r\n\r\n', /does not start with a field name/);
    refused('0\r\nX : a\r\n\r\n', /not a token/);
    refused('0\r\n: a\r\n\r\n', /does not start with a field name/);
    refused('0\r\nX\r\n\r\n', /not a token/);
    refused('0\r\nX: a\x00\r\n\r\n', /control character/);
    refused('0\r\nX: a\x7f\r\n\r\n', /control character/);
  });

  test('a trailer section beyond maxTrailerBytes', () => {
    const trailers = 'X-A: 1234\r\n\r\n';
    ends(`0\r\n${trailers}`, 3 + trailers.length, { maxTrailerBytes: trailers.length });
    refused(`0\r\n${trailers}`, /trailer section is too large/, { maxTrailerBytes: trailers.length - 1 });
  });

  test('nothing more is taken once refused', () => {
    const decoder = new ChunkedBody();
    assert.equal(decoder.feed(Buffer.from('x')), -1);
    assert.equal(decoder.feed(Buffer.from('0\r\n\r\n')), -1);
    assert.equal(decoder.complete, false);
  });
});
