/**
 * Abstract concepts ("scary", "cute", "refined", "impending danger" …) and the concrete cues that
 * express them in the VIE world. A cue is one slot value of a SceneSpec. Hard instructions are
 * rules over cues; the knowledge corpus states these links in words; a reprompter must discover
 * them to turn an abstract instruction into descriptors the generator can draw.
 */
import type { Attribute, SceneSpec } from './spec.ts';

export interface Cue {
  attr: Attribute;
  value: SceneSpec[Attribute];
}

const c = (attr: Attribute, ...values: (string | boolean)[]): Cue[] =>
  values.map((value) => ({ attr, value: value as SceneSpec[Attribute] }));

export const CONCEPTS = {
  scary: [...c('eyes', 'red', 'angry'), ...c('mouth', 'fangs'), ...c('accessory', 'horns'), ...c('background', 'night', 'storm', 'flames'), ...c('colour', 'black')],
  cute: [...c('eyes', 'big'), ...c('blush', true), ...c('accessory', 'bow'), ...c('background', 'sparkles'), ...c('colour', 'pink'), ...c('material', 'plush'), ...c('mouth', 'smile')],
  refined: [...c('material', 'glass', 'metal'), ...c('accessory', 'crown', 'tophat'), ...c('colour', 'white', 'black')],
  crude: [...c('style', 'sketch', 'pixel', 'surveillance'), ...c('material', 'plush')],
  wintry: [...c('material', 'ice'), ...c('background', 'snow'), ...c('colour', 'white', 'blue')],
  cozy: [...c('material', 'plush', 'wood'), ...c('colour', 'orange', 'brown', 'red'), ...c('background', 'sunset'), ...c('blush', true)],
  royal: [...c('accessory', 'crown'), ...c('colour', 'purple', 'yellow'), ...c('background', 'sparkles'), ...c('material', 'metal')],
  spooky: [...c('background', 'night', 'fog'), ...c('eyes', 'red'), ...c('colour', 'black'), ...c('accessory', 'horns')],
  cheerful: [...c('mouth', 'smile'), ...c('colour', 'yellow', 'orange'), ...c('background', 'sunset', 'sparkles'), ...c('eyes', 'big')],
  ancient: [...c('material', 'stone', 'wood'), ...c('colour', 'brown', 'gray'), ...c('background', 'fog'), ...c('style', 'sketch')],
  magical: [...c('accessory', 'halo'), ...c('background', 'sparkles'), ...c('colour', 'purple'), ...c('material', 'glass')],
  fierce: [...c('eyes', 'angry'), ...c('mouth', 'fangs'), ...c('accessory', 'horns'), ...c('colour', 'red'), ...c('background', 'flames')],
  sweet: [...c('eyes', 'big'), ...c('blush', true), ...c('accessory', 'bow'), ...c('colour', 'pink'), ...c('mouth', 'smile')],
  shiny: [...c('material', 'metal', 'plastic', 'glass'), ...c('background', 'sparkles')],
  friendly: [...c('mouth', 'smile'), ...c('blush', true), ...c('eyes', 'big', 'dots')],
  playful: [...c('accessory', 'bow'), ...c('material', 'plush'), ...c('colour', 'pink', 'orange'), ...c('mouth', 'smile')],
  fragile: [...c('material', 'glass', 'ice'), ...c('colour', 'white', 'pink')],
  danger: [...c('background', 'storm', 'flames'), ...c('eyes', 'red', 'angry'), ...c('mouth', 'fangs'), ...c('accessory', 'horns'), ...c('colour', 'black')],
  gloomy: [...c('background', 'fog', 'storm', 'night'), ...c('colour', 'gray', 'black')],
  striking: [...c('background', 'sunset', 'sparkles', 'flames'), ...c('accessory', 'crown', 'halo'), ...c('eyes', 'big'), ...c('colour', 'red', 'purple', 'yellow')],
  plainness: [...c('material', 'plain'), ...c('style', 'normal'), ...c('accessory', 'none')],
  festive: [...c('background', 'sparkles'), ...c('accessory', 'crown', 'bow'), ...c('colour', 'red', 'yellow'), ...c('mouth', 'smile')],
  bedtime: [...c('background', 'night'), ...c('material', 'plush'), ...c('blush', true), ...c('accessory', 'halo')],
  lonely: [...c('background', 'fog', 'night'), ...c('colour', 'gray', 'blue')],
  horror: [...c('background', 'night', 'storm', 'flames'), ...c('eyes', 'red'), ...c('mouth', 'fangs'), ...c('accessory', 'horns')],
  peaceful: [...c('background', 'sunset'), ...c('mouth', 'smile'), ...c('colour', 'blue', 'green'), ...c('accessory', 'halo')],
  heroic: [...c('accessory', 'halo', 'crown'), ...c('background', 'sunset'), ...c('colour', 'red'), ...c('material', 'metal')],
  dreamy: [...c('background', 'sparkles', 'fog'), ...c('colour', 'pink', 'purple'), ...c('material', 'glass')],
  summer: [...c('background', 'sunset'), ...c('colour', 'yellow', 'orange'), ...c('mouth', 'smile')],
  // Concepts that only out-of-distribution instructions use.
  industrial: [...c('material', 'metal', 'stone'), ...c('colour', 'gray', 'black', 'brown'), ...c('background', 'fog', 'storm')],
  futuristic: [...c('material', 'metal', 'glass'), ...c('colour', 'blue', 'white'), ...c('background', 'night')],
  fairytale: [...c('accessory', 'crown', 'bow'), ...c('background', 'sparkles'), ...c('colour', 'pink', 'purple')],
  luxurious: [...c('accessory', 'crown', 'halo'), ...c('background', 'sparkles'), ...c('colour', 'yellow', 'purple')],
  fiery: [...c('background', 'flames', 'sunset'), ...c('colour', 'red', 'orange')],
  oldfashioned: [...c('style', 'sketch'), ...c('material', 'wood', 'stone'), ...c('colour', 'brown')],
  calm: [...c('background', 'fog', 'snow'), ...c('colour', 'blue', 'green', 'white')],
  energetic: [...c('background', 'flames', 'sparkles'), ...c('colour', 'red', 'yellow', 'orange')],
  triumphant: [...c('accessory', 'crown', 'halo'), ...c('background', 'sparkles', 'sunset'), ...c('mouth', 'smile')],
  mysterious: [...c('background', 'fog', 'night'), ...c('colour', 'purple', 'black'), ...c('material', 'glass')],
  nostalgic: [...c('style', 'sketch', 'pixel'), ...c('background', 'sunset'), ...c('colour', 'brown'), ...c('material', 'wood')],
} satisfies Record<string, Cue[]>;

export type Concept = keyof typeof CONCEPTS;

export function cueMatches(spec: SceneSpec, cue: Cue): boolean {
  return spec[cue.attr] === cue.value;
}

/** Distinct slots of `spec` that carry a cue of `concept` (two cues on one slot cannot both hold). */
export function cueCount(spec: SceneSpec, concept: Concept): number {
  const attrs = new Set<Attribute>();
  for (const cue of CONCEPTS[concept]) if (cueMatches(spec, cue)) attrs.add(cue.attr);
  return attrs.size;
}
