/**
 * The value of cookie `name` in a request's Cookie field (`a=1; b=2`, RFC 6265 section 4.2), or undefined; the
 * first one when it appears twice, as servers read it. No allocation but the value found.
 */
export function requestCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (let at = cookieStart(header, 0); at < header.length; ) {
    const end = nextSeparator(header, at);
    if (isNamed(header, at, name)) return unquoted(header.slice(at + name.length + 1, end).trim());
    at = cookieStart(header, end + 1);
  }
  return undefined;
}

/**
 * A Cookie field value without the cookies named `name` (every one of them, whatever its value), the others as they
 * were, joined by `; `; null when it holds none, so the field goes as it came.
 */
export function withoutRequestCookie(header: string, name: string): string | null {
  if (requestCookie(header, name) === undefined) return null;
  let kept = '';
  for (let at = cookieStart(header, 0); at < header.length; ) {
    const end = nextSeparator(header, at);
    const cookie = header.slice(at, end).trimEnd();
    if (!isNamed(header, at, name) && cookie !== '') kept = kept === '' ? cookie : `${kept}; ${cookie}`;
    at = cookieStart(header, end + 1);
  }
  return kept;
}

/** The value a member's Set-Cookie field gives cookie `name` (RFC 6265 section 4.1), or undefined. */
export function setCookieValue(field: string, name: string): string | undefined {
  const equals = field.indexOf('=');
  if (equals < 0 || field.slice(0, equals).trim() !== name) return undefined;
  const end = field.indexOf(';', equals);
  return unquoted(field.slice(equals + 1, end < 0 ? field.length : end).trim());
}

/** Where the next cookie starts from `at`, past the spaces and semicolons between cookies. */
function cookieStart(header: string, at: number): number {
  while (header.charCodeAt(at) === 0x20 || header.charCodeAt(at) === 0x3b) at++;
  return at;
}

const isNamed = (header: string, at: number, name: string): boolean =>
  header.startsWith(name, at) && header.charCodeAt(at + name.length) === 0x3d;

function nextSeparator(header: string, from: number): number {
  const end = header.indexOf(';', from);
  return end < 0 ? header.length : end;
}

function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
