import { describe } from 'vitest';
import { policyModelConformance } from './policy-conformance.testkit.ts';
import { TabularPolicy } from './tabular-policy.testkit.ts';

describe('TabularPolicy conforms to PolicyModel', () => {
  policyModelConformance(() => ({ model: new TabularPolicy(6, 0, 1), contexts: [[1], [2], [3]], lr: 0.1 }));
});
