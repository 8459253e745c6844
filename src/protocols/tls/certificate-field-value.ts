/** What passes unchanged: printable ASCII, which nearly every certificate name is. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * A string read from a certificate as an HTTP field value: its UTF-8 bytes, as HAProxy sends them, one per character
 * of a latin1 string (what the fast path's latin1 writes and Node's http.request put on the wire byte for byte).
 * Control characters and DEL become `\XX`, as OpenSSL escapes them in a name, so that no certificate, whatever its CA
 * signed, can end a field or a head early.
 */
export function certificateFieldValue(text: string): string {
  if (PLAIN.test(text)) return text;
  let value = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    value +=
      byte < 0x20 || byte === 0x7f
        ? `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte);
  }
  return value;
}
