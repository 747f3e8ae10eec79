/**
 * The oracle judge: stands in for the paper's human raters (A.2). It answers the paper's question —
 * which of two images better satisfies instruction i while preserving subject p? — from the
 * attributes its own detector sees and the instruction's satisfaction rule.
 */
import { SeerError } from '../core/errors.ts';
import type { RgbImage } from '../image/image.ts';
import type { JudgeAnswer, JudgeQuery, PairwiseJudge, Verdict } from '../roles/roles.ts';
import { findInstruction, type Instruction } from '../world/instructions.ts';
import { evaluateRule, type Rule } from '../world/rules.ts';
import { parseCaption } from '../world/grammar.ts';
import { ATTRIBUTES, type SceneSpec, type Subject } from '../world/spec.ts';
import { HEAD_CLASSES, shippedDetector, type AttributeDetector, type Detection } from './detector.ts';

export interface ImageAssessment {
  detected: SceneSpec;
  /** Graded instruction compliance in [0, 1] (0 when the subject is lost). */
  compliance: number;
  satisfied: boolean;
  /** Probability the detector gives to the prompt's subject. */
  consistency: number;
  subjectKept: boolean;
  /** Mean detector confidence: low for garbled, ambiguous images. */
  quality: number;
  /** Holistic score the pairwise verdict compares (paper Eq. 1's three dimensions fused). */
  score: number;
}

/** Scores closer than this are a tie. */
export const TIE_MARGIN = 0.05;

export class OracleJudge implements PairwiseJudge {
  readonly name = 'oracle';
  private readonly detector: AttributeDetector;

  constructor(detector: AttributeDetector = shippedDetector()) {
    this.detector = detector;
  }

  detect(images: readonly RgbImage[]): Detection[] {
    return this.detector.detect(images);
  }

  /** Assess images against a rule (or no rule: plain prompt following) and a subject. */
  assess(images: readonly RgbImage[], rule: Rule | null, subject: Subject | null): ImageAssessment[] {
    return this.detect(images).map((d) => assessDetection(d, rule, subject));
  }

  async judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]> {
    return queries.map((q) => {
      const { rule, subject } = resolveQuery(q.instruction, q.prompt);
      const [a, b] = this.assess([q.imageA, q.imageB], rule, subject) as [ImageAssessment, ImageAssessment];
      return verdictOf(a, b);
    });
  }
}

export function verdictOf(a: ImageAssessment, b: ImageAssessment): JudgeAnswer {
  const diff = a.score - b.score;
  const verdict: Verdict = Math.abs(diff) < TIE_MARGIN ? 'tie' : diff > 0 ? 'A' : 'B';
  return {
    verdict,
    probabilityA: 1 / (1 + Math.exp(-diff * 10)),
    reasoning: `A: compliance ${a.compliance.toFixed(2)}, subject ${a.subjectKept ? 'kept' : 'lost'}; B: compliance ${b.compliance.toFixed(2)}, subject ${b.subjectKept ? 'kept' : 'lost'}`,
  };
}

export function assessDetection(d: Detection, rule: Rule | null, subject: Subject | null): ImageAssessment {
  const subjectIndex = HEAD_CLASSES.subject.indexOf(subject);
  const consistency = subjectIndex >= 0 ? (d.probs.subject[subjectIndex] ?? 0) : 0;
  const subjectKept = d.spec.subject === subject;
  const ruleResult = rule ? evaluateRule(rule, d.spec) : { satisfied: true, score: 1 };
  const compliance = subjectKept ? ruleResult.score : 0;
  const quality = ATTRIBUTES.reduce((s, a) => s + d.confidence[a], 0) / ATTRIBUTES.length;
  const score = subjectKept ? 0.15 + 0.75 * compliance + 0.1 * quality : 0.1 * quality;
  return { detected: d.spec, compliance, satisfied: subjectKept && ruleResult.satisfied, consistency, subjectKept, quality, score };
}

/** The rule of a known instruction (text or paraphrase) and the subject of a prompt. */
export function resolveQuery(instruction: string, prompt: string): { rule: Rule | null; subject: Subject | null; instruction?: Instruction } {
  const subject = parseCaption(prompt).spec.subject;
  if (instruction.trim() === '') return { rule: null, subject };
  const found = findInstruction(instruction);
  if (!found) {
    throw new SeerError('bad_input', `the oracle has no satisfaction rule for the instruction "${instruction}"; it knows the VIE catalogue (see src/world/instructions.ts)`);
  }
  return { rule: found.rule, subject, instruction: found };
}
