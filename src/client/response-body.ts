type Json = Record<string, unknown>;

/** A JSON object body, or undefined for an empty body or anything else. */
export function parseJsonObject(text: string): Json | undefined {
  if (text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The message of an error body: Octavia's `faultstring`, Keystone's and Neutron's `message`, else the text. */
export function faultOf(text: string): string {
  const body = parseJsonObject(text);
  if (typeof body?.faultstring === 'string') return body.faultstring;
  for (const key of ['error', 'NeutronError']) {
    const message = (body?.[key] as Json | undefined)?.message;
    if (typeof message === 'string') return message;
  }
  return text.trim().slice(0, 500) || 'an error without a message';
}
