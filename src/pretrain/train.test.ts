import { describe, expect, it } from 'vitest';
import { RECIPES, pretrainRecipeSchema } from './train.ts';

describe('pretraining recipes', () => {
  it('every recipe parses, and every continuation needs --init', () => {
    for (const [name, recipe] of Object.entries(RECIPES)) {
      const parsed = pretrainRecipeSchema.parse(recipe);
      expect(parsed.name).toBe(name);
      expect(parsed.init).toBe(name !== 'default' && name !== 'tiny');
    }
  });

  it('the caption-focus continuations put their share of steps on captions, the rest in the caption-checks focus proportions', () => {
    const focus = pretrainRecipeSchema.parse(RECIPES['caption-checks-focus']).mix;
    for (const [name, caption] of [['caption-focus', 0.3], ['caption-focus-most', 0.5]] as const) {
      const recipe = pretrainRecipeSchema.parse(RECIPES[name]);
      const weights = Object.values(recipe.mix);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(recipe.mix.caption).toBe(caption);
      // Every other task keeps its ratio to caption checks.
      for (const task of ['t2i', 'vqa', 'knowledge', 'judge_format', 'reprompt_format'] as const) {
        expect(recipe.mix[task]! / recipe.mix.caption_check!).toBeCloseTo(focus[task]! / focus.caption_check!, 12);
      }
      expect(recipe.judgeDescriptions).toBe('read');
      expect(recipe.steps).toBe(1500);
    }
  });

  it.each([
    ['reprompt-focus', 0.25],
    ['reprompt-light', 0.12],
    ['reprompt-carried', 0.12],
    ['reprompt-carried-half', 0.12],
  ] as const)('%s puts %f of the steps on the reprompt format, the rest in the caption-focus proportions', (name, share) => {
    const focus = pretrainRecipeSchema.parse(RECIPES['caption-focus']).mix;
    const recipe = pretrainRecipeSchema.parse(RECIPES[name]);
    expect(Object.values(recipe.mix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(recipe.mix.reprompt_format).toBe(share);
    for (const task of ['t2i', 'caption', 'vqa', 'knowledge', 'judge_format'] as const) {
      expect(recipe.mix[task]! / recipe.mix.caption_check!).toBeCloseTo(focus[task]! / focus.caption_check!, 12);
    }
    expect(recipe.steps).toBe(1500);
  });

  it('carried-wordings is reprompt-carried for 1000 steps with half of the instruction checks in fresh wordings', () => {
    const carried = pretrainRecipeSchema.parse(RECIPES['reprompt-carried']);
    const recipe = pretrainRecipeSchema.parse(RECIPES['carried-wordings']);
    expect(recipe.mix).toEqual(carried.mix);
    expect(recipe.repromptCarried).toBe(carried.repromptCarried);
    expect(recipe.steps).toBe(1000);
    expect(recipe.checks.wordings).toBe(0.5);
    expect(carried.checks.wordings).toBe(0);
  });

  it('the knowledge-checks recipes are carried-wordings with a share of the instruction checks from the knowledge corpus', () => {
    const wordings = pretrainRecipeSchema.parse(RECIPES['carried-wordings']);
    expect(wordings.checks.knowledge).toBe(0);
    for (const [name, share] of [['knowledge-checks', 0.33], ['knowledge-checks-most', 0.67]] as const) {
      const recipe = pretrainRecipeSchema.parse(RECIPES[name]);
      expect({ ...recipe, name: wordings.name, checks: { ...recipe.checks, knowledge: 0 } }).toEqual(wordings);
      expect(recipe.checks.knowledge).toBe(share);
    }
  });
});
