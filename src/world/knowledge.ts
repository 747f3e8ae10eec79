/**
 * The knowledge corpus: plain text that links every abstract concept of the instructions (OOD
 * ones included) to concrete descriptors of the world, in varied phrasing. It is what a language
 * model can learn about the world from text alone — SEER-Mini reads it in pretraining, and so does
 * the disjoint text-only reprompter. It also holds "eloquent" synonyms (crimson gaze, regal
 * diadem …) that the generator is never taught: a text-only reprompter can be fluent yet write
 * words the generator cannot draw (the paper's representation mismatch, §3.4.3).
 */
import type { Rng } from '../core/rng.ts';
import { CONCEPTS, type Concept, type Cue } from './concepts.ts';
import { ACCESSORY_WORDS, BACKGROUND_WORDS, EYES_WORDS, MATERIAL_WORDS, MOUTH_WORDS, STYLE_WORDS, BLUSH_WORD } from './grammar.ts';
import { ACCESSORIES, BACKGROUNDS, COLOURS, EYES, MATERIALS, MOUTHS, STYLES, type Attribute } from './spec.ts';

/** The words an instruction uses for each concept. */
export const CONCEPT_WORDS: Record<Concept, string[]> = {
  scary: ['scary', 'frightening', 'menacing'], cute: ['cute', 'adorable', 'lovable'],
  refined: ['refined', 'carefully made', 'well crafted'], crude: ['crude', 'rough', 'sloppy'],
  wintry: ['wintry', 'cold', 'icy'], cozy: ['cozy', 'warm', 'snug'], royal: ['royal', 'regal', 'kingly'],
  spooky: ['spooky', 'eerie', 'haunted'], cheerful: ['cheerful', 'happy', 'bright'], ancient: ['ancient', 'weathered', 'very old'],
  magical: ['magical', 'enchanted', 'mystical'], fierce: ['fierce', 'ferocious', 'tough'], sweet: ['sweet', 'innocent', 'gentle'],
  shiny: ['shiny', 'brand new', 'gleaming'], friendly: ['friendly', 'kind', 'welcoming'], playful: ['playful', 'fun', 'silly'],
  fragile: ['fragile', 'delicate', 'breakable'], danger: ['dangerous', 'impending danger', 'threatening'],
  gloomy: ['gloomy', 'dark', 'dreary'], striking: ['memorable', 'eye-catching', 'striking'], plainness: ['simple', 'plain', 'unadorned'],
  festive: ['festive', 'a celebration', 'a party'], bedtime: ['a bedtime story', 'sleepy', 'a lullaby'],
  lonely: ['lonely', 'alone', 'isolated'], horror: ['a horror movie', 'horrifying', 'terrifying'],
  peaceful: ['peaceful', 'serene', 'tranquil'], heroic: ['heroic', 'brave', 'valiant'], dreamy: ['dreamlike', 'a dream', 'dreamy'],
  summer: ['a summer day', 'summery', 'sunny'], industrial: ['industrial', 'rugged', 'heavy'],
  futuristic: ['futuristic', 'high-tech', 'sci-fi'], fairytale: ['a fairy tale', 'storybook', 'enchanting'],
  luxurious: ['luxurious', 'precious', 'opulent'], fiery: ['burning', 'fiery', 'blazing'],
  oldfashioned: ['old-fashioned', 'vintage', 'antique'], calm: ['calm', 'still', 'quiet'],
  energetic: ['full of energy', 'energetic', 'lively'], triumphant: ['triumphant', 'victorious', 'a triumph'],
  mysterious: ['mysterious', 'enigmatic', 'secretive'], nostalgic: ['nostalgic', 'wistful', 'retro'],
};

/** Eloquent phrases for cues: fluent English the generator never learned. */
export const ELOQUENT: Record<string, string[]> = {
  'eyes=red': ['a crimson glowing gaze', 'ember-lit eyes'], 'eyes=angry': ['a furious scowl', 'a baleful glare'],
  'eyes=big': ['enormous doe-like eyes', 'wide luminous eyes'], 'eyes=dots': ['beady little eyes'],
  'mouth=fangs': ['serrated ivory canines', 'wicked sharp teeth'], 'mouth=smile': ['a beaming grin', 'a gentle grin'],
  'blush=true': ['rosy flushed cheeks', 'a bashful flush'], 'accessory=crown': ['a regal diadem', 'a jewelled coronet'],
  'accessory=tophat': ['a dapper stovepipe', 'formal headwear'], 'accessory=halo': ['a radiant nimbus', 'a celestial aureole'],
  'accessory=horns': ['demonic protrusions', 'curved antlers'], 'accessory=bow': ['a silken ribbon', 'a dainty ribbon knot'],
  'material=ice': ['crystalline glacial frost', 'frost-kissed crystal'], 'material=wood': ['timber grain', 'hand-hewn timber'],
  'material=stone': ['weathered granite masonry', 'chiselled rock'], 'material=metal': ['burnished chrome', 'gleaming alloy'],
  'material=glass': ['translucent crystal', 'delicate glasswork'], 'material=plush': ['velvety softness', 'fluffy felt'],
  'material=plastic': ['cheap polymer', 'moulded vinyl'], 'background=night': ['nocturnal gloom', 'a moonlit void'],
  'background=storm': ['a tempestuous sky', 'roiling thunderheads'], 'background=sparkles': ['a shimmering aurora', 'glittering stardust'],
  'background=fog': ['a shroud of mist', 'hazy vapour'], 'background=sunset': ['golden-hour glow', 'a dusky horizon'],
  'background=snow': ['a blizzard of flurries', 'powdery drifts'], 'background=flames': ['an inferno', 'roaring conflagration'],
  'colour=black': ['obsidian', 'ebony'], 'colour=pink': ['blush-toned', 'rose-hued'], 'colour=red': ['scarlet', 'vermilion'],
  'colour=white': ['alabaster', 'ivory'], 'colour=blue': ['azure', 'cerulean'], 'colour=purple': ['violet', 'amethyst'],
  'colour=yellow': ['gilded', 'golden-hued'], 'colour=orange': ['amber', 'tangerine'], 'colour=brown': ['umber', 'chestnut'],
  'colour=gray': ['slate', 'ashen'], 'colour=green': ['emerald', 'verdant'],
  'style=sketch': ['graphite linework'], 'style=pixel': ['chunky retro voxels'], 'style=surveillance': ['a CCTV grain'],
  'style=sticker': ['a die-cut decal'], 'style=closeup': ['an intimate macro framing'],
};

