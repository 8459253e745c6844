import type { Duplex } from 'node:stream';
import type { MonitorType } from '../../model/constants.ts';
import { isExpectedCode, parseExpectedCodes } from '../expected-codes.ts';
import type { HealthProbe } from '../health-probe.ts';
import type { MonitorSpec, ProbeTarget } from '../monitor-spec.ts';
import { boundedProbe, type Settle } from './bounded-probe.ts';
import { hostName } from './socket-target.ts';

/** Opens the transport an HTTP check runs over: plain TCP, or TLS that does not verify the member. */
export type OpenTransport = (target: ProbeTarget, spec: MonitorSpec) => Duplex;

const METHOD = /^[A-Z]+$/;
const URL_PATH = /^\/[!-~]*$/;
const HOST = /^[!-~]+$/;
const STATUS_LINE = /^HTTP\/\d\.\d (\d{3})(?: |\r?$)/;
/** Enough for any sane status line; a member that sends more without a line break is not speaking HTTP. */
const MAX_STATUS_LINE_BYTES = 8192;

/**
 * An HTTP(S) check written on a raw socket rather than node:http, because node:http always sends HTTP/1.1 and
 * Octavia lets a monitor ask for HTTP/1.0. Only the status line is read, as HAProxy's `http-check expect status`;
 * the connection is closed as soon as it arrives.
 */
export function createHttpProbe(type: Extract<MonitorType, 'HTTP' | 'HTTPS'>, open: OpenTransport): HealthProbe {
  return {
    type,
    probe: (target, spec, signal) =>
      boundedProbe(spec.timeout, signal, (settle) => {
        const ranges = parseExpectedCodes(spec.expectedCodes);
        const request = formatRequest(target, spec);
        const socket = open(target, spec);
        socket.on('error', (error) => settle(false, error.message));
        readStatus(
          socket,
          (status) =>
            isExpectedCode(ranges, status)
              ? settle(true, `HTTP ${status}`)
              : settle(false, `HTTP ${status}, expected ${spec.expectedCodes}`),
          settle,
        );
        socket.write(request);
        return () => socket.destroy();
      }),
  };
}

/** The request line and headers; every field is checked so a stored monitor cannot inject headers. */
function formatRequest(target: ProbeTarget, spec: MonitorSpec): string {
  const host = hostName(target, spec);
  if (!METHOD.test(spec.httpMethod)) throw new Error(`invalid http_method '${spec.httpMethod}'`);
  if (!URL_PATH.test(spec.urlPath)) throw new Error(`invalid url_path '${spec.urlPath}'`);
  if (!HOST.test(host)) throw new Error(`invalid domain_name '${host}'`);
  const version = spec.httpVersion === 1.0 ? '1.0' : '1.1';
  return `${spec.httpMethod} ${spec.urlPath} HTTP/${version}\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
}

function readStatus(socket: Duplex, onStatus: (status: number) => void, settle: Settle): void {
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
    const lineEnd = received.indexOf('\n');
    if (lineEnd === -1) {
      if (received.length > MAX_STATUS_LINE_BYTES) settle(false, 'no HTTP status line');
      return;
    }
    const match = STATUS_LINE.exec(received.slice(0, lineEnd));
    if (match) onStatus(Number(match[1]));
    else settle(false, 'malformed HTTP status line');
  });
  socket.once('close', () => settle(false, 'connection closed before an HTTP status line'));
}
