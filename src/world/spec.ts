/**
 * The scene specification of the VIE world: what an image *is*. Every image the renderer draws
 * comes from one `SceneSpec`; every caption of the descriptor language maps onto one; every
 * instruction's satisfaction rule is a predicate over one; the oracle detects one from pixels.
 *
 * Families (the generator's priors): subject, material, colour, style (perspective), accessory,
 * face (eyes, mouth, blush) and background (atmosphere). Departure from the paper: the paper's
 * world is open-ended natural images; ours is a closed, enumerable miniature so that compliance
 * can be verified exactly.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.ts';

export const SUBJECTS_TRAIN = [
  'cat', 'dog', 'owl', 'fish', 'house', 'tree', 'car', 'boat', 'swing', 'lamp', 'bridge', 'mushroom',
] as const;
export const SUBJECTS_TEST = [
  'table', 'chair', 'teapot', 'clock', 'robot', 'rocket', 'bell', 'cup', 'umbrella', 'cactus', 'snail', 'vase',
] as const;
export const SUBJECTS = [...SUBJECTS_TRAIN, ...SUBJECTS_TEST] as const;

export const MATERIALS = ['plain', 'wood', 'stone', 'ice', 'metal', 'glass', 'plush', 'plastic'] as const;
export const COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'white', 'black', 'brown', 'gray'] as const;
export const STYLES = ['normal', 'pixel', 'surveillance', 'sketch', 'sticker', 'closeup'] as const;
export const ACCESSORIES = ['none', 'crown', 'tophat', 'halo', 'horns', 'bow'] as const;
export const EYES = ['none', 'dots', 'big', 'red', 'angry'] as const;
export const MOUTHS = ['none', 'smile', 'fangs'] as const;
export const BACKGROUNDS = ['plain', 'night', 'storm', 'sparkles', 'fog', 'sunset', 'snow', 'flames'] as const;

export type Subject = (typeof SUBJECTS)[number];
export type Material = (typeof MATERIALS)[number];
export type Colour = (typeof COLOURS)[number];
export type Style = (typeof STYLES)[number];
export type Accessory = (typeof ACCESSORIES)[number];
export type Eyes = (typeof EYES)[number];
export type Mouth = (typeof MOUTHS)[number];
export type Background = (typeof BACKGROUNDS)[number];

/** One image of the world. `subject: null` is an empty scene (the curriculum's "masked object"). */
export interface SceneSpec {
  subject: Subject | null;
  material: Material;
  colour: Colour;
  style: Style;
  accessory: Accessory;
  eyes: Eyes;
  mouth: Mouth;
  blush: boolean;
  background: Background;
}

/** The slots a rule or the oracle can read; `blush` is boolean, the rest are enums. */
export const ATTRIBUTE_VALUES = {
  subject: SUBJECTS,
  material: MATERIALS,
  colour: COLOURS,
  style: STYLES,
  accessory: ACCESSORIES,
  eyes: EYES,
  mouth: MOUTHS,
  blush: [false, true],
  background: BACKGROUNDS,
} as const;
export type Attribute = keyof typeof ATTRIBUTE_VALUES;
export const ATTRIBUTES = Object.keys(ATTRIBUTE_VALUES) as Attribute[];

/** Descriptor families as the issue names them; `face` groups eyes, mouth and blush. */
export const FAMILIES = {
  subject: ['subject'],
  material: ['material'],
  colour: ['colour'],
  style: ['style'],
  accessory: ['accessory'],
  face: ['eyes', 'mouth', 'blush'],
  background: ['background'],
} as const satisfies Record<string, readonly Attribute[]>;
export type Family = keyof typeof FAMILIES;
export const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];

/** Each subject's usual colour: what "a cat" means when no colour is given. */
export const DEFAULT_COLOUR: Record<Subject, Colour> = {
  cat: 'orange', dog: 'brown', owl: 'brown', fish: 'blue', house: 'red', tree: 'green', car: 'blue', boat: 'white',
  swing: 'gray', lamp: 'yellow', bridge: 'gray', mushroom: 'red', table: 'brown', chair: 'brown', teapot: 'white',
  clock: 'white', robot: 'gray', rocket: 'white', bell: 'yellow', cup: 'white', umbrella: 'purple', cactus: 'green',
  snail: 'orange', vase: 'blue',
};

export const sceneSpecSchema = z.object({
  subject: z.enum(SUBJECTS).nullable(),
  material: z.enum(MATERIALS),
  colour: z.enum(COLOURS),
  style: z.enum(STYLES),
  accessory: z.enum(ACCESSORIES),
  eyes: z.enum(EYES),
  mouth: z.enum(MOUTHS),
  blush: z.boolean(),
  background: z.enum(BACKGROUNDS),
});

/** The plain picture of a subject: what a bare prompt ("a cat") denotes. */
export function defaultSpec(subject: Subject | null): SceneSpec {
  return {
    subject,
    material: 'plain',
    colour: subject ? DEFAULT_COLOUR[subject] : 'gray',
    style: 'normal',
    accessory: 'none',
    eyes: 'none',
    mouth: 'none',
    blush: false,
    background: 'plain',
  };
}

/**
 * A random specification. `pChange` is the chance each family leaves its default, so that
 * samples cover both plain scenes and busy ones.
 */
export function randomSpec(rng: Rng, options: { subjects?: readonly Subject[]; pChange?: number } = {}): SceneSpec {
  const p = options.pChange ?? 0.5;
  const subject = rng.pick(options.subjects ?? SUBJECTS);
  const spec = defaultSpec(subject);
  if (rng.bool(p)) spec.material = rng.pick(MATERIALS);
  spec.colour = rng.bool(0.7) ? rng.pick(COLOURS) : spec.colour;
  if (rng.bool(p)) spec.style = rng.pick(STYLES);
  if (rng.bool(p)) spec.accessory = rng.pick(ACCESSORIES);
  if (rng.bool(p)) spec.eyes = rng.pick(EYES);
  if (rng.bool(p * 0.8)) spec.mouth = rng.pick(MOUTHS);
  spec.blush = rng.bool(p * 0.4);
  if (rng.bool(p)) spec.background = rng.pick(BACKGROUNDS);
  return spec;
}

export function specsEqual(a: SceneSpec, b: SceneSpec): boolean {
  return ATTRIBUTES.every((key) => a[key] === b[key]);
}

export function isTrainSubject(subject: Subject): boolean {
  return (SUBJECTS_TRAIN as readonly string[]).includes(subject);
}
