/**
 * The value of cookie `name` in a request's Cookie field (`a=1; b=2`, RFC 6265 section 4.2), or undefined; the
 * first one when it appears twice, as servers read it. No allocation but the value found.
 */
export function requestCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let at = 0;
  while (at < header.length) {
    while (header.charCodeAt(at) === 0x20 || header.charCodeAt(at) === 0x3b) at++;
    const end = nextSeparator(header, at);
    if (header.startsWith(name, at) && header.charCodeAt(at + name.length) === 0x3d) {
      return unquoted(header.slice(at + name.length + 1, end).trim());
    }
    at = end + 1;
  }
  return undefined;
}

/** The value a member's Set-Cookie field gives cookie `name` (RFC 6265 section 4.1), or undefined. */
export function setCookieValue(field: string, name: string): string | undefined {
  const equals = field.indexOf('=');
  if (equals < 0 || field.slice(0, equals).trim() !== name) return undefined;
  const end = field.indexOf(';', equals);
  return unquoted(field.slice(equals + 1, end < 0 ? field.length : end).trim());
}

function nextSeparator(header: string, from: number): number {
  const end = header.indexOf(';', from);
  return end < 0 ? header.length : end;
}

function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
