/**
 * The concrete descriptor language: a one-to-one map between SceneSpecs and canonical captions
 * ("a red wooden cat with a golden crown, big eyes and fangs, pixel art, at night"). This is what
 * the generator is taught, i.e. its generative priors. `parseCaption` reads any text by spotting
 * descriptor phrases (longest first), so a reprompt in free word order still maps to a spec, and
 * it reports the words it did not know — a reprompt full of unknown words is "eloquent but
 * unrealisable" (the paper's representation mismatch).
 */
import {
  ACCESSORIES, BACKGROUNDS, COLOURS, DEFAULT_COLOUR, EYES, MATERIALS, MOUTHS, STYLES, SUBJECTS,
  type Accessory, type Background, type Colour, type Eyes, type Material, type Mouth, type SceneSpec, type Style, type Subject,
  defaultSpec,
} from './spec.ts';

export const MATERIAL_WORDS: Record<Material, string> = {
  plain: '', wood: 'wooden', stone: 'stone', ice: 'ice', metal: 'metal', glass: 'glass', plush: 'plush', plastic: 'plastic',
};
export const ACCESSORY_WORDS: Record<Accessory, string> = {
  none: '', crown: 'a golden crown', tophat: 'a top hat', halo: 'a halo', horns: 'horns', bow: 'a pink bow',
};
export const EYES_WORDS: Record<Eyes, string> = { none: '', dots: 'dot eyes', big: 'big eyes', red: 'red eyes', angry: 'angry eyes' };
export const MOUTH_WORDS: Record<Mouth, string> = { none: '', smile: 'a smile', fangs: 'fangs' };
export const STYLE_WORDS: Record<Style, string> = {
  normal: '', pixel: 'pixel art', surveillance: 'surveillance footage', sketch: 'pencil sketch', sticker: 'sticker', closeup: 'close-up',
};
export const BACKGROUND_WORDS: Record<Background, string> = {
  plain: '', night: 'at night', storm: 'in a storm', sparkles: 'among sparkles', fog: 'in fog', sunset: 'at sunset', snow: 'in snow',
  flames: 'in flames',
};
export const BLUSH_WORD = 'blush';

/** Canonical caption of a spec. Every family is spelled out except defaults (plain, none, normal). */
export function captionOf(spec: SceneSpec): string {
  if (!spec.subject) return `an empty scene${tail(spec)}`;
  const head = [spec.colour, MATERIAL_WORDS[spec.material], spec.subject].filter(Boolean).join(' ');
  const withParts = [ACCESSORY_WORDS[spec.accessory], EYES_WORDS[spec.eyes], MOUTH_WORDS[spec.mouth], spec.blush ? BLUSH_WORD : '']
    .filter(Boolean);
  let text = `${article(head)} ${head}`;
  if (withParts.length) text += ` with ${joinList(withParts)}`;
  return text + tail(spec);
}

function tail(spec: SceneSpec): string {
  return [STYLE_WORDS[spec.style], BACKGROUND_WORDS[spec.background]].filter(Boolean).map((part) => `, ${part}`).join('');
}

/** The indefinite article a word takes ("an icy", "a cold"). */
export function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function joinList(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

type Setter = (spec: SceneSpec) => void;
interface Phrase {
  words: string[];
  set: Setter;
}

/** Every phrase of the language with the slot it sets, longest first so "red eyes" beats "red". */
const PHRASES: Phrase[] = (() => {
  const list: Phrase[] = [];
  const add = (text: string, set: Setter) => {
    if (text) list.push({ words: tokenize(text), set });
  };
  for (const m of MATERIALS) add(MATERIAL_WORDS[m], (s) => (s.material = m));
  for (const a of ACCESSORIES) {
    add(ACCESSORY_WORDS[a], (s) => (s.accessory = a));
    if (a !== 'none') add(ACCESSORY_WORDS[a].replace(/^a /, ''), (s) => (s.accessory = a));
  }
  for (const e of EYES) add(EYES_WORDS[e], (s) => (s.eyes = e));
  for (const m of MOUTHS) {
    add(MOUTH_WORDS[m], (s) => (s.mouth = m));
    if (m !== 'none') add(MOUTH_WORDS[m].replace(/^a /, ''), (s) => (s.mouth = m));
  }
  for (const st of STYLES) add(STYLE_WORDS[st], (s) => (s.style = st));
  for (const b of BACKGROUNDS) add(BACKGROUND_WORDS[b], (s) => (s.background = b));
  add(BLUSH_WORD, (s) => (s.blush = true));
  return list.sort((a, b) => b.words.length - a.words.length);
})();

const SUBJECT_SET = new Set<string>(SUBJECTS);
const FILLER = new Set(['a', 'an', 'the', 'with', 'and', 'empty', 'scene']);

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\- ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

export interface ParsedCaption {
  spec: SceneSpec;
  /** Words that are neither descriptor phrases, subjects nor filler. */
  unknownWords: string[];
  /** How many descriptor phrases were recognised (subject included). */
  recognised: number;
}

/**
 * Read a caption (or any text) into a spec. The first subject noun names the subject; its usual
 * colour applies unless a colour word is present; absent families take their defaults.
 */
export function parseCaption(text: string): ParsedCaption {
  const tokens = tokenize(text);
  const used = new Array<boolean>(tokens.length).fill(false);
  const subjectIndex = tokens.findIndex((t) => SUBJECT_SET.has(t));
  const subject = subjectIndex >= 0 ? (tokens[subjectIndex] as Subject) : null;
  if (subjectIndex >= 0) used[subjectIndex] = true;
  const spec = defaultSpec(subject);
  let recognised = subject ? 1 : 0;
  for (const phrase of PHRASES) {
    for (let i = 0; i + phrase.words.length <= tokens.length; i++) {
      let match = true;
      for (let k = 0; k < phrase.words.length; k++) {
        if (used[i + k] || tokens[i + k] !== phrase.words[k]) {
          match = false;
          break;
        }
      }
      if (!match) continue;
      phrase.set(spec);
      for (let k = 0; k < phrase.words.length; k++) used[i + k] = true;
      recognised++;
    }
  }
  // Colour words left after the phrases (so "red eyes" is not a colour): the first one wins.
  let colourSet = false;
  tokens.forEach((token, i) => {
    if (used[i] || !isKnownColour(token)) return;
    if (!colourSet) spec.colour = token;
    colourSet = true;
    used[i] = true;
    recognised++;
  });
  if (subject && !colourSet) spec.colour = DEFAULT_COLOUR[subject];
  const unknownWords = tokens.filter((t, i) => !used[i] && !FILLER.has(t) && !SUBJECT_SET.has(t));
  return { spec, unknownWords, recognised };
}

export function isKnownColour(word: string): word is Colour {
  return (COLOURS as readonly string[]).includes(word);
}
