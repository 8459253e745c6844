import type { MonitorType } from '../model/constants.ts';

/** A monitor type this process cannot probe, said up front so no driver advertises or fakes it. */
export class UnsupportedMonitorTypeError extends Error {
  readonly type: MonitorType;
  readonly reason: string;

  constructor(type: MonitorType, reason: string) {
    super(`${type} health monitors are not supported: ${reason}`);
    this.name = 'UnsupportedMonitorTypeError';
    this.type = type;
    this.reason = reason;
  }
}
