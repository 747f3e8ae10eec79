/**
 * SEER-Mini's frozen generator behind the shared `ImageGenerator` role (roles/roles.ts), so the VIE
 * builder can keep only the candidates the model itself can realise, as the paper does (A.1.2):
 * `seer data build --image-source model`.
 */
import type { RgbImage } from '../image/image.ts';
import type { ImageGenerator } from '../roles/roles.ts';
import type { SeerMini } from './umm.ts';

export class SeerMiniGenerator implements ImageGenerator {
  readonly name = 'seer-mini';
  private readonly model: SeerMini;

  constructor(model: SeerMini) {
    this.model = model;
  }

  async generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> {
    return this.model.generateImages(prompts, seeds);
  }
}
