/**
 * Review of the `__proto__` refusal in `parseJsonObject`: the walk that looks for the key runs on every JSON body
 * (up to the 32 MB body limit) before any schema, so it must cost about what `JSON.parse` costs, and the path it
 * names must stay short whatever the nesting or the key names.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonObject } from './parse-json-body.ts';

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

describe('the __proto__ walk of a JSON body', () => {
  it('reads a large array of numbers in about the time JSON.parse takes (Object.entries made a pair per element)', () => {
    const body = Buffer.from(`{"a":[${'0,'.repeat(2_000_000)}0]}`); // 4 MB
    const text = body.toString('latin1');
    const parseOnly = Math.min(timed(() => JSON.parse(text)), timed(() => JSON.parse(text)));
    const checked = Math.min(timed(() => parseJsonObject(body)), timed(() => parseJsonObject(body)));
    // The walk before the fix took ~18× JSON.parse here (and ~47 s with ~3 GB for a 32 MB body).
    expect(checked).toBeLessThan(parseOnly * 3 + 150);
  });

  it('names a deeply nested __proto__ with a short path, in time (building it was quadratic in the depth)', () => {
    const depth = 200_000;
    const body = Buffer.from(`{"a":${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}}`);
    let message = '';
    const elapsed = timed(() => {
      try {
        parseJsonObject(body);
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toMatch(/a\.0\.0.*__proto__/);
    expect(message.length).toBeLessThan(600);
    expect(elapsed).toBeLessThan(2000);
  });

  it('never quotes a long key whole in the path', () => {
    const key = 'k'.repeat(100_000);
    let message = '';
    try {
      parseJsonObject(Buffer.from(`{"${key}":{"__proto__":1}}`));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('__proto__');
    expect(message.length).toBeLessThan(600);
  });

  it('still finds the key in arrays, objects and under an escaped spelling, and accepts bodies without it', () => {
    expect(() => parseJsonObject(Buffer.from('{"a":[1,"x",{"b":[null,{"__proto__":{}}]}]}'))).toThrow(/a\.2\.b\.1\.__proto__/);
    expect(() => parseJsonObject(Buffer.from('{"a":{"\\u005f_proto__":1}}'))).toThrow(/a\.__proto__/);
    expect(parseJsonObject(Buffer.from('{"a":[1,[2,{"proto":"__proto__"}]],"b":{"constructor":{}}}'))).toHaveProperty('b');
  });
});
