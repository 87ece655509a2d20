import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileStore } from './file-store.ts';
import { RecentInputHandoff } from './recent-input-handoff.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('RecentInputHandoff', () => {
  it('hands each entry out once', () => {
    const handoff = new RecentInputHandoff();
    const bytes = Buffer.from('image');
    handoff.offer('a.png', bytes);
    expect(handoff.claim('a.png')).toBe(bytes);
    expect(handoff.claim('a.png')).toBeUndefined();
    expect(handoff.heldBytes).toBe(0);
  });

  it('drops entries after their time to live and evicts the oldest past the byte budget', () => {
    vi.useFakeTimers();
    const handoff = new RecentInputHandoff({ maxBytes: 10, timeToLiveMilliseconds: 1000 });
    handoff.offer('a', Buffer.alloc(4));
    handoff.offer('b', Buffer.alloc(4));
    handoff.offer('c', Buffer.alloc(4)); // 12 > 10: a goes
    expect(handoff.claim('a')).toBeUndefined();
    expect(handoff.heldBytes).toBe(8);
    handoff.offer('huge', Buffer.alloc(11)); // larger than the budget: not kept, nothing evicted for it
    expect(handoff.heldBytes).toBe(8);
    vi.advanceTimersByTime(1001);
    expect(handoff.claim('b')).toBeUndefined();
    expect(handoff.heldBytes).toBe(0);
  });
});

describe('FileStore handoff', () => {
  let directory: string | undefined;
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('writes the file first, gives the first read the stored bytes and later reads the disk', async () => {
    directory = await mkdtemp(join(tmpdir(), 'atelier-handoff-'));
    const store = new FileStore(directory);
    const bytes = Buffer.from('input image bytes');
    const stored = await store.put(bytes, 'image/png', { handOff: true });
    expect((await store.find(stored.id))?.size).toBe(bytes.length); // on disk before anyone claims it
    const first = await store.read(stored.id);
    expect(first.buffer).toBe(bytes.buffer); // no copy, no read
    const second = await store.read(stored.id);
    expect(second.buffer).not.toBe(bytes.buffer);
    expect(second.equals(bytes)).toBe(true);
  });

  it('does not hand off without the option, nor after the file was removed', async () => {
    directory = await mkdtemp(join(tmpdir(), 'atelier-handoff-'));
    const store = new FileStore(directory);
    const plain = Buffer.from('plain');
    const stored = await store.put(plain, 'image/png');
    expect((await store.read(stored.id)).buffer).not.toBe(plain.buffer);
    const removed = Buffer.from('removed soon');
    const doomed = await store.put(removed, 'image/png', { handOff: true });
    expect(await store.remove(doomed.id, { modifiedBefore: Date.now() + 60_000 })).toBe(removed.length);
    await expect(store.read(doomed.id)).rejects.toThrow(/missing/);
  });
});
