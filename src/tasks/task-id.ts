import { randomBytes } from 'node:crypto';

let lastMilliseconds = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps ids minted within the same
 * millisecond in order, then random bits. Ids sort (as strings) in creation order, which is what lets them serve
 * as pagination cursors in any backend, and they look like the UUIDs AOG clients already see.
 *
 * @param now epoch milliseconds (injectable for tests)
 */
export function createTaskId(now: number = Date.now()): string {
  if (now > lastMilliseconds) {
    lastMilliseconds = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // More than 4096 ids in one millisecond (or the clock went back): borrow the next millisecond.
    lastMilliseconds += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMilliseconds, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for strings shaped like a task id (checked before any store lookup). */
export function isTaskId(value: string): boolean {
  return uuidPattern.test(value);
}
