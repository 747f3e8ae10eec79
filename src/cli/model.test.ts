import { describe, expect, it } from 'vitest';
import { RECIPES } from '../pretrain/train.ts';
import { buildProgram } from './main.ts';

describe('seer pretrain', () => {
  it('names every pretraining recipe in its --recipe help', () => {
    const pretrain = buildProgram().commands.find((c) => c.name() === 'pretrain')!;
    const help = pretrain.options.find((o) => o.long === '--recipe')!.description;
    const listed = help.replace(/\(.*\)/, '').split('|').map((name) => name.trim());
    expect(listed.sort()).toEqual(Object.keys(RECIPES).sort());
  });
});
