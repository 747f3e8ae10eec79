/**
 * Where candidate images come from when the dataset is built. The paper generates candidates with
 * its own UMM and keeps only what that UMM can realise (A.1.2); here the source is any
 * `ImageGenerator` (roles/roles.ts): the world's renderer (a perfect generator of the descriptor
 * language) or SEER-Mini's frozen generator (src/model/generator.ts).
 */
import type { RgbImage } from '../image/image.ts';
import type { ImageGenerator } from '../roles/roles.ts';
import { parseCaption } from '../world/grammar.ts';
import { renderSpec } from '../world/render.ts';

/** Draws what the caption says, exactly. */
export class RendererSource implements ImageGenerator {
  readonly name = 'renderer';
  private readonly size: number;

  constructor(size = 32) {
    this.size = size;
  }

  async generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> {
    return prompts.map((p, i) => renderSpec(parseCaption(p).spec, { seed: seeds[i] ?? 0, size: this.size }));
  }
}
