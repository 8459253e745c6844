import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectFields } from './fields.ts';

const lb = { id: 'i', name: 'n', project_id: 'p', tenant_id: 'p', tags: ['a'] };

describe('projectFields', () => {
  it('returns the object untouched without fields', () => {
    assert.equal(projectFields(lb, undefined), lb);
  });

  it('keeps only the named attributes, none implicitly', () => {
    assert.deepEqual(projectFields(lb, 'name'), { name: 'n' });
    assert.deepEqual(projectFields(lb, ['id', 'tags']), { id: 'i', tags: ['a'] });
  });

  it('does not split commas, so fields=id,name keeps nothing', () => {
    assert.deepEqual(projectFields(lb, 'id,name'), {});
    assert.deepEqual(projectFields(lb, ''), {});
    assert.deepEqual(projectFields(lb, 'bogus'), {});
  });

  it('drops the tenant_id alias whenever fields are selected', () => {
    assert.deepEqual(projectFields(lb, 'tenant_id'), {});
    assert.deepEqual(projectFields(lb, ['project_id', 'tenant_id']), { project_id: 'p' });
  });
});
