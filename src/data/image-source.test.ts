import { describe } from 'vitest';
import { RendererSource } from './image-source.ts';
import { generatorConformance } from '../world/roles.conformance.ts';

describe('RendererSource', () => {
  generatorConformance(() => new RendererSource(32));
});
