import { InvalidArgumentError } from 'commander';

/** Turn an option's text into the value the API takes; commander reports a thrown InvalidArgumentError. */
export type OptionParser = (text: string) => unknown;

export const integer: OptionParser = (text) => {
  if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError('not an integer');
  return Number(text);
};

export const decimal: OptionParser = (text) => {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new InvalidArgumentError('not a number');
  return Number(text);
};

/** `key=value,key=value` as an object. */
export function keyValues(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value (pairs are separated by commas)`);
    pairs[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return pairs;
}

/** `type=APP_COOKIE,cookie_name=x,persistence_timeout=60`: the timeout is a number of seconds. */
export const sessionPersistence: OptionParser = (text) => {
  const fields: Record<string, unknown> = keyValues(text);
  if (fields.persistence_timeout !== undefined)
    fields.persistence_timeout = integer(String(fields.persistence_timeout));
  return fields;
};

/** `subnet-id=<name or id>[,ip-address=<ip>]`, as the API's `additional_vips` entries. */
export const additionalVip: OptionParser = (text) => {
  const { 'subnet-id': subnet, 'ip-address': address, ...rest } = keyValues(text);
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown key ${unknown.join(', ')} (subnet-id, ip-address)`);
  if (!subnet) throw new InvalidArgumentError('subnet-id=<name or id> is required');
  return address === undefined ? { subnet_id: subnet } : { subnet_id: subnet, ip_address: address };
};