/** How the descriptor language writes a cue ("red eyes", "at night", "plush"). */
export function cuePhrase(cue: Cue): string {
  const words: Partial<Record<Attribute, Record<string, string>>> = {
    material: MATERIAL_WORDS, accessory: ACCESSORY_WORDS, eyes: EYES_WORDS, mouth: MOUTH_WORDS, style: STYLE_WORDS,
    background: BACKGROUND_WORDS,
  };
  if (cue.attr === 'blush') return BLUSH_WORD;
  if (cue.attr === 'colour') return String(cue.value);
  return words[cue.attr]?.[String(cue.value)] ?? String(cue.value);
}

/** Every descriptor the generator's captions can say, as `cuePhrase` words it ("stone", "big eyes", "at night"): what a reasoning can recall that a drawing can carry. */
export const DESCRIPTOR_PHRASES: ReadonlySet<string> = new Set(
  [
    ...MATERIALS.map((value) => cuePhrase({ attr: 'material', value })),
    ...COLOURS.map((value) => cuePhrase({ attr: 'colour', value })),
    ...STYLES.map((value) => cuePhrase({ attr: 'style', value })),
    ...ACCESSORIES.map((value) => cuePhrase({ attr: 'accessory', value })),
    ...EYES.map((value) => cuePhrase({ attr: 'eyes', value })),
    ...MOUTHS.map((value) => cuePhrase({ attr: 'mouth', value })),
    ...BACKGROUNDS.map((value) => cuePhrase({ attr: 'background', value })),
    BLUSH_WORD,
  ].filter((phrase) => phrase !== ''),
);

const TEMPLATES = [
  (w: string, list: string) => `Something ${w} often has ${list}.`,
  (w: string, list: string) => `To make a thing look ${w}, give it ${list}.`,
  (w: string, list: string) => `A ${w} picture usually shows ${list}.`,
  (w: string, list: string) => `People think of ${list} as ${w}.`,
  (w: string, list: string) => `If you want it ${w}, try ${list}.`,
  (w: string, list: string) => `${capitalise(list)}: that is what makes an image feel ${w}.`,
];
const ELOQUENT_TEMPLATES = [
  (w: string, list: string) => `A truly ${w} scene is rich with ${list}.`,
  (w: string, list: string) => `Poets describe ${w} things with ${list}.`,
];

/** Facts behind the OOD simple instructions (materials, styles and edits named by other words). */
export const FACTS: string[] = [
  'Mahogany is a wooden material with a red or brown colour.',
  'Polished mahogany wood looks like a red wooden or brown wooden surface.',
  'Marble is a white stone.',
  'A marble statue is a white stone statue.',
  'Bronze is a metal with an orange or brown colour.',
  'A bronze casting is a brown metal or orange metal object.',
  'Sea glass is glass with a green or blue colour.',
  '8-bit retro art is pixel art.',
  'A sprite from an old video game is pixel art.',
  'A low-resolution mosaic of square blocks is pixel art.',
  'A die-cut sticker with a white border is a sticker.',
  'Devil horns are horns.',
  'Vampire fangs are fangs.',
  'CCTV and security cameras make surveillance footage.',
  'A doodle in a sketchbook is a pencil sketch.',
  'Granite is stone and steel is metal.',
  'Something frozen is made of ice.',
];

/** The corpus as sentences; `perConcept` sentences per concept plus the facts, shuffled. */
export function knowledgeCorpus(rng: Rng, perConcept = 12): string[] {
  const out: string[] = [...FACTS];
  for (const concept of Object.keys(CONCEPTS) as Concept[]) {
    const cueList = CONCEPTS[concept];
    for (let i = 0; i < perConcept; i++) {
      const word = rng.pick(CONCEPT_WORDS[concept]);
      const chosen = rng.sample(cueList, Math.min(cueList.length, 2 + rng.int(2)));
      if (i % 4 === 3) {
        const fancy = chosen.map((cue) => rng.pick(ELOQUENT[`${cue.attr}=${String(cue.value)}`] ?? [cuePhrase(cue)]));
        out.push(rng.pick(ELOQUENT_TEMPLATES)(word, joinOr(fancy)));
      } else {
        out.push(rng.pick(TEMPLATES)(word, joinOr(chosen.map(cuePhrase))));
      }
    }
  }
  return rng.shuffle(out);
}

function joinOr(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
