/** How `weir diff` shows a plan and `weir apply` reports what it did: one line per object, fields indented below. */
import { KIND_RULES } from './kind-rules.ts';
import { type Change, type FieldChange, type Plan, show } from './plan.ts';

const MARKS = { create: '+', update: '~', delete: '-' } as const;
const DONE = { create: 'created', update: 'updated', delete: 'deleted' } as const;

/** The whole plan, and a last line counting it; "no differences" alone when there is nothing to do. */
export function planText(plan: Plan): string {
  if (plan.changes.length === 0) return 'no differences\n';
  const lines: string[] = [];
  for (const change of plan.changes) {
    lines.push(`${MARKS[change.action]} ${title(change)}${note(change)}`);
    for (const field of change.fields) {
      const value = change.action === 'update' ? `${show(field.from)} -> ${show(field.to)}` : show(field.to);
      lines.push(`    ${fileKey(change, field)}: ${value}`);
    }
  }
  lines.push(countText(plan));
  return `${lines.join('\n')}\n`;
}

/** `2 to create, 1 to update, 0 to delete`; once done, `2 created, 1 updated, 0 deleted`. */
export function countText(plan: Plan, done = false): string {
  const count = (action: Change['action']) => plan.changes.filter((change) => change.action === action).length;
  const word = (action: Change['action']) => (done ? DONE[action] : `to ${action}`);
  return (['create', 'update', 'delete'] as const).map((action) => `${count(action)} ${word(action)}`).join(', ');
}

/** `updated pool web/app: lb_algorithm`, once the change is made. */
export function doneText(change: Change): string {
  const names = change.fields.map((field) => fileKey(change, field));
  const fields = change.action === 'update' ? `: ${names.join(', ')}` : '';
  return `${DONE[change.action]} ${title(change)}${fields}${note(change)}`;
}

/** `listener web/HTTP:80`. */
export function title(change: Pick<Change, 'kind' | 'label'>): string {
  return `${KIND_RULES[change.kind].collection.title} ${change.label}`;
}

function note(change: Change): string {
  if (change.replacing) {
    const why = change.replacing.map((field) => `${field.field} ${show(field.from)} -> ${show(field.to)}`).join(', ');
    return change.action === 'delete' ? ` (to be replaced: ${why})` : ` (replacing it: ${why})`;
  }
  if (change.action === 'delete' && change.kind === 'loadbalancer') return ' (with everything in it)';
  return '';
}

/** The file's name of a field: a pool reference is `default_pool` there, `default_pool_id` in the API. */
function fileKey(change: Change, field: FieldChange): string {
  const reference = KIND_RULES[change.kind].references.find((r) => r.field === field.field);
  return reference?.fileKey ?? field.field;
}
