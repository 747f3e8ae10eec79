// Experiment helper (docs/seer.md): make a model's judge open its reasoning with the oracle
// detector's captions of the two images as the model sees them (its image codes decoded) — the
// descriptions a model that understood its own image codes perfectly would write. Diagnostic only:
// the oracle stands in for the model's understanding, so no recipe uses it.
import type { SeerMini } from '../../model/umm.ts';
import { captionedOpening } from '../../model/templates.ts';
import { shippedDetector } from '../../oracle/detector.ts';
import { captionOf } from '../../world/grammar.ts';

/** The detector's caption of each image, given as the model's codes. */
export function detectorCaptions(model: SeerMini, codes: readonly (readonly number[])[]): string[] {
  return shippedDetector().detect(codes.map((c) => model.image.decode(c))).map((d) => captionOf(d.spec));
}

/** From now on `model`'s judge opens with detector captions ("<think> a shows …. b shows …."). */
export function useDetectorOpenings(model: SeerMini): void {
  model.judgeDescriptions = 'captioned';
  model.judgeOpenings = (pairs) => {
    const captions = detectorCaptions(model, pairs.flat());
    return pairs.map((_, i) => captionedOpening(captions[2 * i]!, captions[2 * i + 1]!));
  };
}
