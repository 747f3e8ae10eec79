/**
 * The visual instructions of the VIE task (paper §3.3, Tables 6–7): six categories, Simple
 * (material synthesis, perspective shifts, semantic edits) and Hard (attribute, constraint,
 * conceptual reasoning). `id` instructions are the training ones (10 per category, the paper's
 * 6 × 10); `ood` ones, used only at test, name concepts no training instruction uses — their texts
 * appear in no pretraining task and no RL step; the knowledge corpus describes their concepts, and
 * since the v23 base the caption checks ask about them in other words. Every example of Tables 6 and 7
 * appears verbatim, as an instruction's text or paraphrase.
 */
import { all, cues, is, none, type Rule } from './rules.ts';

export const CATEGORIES = ['material', 'perspective', 'semantic', 'attribute', 'constraint', 'conceptual'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Difficulty = 'simple' | 'hard';
export type Split = 'id' | 'ood';

export const CATEGORY_DIFFICULTY: Record<Category, Difficulty> = {
  material: 'simple', perspective: 'simple', semantic: 'simple', attribute: 'hard', constraint: 'hard', conceptual: 'hard',
};
export const CATEGORY_LABEL: Record<Category, string> = {
  material: 'Material Synthesis', perspective: 'Perspective Shifts', semantic: 'Semantic Edits',
  attribute: 'Attribute Reasoning', constraint: 'Constraint Reasoning', conceptual: 'Conceptual Reasoning',
};

export interface Instruction {
  id: string;
  text: string;
  paraphrases: string[];
  category: Category;
  difficulty: Difficulty;
  split: Split;
  rule: Rule;
}

type Row = [text: string, paraphrase: string, rule: Rule];

const ID: Record<Category, Row[]> = {
  material: [
    ['Transform it so it is carved entirely out of ice.', 'Turn it into a sculpture of solid ice.', is('material', 'ice')],
    ['Make it look like it is carved from wood.', 'Make it a carving in wood.', is('material', 'wood')],
    ['Turn it into a stone statue.', 'Make it look like it is chiselled out of stone.', is('material', 'stone')],
    ['Make it out of shiny metal.', 'Give it a body of polished metal.', is('material', 'metal')],
    ['Make it look like it is blown from glass.', 'Turn it into a glass ornament.', is('material', 'glass')],
    ['Turn it into a soft plush toy.', 'Make it a stuffed fabric toy.', is('material', 'plush')],
    ['Make it out of glossy plastic.', 'Turn it into a shiny plastic toy.', is('material', 'plastic')],
    ['Sculpt it from rough granite.', 'Make it a rough granite figure.', is('material', 'stone')],
    ['Forge it from steel.', 'Make it a forged steel object.', is('material', 'metal')],
    ['Give it a frozen, icy body.', 'Make it frozen solid, like ice.', is('material', 'ice')],
  ],
  perspective: [
    ['Show it through a grainy surveillance footage.', 'Show it as grainy footage from a surveillance camera.', is('style', 'surveillance')],
    ['Make it look like a frame from a security camera.', 'Show it as a still from a security camera.', is('style', 'surveillance')],
    ['Show it as seen on a CCTV monitor.', 'Present it as a CCTV recording.', is('style', 'surveillance')],
    ['Show it as if captured by a hidden night-vision camera.', 'Make it look like hidden camera footage.', is('style', 'surveillance')],
    ['Draw it as a rough pencil sketch.', 'Render it as a pencil drawing.', is('style', 'sketch')],
    ['Render it as a hand-drawn sketch.', 'Make it look hand-drawn with a pencil.', is('style', 'sketch')],
    ['Make it look like a quick doodle in a sketchbook.', 'Show it as a sketchbook doodle.', is('style', 'sketch')],
    ['Show it in an extreme close-up.', 'Show it from very close up.', is('style', 'closeup')],
    ['Zoom in tightly on it.', 'Get the camera right up close to it.', is('style', 'closeup')],
    ['Frame it as a close-up portrait.', 'Make it a tight close-up portrait shot.', is('style', 'closeup')],
  ],
  semantic: [
    ["Place a golden crown on the object's head.", "Place a golden crown on the object's head or top.", is('accessory', 'crown')],
    ['Put a top hat on it.', 'Give it a tall black top hat.', is('accessory', 'tophat')],
    ['Give it a glowing halo.', 'Add a halo above it.', is('accessory', 'halo')],
    ['Tie a pink bow on top of it.', 'Add a pink ribbon bow on top.', is('accessory', 'bow')],
    ['Give it big round eyes.', 'Add a pair of large eyes.', is('eyes', 'big')],
    ['Make it smile.', 'Give it a happy smile.', is('mouth', 'smile')],
    ['Give it rosy blushing cheeks.', 'Add blush to its cheeks.', is('blush', true)],
    ['Paint it bright red.', 'Change its colour to red.', is('colour', 'red')],
    ['Make it blue.', 'Change its colour to blue.', is('colour', 'blue')],
    ['Paint it purple.', 'Recolour it purple.', is('colour', 'purple')],
  ],
  attribute: [
    ['Make it look more refined and carefully made.', 'Make it appear more refined and well crafted.', all(cues('refined', 2), none('crude'))],
    ['Make it feel cold and wintry.', 'Give it a wintry, cold feeling.', cues('wintry', 2)],
    ['Make it look cozy and warm.', 'Give it a warm, cozy look.', cues('cozy', 2)],
    ['Make it look royal.', 'Give it a royal appearance.', cues('royal', 2)],
    ['Make it look spooky.', 'Give it a spooky look.', cues('spooky', 2)],
    ['Make it look cheerful.', 'Make it appear cheerful and bright.', cues('cheerful', 2)],
    ['Make it look ancient and weathered.', 'Make it seem very old and weathered.', cues('ancient', 2)],
    ['Make it look magical.', 'Give it a magical quality.', cues('magical', 2)],
    ['Make it look fierce.', 'Make it appear fierce.', cues('fierce', 2)],
    ['Make it look innocent and sweet.', 'Give it a sweet, innocent look.', cues('sweet', 2)],
  ],
  constraint: [
    ['Make the object look scary, yet undeniably cute.', 'Make it scary but still cute.', all(cues('scary'), cues('cute'))],
    ['Make it cold as ice, yet cozy.', 'Make it icy cold but still cozy.', all(cues('wintry'), cues('cozy'))],
    ['Make it look ancient, yet brand new and shiny.', 'Make it old yet shiny and new.', all(cues('ancient'), cues('shiny'))],
    ['Make it look fierce but friendly.', 'Make it fierce, yet friendly.', all(cues('fierce'), cues('friendly'))],
    ['Make it look spooky yet cheerful.', 'Make it spooky but cheerful.', all(cues('spooky'), cues('cheerful'))],
    ['Make it regal, yet playful.', 'Make it royal but playful.', all(cues('royal'), cues('playful'))],
    ['Make it look fragile but dangerous.', 'Make it delicate, yet dangerous.', all(cues('fragile'), cues('danger'))],
    ['Keep it simple and plain, yet eye-catching.', 'Make it plain but still eye-catching.', all(is('material', 'plain'), is('style', 'normal'), cues('striking'))],
    ['Make it dark and gloomy, yet magical.', 'Make it gloomy but magical.', all(cues('gloomy'), cues('magical'))],
    ['Make it look soft, yet tough.', 'Make it soft but tough.', all(is('material', 'plush'), cues('fierce'))],
  ],
  conceptual: [
    ['Make this image more memorable.', 'Make this picture unforgettable.', cues('striking', 2)],
    ['Make this image feel like a celebration.', 'Make this picture feel festive.', cues('festive', 2)],
    ['Make this image tell a bedtime story.', 'Make this picture feel like a bedtime story.', cues('bedtime', 2)],
    ['Make this image feel lonely.', 'Make this picture convey loneliness.', cues('lonely', 2)],
    ['Make this image feel like a winter holiday.', 'Make this picture feel like a winter festival.', all(cues('wintry'), cues('festive'))],
    ['Make this image feel like a horror movie poster.', 'Make this picture look like a horror film poster.', cues('horror', 2)],
    ['Make this image feel peaceful.', 'Make this picture convey peace.', cues('peaceful', 2)],
    ['Make this image feel heroic.', 'Make this picture convey heroism.', cues('heroic', 2)],
    ['Make this image feel like a dream.', 'Make this picture dreamlike.', cues('dreamy', 2)],
    ['Make this image feel like a summer day.', 'Make this picture feel like summer.', cues('summer', 2)],
  ],
};

const OOD: Record<Category, Row[]> = {
  material: [
    ['Transform it so it is made of polished mahogany wood.', 'Make it out of polished mahogany.', all(is('material', 'wood'), is('colour', 'red', 'brown'))],
    ['Carve it from white marble.', 'Make it a white marble sculpture.', all(is('material', 'stone'), is('colour', 'white'))],
    ['Cast it in bronze.', 'Make it a bronze casting.', all(is('material', 'metal'), is('colour', 'orange', 'brown', 'yellow'))],
    ['Make it out of frosted sea glass.', 'Turn it into sea glass.', all(is('material', 'glass'), is('colour', 'green', 'blue'))],
  ],
  perspective: [
    ['Render it in the style of 8-bit retro pixel art.', 'Make it 8-bit pixel art.', is('style', 'pixel')],
    ['Make it look like a sprite from an old video game.', 'Show it as a retro game sprite.', is('style', 'pixel')],
    ['Show it as a low-resolution mosaic of square blocks.', 'Make it a blocky low-resolution mosaic.', is('style', 'pixel')],
  ],
  semantic: [
    ['Transform the object into a die-cut sticker with a white border.', 'Make it a die-cut sticker.', is('style', 'sticker')],
    ['Give it a pair of devil horns.', 'Add devil horns to it.', is('accessory', 'horns')],
    ['Give it sharp vampire fangs.', 'Add vampire fangs.', is('mouth', 'fangs')],
  ],
  attribute: [
    ['Give it a rugged, heavy industrial aesthetic.', 'Make it look rugged and industrial.', all(is('material', 'metal', 'stone'), cues('industrial', 2))],
    ['Make it look delicate and fragile.', 'Make it appear fragile.', cues('fragile', 2)],
    ['Make it look futuristic and high-tech.', 'Give it a futuristic look.', cues('futuristic', 2)],
    ['Make it look like it belongs in a fairy tale.', 'Give it a fairy-tale look.', cues('fairytale', 2)],
  ],
  constraint: [
    ['Render it as cheap plastic, yet make it appear precious and luxurious.', 'Make it cheap plastic but luxurious.', all(is('material', 'plastic'), cues('luxurious'))],
    ['Make it look frozen, yet burning.', 'Make it frozen but on fire.', all(cues('wintry'), cues('fiery'))],
    ['Make it look old-fashioned, yet futuristic.', 'Make it old-fashioned but futuristic.', all(cues('oldfashioned'), cues('futuristic'))],
    ['Make it look calm, yet full of energy.', 'Make it calm but energetic.', all(cues('calm'), cues('energetic'))],
  ],
  conceptual: [
    ['Make this image convey a sense of impending danger.', 'Make this picture feel dangerous.', all(is('background', 'storm', 'flames'), cues('danger', 2))],
    ['Make this image feel triumphant.', 'Make this picture convey triumph.', cues('triumphant', 2)],
    ['Make this image feel mysterious.', 'Make this picture mysterious.', cues('mysterious', 2)],
    ['Make this image feel nostalgic.', 'Make this picture nostalgic.', cues('nostalgic', 2)],
  ],
};

function build(table: Record<Category, Row[]>, split: Split): Instruction[] {
  return CATEGORIES.flatMap((category) =>
    table[category].map(([text, paraphrase, rule], i) => ({
      id: `${split}-${category}-${String(i + 1).padStart(2, '0')}`,
      text,
      paraphrases: [paraphrase],
      category,
      difficulty: CATEGORY_DIFFICULTY[category],
      split,
      rule,
    })),
  );
}

export const TRAIN_INSTRUCTIONS: readonly Instruction[] = build(ID, 'id');
export const OOD_INSTRUCTIONS: readonly Instruction[] = build(OOD, 'ood');
export const ALL_INSTRUCTIONS: readonly Instruction[] = [...TRAIN_INSTRUCTIONS, ...OOD_INSTRUCTIONS];

const BY_TEXT = new Map<string, Instruction>();
for (const ins of ALL_INSTRUCTIONS) for (const t of [ins.text, ...ins.paraphrases]) BY_TEXT.set(normalise(t), ins);

/** Look an instruction up by its text or any paraphrase (case and spacing insensitive). */
export function findInstruction(text: string): Instruction | undefined {
  return BY_TEXT.get(normalise(text));
}

/** The instruction's paraphrase (a wording no pretraining task shows), or `text` itself when no instruction has it. */
export function paraphraseOf(text: string): string {
  return findInstruction(text)?.paraphrases[0] ?? text;
}

export function instructionById(id: string): Instruction | undefined {
  return ALL_INSTRUCTIONS.find((ins) => ins.id === id);
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
