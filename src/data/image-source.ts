/**
 * Where candidate images come from when the dataset is built. The paper generates candidates with
 * its own UMM and keeps only what that UMM can realise (A.1.2); here the source is pluggable: the
 * world's renderer now, SEER-Mini's generator once a checkpoint exists (any `ImageSource`).
 */
import type { RgbImage } from '../world/image.ts';
import { parseCaption } from '../world/grammar.ts';
import { renderSpec } from '../world/render.ts';

export interface ImageRequest {
  caption: string;
  seed: number;
}

export interface ImageSource {
  readonly name: string;
  generate(requests: readonly ImageRequest[]): Promise<RgbImage[]>;
}

/** Draws what the caption says, exactly (a perfect generator of the descriptor language). */
export class RendererSource implements ImageSource {
  readonly name = 'renderer';
  private readonly size: number;

  constructor(size = 32) {
    this.size = size;
  }

  async generate(requests: readonly ImageRequest[]): Promise<RgbImage[]> {
    return requests.map((r) => renderSpec(parseCaption(r.caption).spec, { seed: r.seed, size: this.size }));
  }
}
