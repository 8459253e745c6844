/**
 * Header syntax, checked without allocating: this runs for every header of every request. Names are compared
 * case-insensitively without lower-casing them, since `rawHeaders` keeps the client's spelling.
 */

/** An RFC 9110 token: what a header name is, and a Forwarded value that needs no quotes. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A character no field value may hold: control characters but HTAB (RFC 9110 §5.5), and anything beyond Latin-1,
 * which Node never decodes from the wire.
 */
export const FORBIDDEN_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Whether a (name, value, ...) list has a value no head may carry. */
export function holdsForbiddenValue(fields: readonly string[]): boolean {
  for (let i = 1; i < fields.length; i += 2) if (FORBIDDEN_VALUE_CHAR.test(fields[i]!)) return true;
  return false;
}

/** Whether `name` is `lowerName` in any case; `lowerName` must already be lower case. */
export const isHeaderName = (name: string, lowerName: string): boolean =>
  name.length === lowerName.length && prefixMatches(name, lowerName, false);

/**
 * Whether `name` starts with `lowerPrefix` in any case and with `_` for `-`: CGI-style members (PHP, WSGI) read
 * `X_Forwarded_For` as the same variable as `X-Forwarded-For`, so a client could claim an address that way.
 */
export const hasCgiHeaderPrefix = (name: string, lowerPrefix: string): boolean =>
  prefixMatches(name, lowerPrefix, true);

function prefixMatches(name: string, lowerPrefix: string, underscoreIsDash: boolean): boolean {
  if (name.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    else if (c === 0x5f && underscoreIsDash) c = 0x2d;
    if (c !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}
