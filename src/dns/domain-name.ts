/** Domain names as weir compares them: lower case, without the root's trailing dot (RFC 4343 case-insensitivity). */

/** `WWW.Example.org.` -> `www.example.org`; the root is the empty string. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower === '.' ? '' : lower.replace(/\.$/, '');
}

/** Why `name` is no host-style domain name (RFC 1123 labels, 63 octets a label, 253 in all), or undefined. */
export function domainNameProblem(name: string): string | undefined {
  const canonical = canonicalName(name);
  if (canonical === '') return `"${name}" is not a domain name`;
  if (canonical.length > 253) return `"${name}" is longer than 253 characters`;
  const bad = canonical.split('.').find((label) => !/^(?!-)[a-z0-9_-]{1,63}(?<!-)$/.test(label));
  if (bad === undefined) return undefined;
  return `"${name}" is not a domain name: label "${bad}" must be 1 to 63 letters, digits, - or _, not starting or ending with -`;
}

/** Whether canonical `name` is `zone` itself or below it. */
export function isWithin(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Canonical `name` as a query carries it, one character per octet: each label after its length, without the root's
 * zero. Queries are matched against this form (lowercased) without parsing their names into strings of labels.
 */
export function wireName(name: string): string {
  return name === ''
    ? ''
    : name.split('.').reduce((wire, label) => wire + String.fromCharCode(label.length) + label, '');
}

/**
 * Whether an octet of a label survives being read into a name string and written back: printable ASCII other than
 * the dot. Names with other octets are legal on the wire, but no name weir serves has them, and dns-packet's text
 * form would turn them into another name.
 */
export function isPlainLabelOctet(octet: number): boolean {
  return octet > 0x20 && octet < 0x7f && octet !== 0x2e;
}

/** Whether the uncompressed labels of the name at `offset` of `message` all consist of plain octets. */
export function hasPlainLabels(message: Buffer, offset: number): boolean {
  for (let at = offset; at < message.length && message[at] !== 0 && message[at]! <= 63; at += 1 + message[at]!) {
    for (let i = at + 1; i <= at + message[at]! && i < message.length; i++) {
      if (!isPlainLabelOctet(message[i]!)) return false;
    }
  }
  return true;
}
