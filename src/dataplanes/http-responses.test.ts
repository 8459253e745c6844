import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addResponses, countResponse, emptyResponses, RESPONSE_CLASSES } from './http-responses.ts';

test('each status lands in its class; what no class holds is other', () => {
  const responses = emptyResponses();
  for (const status of [101, 200, 204, 301, 304, 403, 404, 502, 504, 599, 600, 99, 0]) countResponse(responses, status);
  assert.deepEqual(Object.fromEntries(RESPONSE_CLASSES.map((code, i) => [code, responses[i]])), {
    '1xx': 1,
    '2xx': 2,
    '3xx': 2,
    '4xx': 2,
    '5xx': 3,
    other: 3,
  });
});

test('counts of several processes add up slot by slot', () => {
  const into = [1, 2, 3, 4, 5, 6];
  addResponses(into, [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(into, [11, 22, 33, 44, 55, 66]);
});
