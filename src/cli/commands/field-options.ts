import { type Command, Option } from 'commander';
import type { CollectionName } from '../../client/collections.ts';
import type { OptionParser } from './option-parsers.ts';

/** An option that sets one field (or, on `list`, one filter) from its value: `--protocol-port 80`. */
export interface ValueOption {
  /** Commander's flags, `--protocol-port <port>`; `<refs...>` takes several values. */
  readonly flag: string;
  /** The API field, or the query key of a list filter. */
  readonly field: string;
  readonly help: string;
  /** Needed on create. */
  readonly required?: boolean;
  readonly choices?: readonly string[];
  /** Text to API value; default: the text. */
  readonly parse?: OptionParser;
  /** Each use adds a value to a list (`--allowed-cidr A --allowed-cidr B`). */
  readonly repeatable?: boolean;
  /** The value names another object, by name or id; the API gets its id. */
  readonly refersTo?: CollectionName;
  /** With refersTo, for object values: the key that holds the name or id. */
  readonly refersToKey?: string;
}

/** A pair of flags that set a boolean field: `--enable` / `--disable`; `--invert` alone sets true. */
export interface SwitchOption {
  readonly on: string;
  readonly off?: string;
  readonly field: string;
  readonly help: readonly [on: string, off?: string];
}

export type FieldOption = ValueOption | SwitchOption;

/** An option the user gave, with its value as parsed (names of other objects not yet resolved to ids). */
export interface GivenOption {
  readonly option: ValueOption | SwitchOption;
  readonly value: unknown;
}

type Reader = (values: Record<string, unknown>) => GivenOption[];

/**
 * Adds the options to the command; returns a reader that picks the given ones out of `command.opts()`. `required`
 * options are mandatory only where `enforceRequired` is set (create; set and list take them as optional).
 */
export function addFieldOptions(command: Command, options: readonly FieldOption[], enforceRequired: boolean): Reader {
  const readers = options.map((option) =>
    'on' in option ? addSwitch(command, option) : addValue(command, option, enforceRequired),
  );
  return (values) => readers.flatMap((read) => read(values));
}

function addValue(command: Command, spec: ValueOption, enforceRequired: boolean): Reader {
  const mandatory = spec.required === true && enforceRequired;
  const option = new Option(spec.flag, mandatory ? `${spec.help} (required)` : spec.help);
  if (spec.choices) option.choices(spec.choices);
  const parse = spec.parse ?? ((text: string) => text);
  if (spec.repeatable) option.argParser((text, previous: unknown[] | undefined) => [...(previous ?? []), parse(text)]);
  else if (spec.parse) option.argParser(parse);
  if (mandatory) option.makeOptionMandatory();
  command.addOption(option);
  const key = option.attributeName();
  return (values) => (values[key] === undefined ? [] : [{ option: spec, value: values[key] }]);
}

function addSwitch(command: Command, spec: SwitchOption): Reader {
  const on = new Option(spec.on, spec.help[0]);
  const off = spec.off === undefined ? undefined : new Option(spec.off, spec.help[1]);
  if (off) on.conflicts(off.attributeName());
  command.addOption(on);
  if (off) command.addOption(off);
  return (values) => {
    if (values[on.attributeName()]) return [{ option: spec, value: true }];
    if (off && values[off.attributeName()]) return [{ option: spec, value: false }];
    return [];
  };
}
