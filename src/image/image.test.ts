import { describe, expect, it } from 'vitest';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';
import { fromBase64, fromDataUrl, resizeImage, toBase64Png, toDataUrl } from './image.ts';

describe('image conversion', () => {
  const cat = renderSpec(defaultSpec('cat'), { seed: 1 });

  it('round-trips through a PNG data URL pixel for pixel', async () => {
    const url = toDataUrl(cat);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const back = await fromDataUrl(url);
    expect([back.width, back.height]).toEqual([cat.width, cat.height]);
    expect(Buffer.from(back.data).equals(Buffer.from(cat.data))).toBe(true);
    expect(Buffer.from((await fromBase64(toBase64Png(cat))).data).equals(Buffer.from(cat.data))).toBe(true);
  });

  it('refuses remote URLs and garbage with a message', async () => {
    await expect(fromDataUrl('https://example.com/a.png')).rejects.toThrow(/base64 data URL.*remote URLs are not fetched/);
    await expect(fromDataUrl('data:image/png;base64,aGVsbG8=')).rejects.toThrow(/not a readable PNG/);
  });

  it('area-averages when shrinking and repeats pixels when enlarging', () => {
    const checker = { width: 4, height: 2, data: new Uint8Array([0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]) };
    expect(Array.from(resizeImage(checker, 2, 1).data)).toEqual([128, 128, 128, 128, 128, 128]);
    const up = resizeImage(cat, 64, 64);
    expect(up.data.slice(0, 3)).toEqual(up.data.slice(3, 6));
    const down = resizeImage(up, 32, 32);
    expect(Buffer.from(down.data).equals(Buffer.from(cat.data))).toBe(true);
    expect(() => resizeImage(cat, 0, 3)).toThrow(/cannot resize/);
  });
});
