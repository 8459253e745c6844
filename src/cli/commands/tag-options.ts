import { type Command, Option } from 'commander';

type Values = Record<string, unknown>;

/**
 * The tag options every object has. create: `--tag T` (repeatable) or `--no-tag`; set: `--tag` adds to the current
 * tags, `--no-tag` clears them first (both together replace them); unset: `--tag` removes, `--all-tag` clears.
 * The reader answers the new tag list, or undefined when no tag option was given.
 */
export function addTagOptions(
  command: Command,
  verb: 'create' | 'set' | 'unset',
): (values: Values, current: readonly string[]) => string[] | undefined {
  const help = {
    create: 'tag to add (repeatable)',
    set: 'tag to add (repeatable)',
    unset: 'tag to remove (repeatable)',
  };
  command.option('--tag <tag>', help[verb], (tag: string, previous: string[] | undefined) => [
    ...(previous ?? []),
    tag,
  ]);
  const clear = verb === 'unset' ? new Option('--all-tag', 'remove every tag') : plainFlag('--no-tag', clearHelp(verb));
  command.addOption(clear);
  return (values, current) => {
    const given = (values.tag as string[] | undefined) ?? [];
    const cleared = values[clear.attributeName()] === true;
    if (!cleared && given.length === 0) return undefined;
    if (verb === 'unset') return cleared ? [] : current.filter((tag) => !given.includes(tag));
    const kept = cleared || verb === 'create' ? [] : current;
    return [...new Set([...kept, ...given])];
  };
}

function clearHelp(verb: 'create' | 'set'): string {
  return verb === 'create' ? 'no tags' : 'clear the tags (with --tag: replace them)';
}

/** Commander reads `--no-X` as the negation of `--X`; OpenStack's `--no-tag` is a flag of its own, used with `--tag`. */
function plainFlag(flag: string, help: string): Option {
  const option = new Option(flag, help);
  option.negate = false;
  return option;
}
