import { describe } from 'vitest';
import { RendererSource } from './image-source.ts';
import { generatorConformance } from '../roles/conformance.testkit.ts';

describe('RendererSource', () => {
  generatorConformance(() => new RendererSource(32));
});
