import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaStore } from '../../lambdas/adapters/media.js';

// The media store's folder mode (SIGNOFF_MEDIA_DIR, the local runtime's): an object is written whole or not at all,
// synced before its name appears (issue #18), and read back as written.

const work = mkdtempSync(join(tmpdir(), 'signoff-media-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mediaStore in a folder', () => {
  it('writes an image under its key by a rename, leaving no temporary file, and reads it back', async () => {
    // Prepare
    const store = mediaStore(undefined, { bucket: () => undefined, dir: () => work });
    const image = Buffer.alloc(3 * 1024 * 1024, 7);
    const key = `${'a'.repeat(40)}.png`;

    // Act
    await store.putMedia(key, image, 'image/png');

    // Assess
    expect(readdirSync(work)).toEqual([key]);
    expect(readFileSync(join(work, key)).equals(image)).toBe(true);
    expect((await store.getMedia(key))?.equals(image)).toBe(true);
  });
});
