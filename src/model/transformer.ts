/**
 * SEER-Mini's backbone: an early-fusion decoder-only transformer (Chameleon / Janus family) over
 * one vocabulary of text tokens followed by image codes. Pre-norm blocks (LayerNorm), learned
 * positions, GELU(tanh) MLP, and an *untied* output head: tying would make the generation group's
 * head rows and input rows one tensor, and the understanding group's text rows would then also
 * steer image-code logits. Written on the libtorch engine (src/engine/torch.ts).
 * Departs from Harmon (the paper's UMM): no separate MAR image decoder; image codes are sampled
 * autoregressively from the same head (Chameleon style), at a few hundred thousand parameters.
 *
 * Parameter groups (paper §3.1 freezes generation parameters θ_gen and trains θ_und): the image-code
 * embedding rows and image-code output-head columns are the *generation* group — frozen during
 * SEER — and everything else (text embeddings, positions, every block, the text head) is the
 * *understanding/reasoning* group. The blocks are shared by both modes, as in any early-fusion UMM,
 * so training θ_und can still move generation: we measure that drift (Table 4 analogue).
 * `parameterGroups()` lists both; `setFrozen(['generation'])` is the paper's setting.
 *
 * Sampling lives in ./sampling.ts, per-token log-probs and entropy in ./logprobs.ts.
 */
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import { T, gradEnabled, noGrad, tidy, type FloatDtype, type KeyPart, type Tensor } from '../engine/torch.ts';

export const transformerConfigSchema = z.object({
  textVocab: z.number().int().positive().describe('text tokens: ids 0..textVocab−1, set by the trained text tokenizer'),
  imageVocab: z.number().int().positive().describe('image codes: ids textVocab.., set by the frozen image tokenizer (VQ codebook size)'),
  dModel: z.number().int().positive().default(128).describe('width, the one knob that sets the size: d128 learnt the feasibility task in ~6 min on 2 cores; d192 was no better per minute'),
  nLayers: z.number().int().positive().default(4).describe('decoder blocks: 4, as in the feasibility run'),
  nHeads: z.number().int().positive().default(4).describe('attention heads: 4 heads of 32 at d128; must divide dModel'),
  contextLength: z.number().int().positive().default(256).describe('longest sequence: a judge prompt (two 64-code images + instruction + prompt) and its answer fit in 256'),
  mlpRatio: z.number().int().positive().default(4).describe('MLP hidden width / dModel: 4, the usual GPT ratio'),
  seed: z.number().int().default(0).describe('initialisation seed (weights are drawn from src/core/rng.ts, not libtorch)'),
});
export type TransformerConfig = z.infer<typeof transformerConfigSchema>;

export type ParameterGroup = 'generation' | 'understanding';
export const PARAMETER_GROUPS: readonly ParameterGroup[] = ['generation', 'understanding'];

export interface ParameterGroupInfo {
  name: ParameterGroup;
  parameters: NamedParameter[];
  frozen: boolean;
}

export interface NamedParameter {
  name: string;
  group: ParameterGroup;
  tensor: Tensor;
}

interface Block {
  ln1w: Tensor; ln1b: Tensor; qkvW: Tensor; qkvB: Tensor; projW: Tensor; projB: Tensor;
  ln2w: Tensor; ln2b: Tensor; fcW: Tensor; fcB: Tensor; outW: Tensor; outB: Tensor;
}

/** Per-layer key/value cache: [B, H, T_cached, headDim] each. */
export interface KvCache {
  keys: Tensor[];
  values: Tensor[];
  length: number;
  /**
   * Set when `keys`/`values` are buffers [B, H, capacity, hd] whose first `length` positions are
   * filled (decoding, no autograd): a step writes its keys in place instead of concatenating a
   * copy of the whole cache per layer (~26 MB a step for 32 judge contexts of 200 tokens).
   */
  capacity?: number;
  /**
   * Shared prefixes (decoding G completions of each of P contexts): the P prefixes' keys and values
   * [P, H, T_prefix, hd] per layer, kept once, and their key padding [P, T_prefix] (true = pad).
   * Row b of the batch continues prefix ⌊b / groupSize⌋; `keys`/`values` then hold only the rows'
   * own tokens after it, so a decoding step neither copies nor re-reads the prefix per row.
   */
  prefix?: SharedPrefix;
}

export interface SharedPrefix {
  keys: Tensor[];
  values: Tensor[];
  keyPad: Tensor;
  groupSize: number;
}

/**
 * The input table [V, d] and output head [d, V] of both parameter groups, concatenated once. A
 * caller that runs many forward passes without an optimizer step in between (sampling) passes them
 * to `hidden` and `head` instead of concatenating ~0.7 ms of weights per decoding step.
 */
export interface JoinedWeights {
  table: Tensor;
  head: Tensor;
}

export class Transformer {
  readonly config: TransformerConfig;
  readonly parameters: NamedParameter[] = [];
  private readonly textEmb: Tensor;
  private readonly imageEmb: Tensor;
  private readonly posEmb: Tensor;
  private readonly blocks: Block[] = [];
  private readonly lnFw: Tensor;
  private readonly lnFb: Tensor;
  private readonly textHead: Tensor;
  private readonly imageHead: Tensor;
  private readonly frozen = new Set<ParameterGroup>();

  /** `dtype: 'float64'` is for gradient checks; training and sampling use float32. */
  constructor(input: z.input<typeof transformerConfigSchema>, options: { dtype?: FloatDtype } = {}) {
    const config = transformerConfigSchema.parse(input);
    if (config.dModel % config.nHeads !== 0) throw new SeerError('bad_config', `dModel ${config.dModel} is not divisible by nHeads ${config.nHeads}`);
    this.config = config;
    const rng = new Rng(config.seed);
    const d = config.dModel;
    const param = (name: string, shape: number[], std: number, group: ParameterGroup = 'understanding', fill?: number): Tensor => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = fill ?? rng.normal() * std;
      const tensor = options.dtype === 'float64' ? tidy(() => T.cast(T.fromFloat32(data, shape), 'float64')) : T.fromFloat32(data, shape);
      tensor.setRequiresGrad(true);
      this.parameters.push({ name, group, tensor });
      return tensor;
    };
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayers);
    this.textEmb = param('text_embedding', [config.textVocab, d], 0.02);
    this.imageEmb = param('image_embedding', [config.imageVocab, d], 0.02, 'generation');
    this.posEmb = param('position_embedding', [config.contextLength, d], 0.01);
    for (let l = 0; l < config.nLayers; l++) {
      const h = config.mlpRatio * d;
      this.blocks.push({
        ln1w: param(`h${l}.ln1.w`, [d], 0, 'understanding', 1), ln1b: param(`h${l}.ln1.b`, [d], 0, 'understanding', 0),
        qkvW: param(`h${l}.qkv.w`, [d, 3 * d], 0.02), qkvB: param(`h${l}.qkv.b`, [3 * d], 0, 'understanding', 0),
        projW: param(`h${l}.proj.w`, [d, d], residualStd), projB: param(`h${l}.proj.b`, [d], 0, 'understanding', 0),
        ln2w: param(`h${l}.ln2.w`, [d], 0, 'understanding', 1), ln2b: param(`h${l}.ln2.b`, [d], 0, 'understanding', 0),
        fcW: param(`h${l}.fc.w`, [d, h], 0.02), fcB: param(`h${l}.fc.b`, [h], 0, 'understanding', 0),
        outW: param(`h${l}.out.w`, [h, d], residualStd), outB: param(`h${l}.out.b`, [d], 0, 'understanding', 0),
      });
    }
    this.lnFw = param('ln_f.w', [d], 0, 'understanding', 1);
    this.lnFb = param('ln_f.b', [d], 0, 'understanding', 0);
    this.textHead = param('text_head', [d, config.textVocab], 0.02);
    this.imageHead = param('image_head', [d, config.imageVocab], 0.02, 'generation');
  }

  get vocabSize(): number {
    return this.config.textVocab + this.config.imageVocab;
  }

  parameterCount(group?: ParameterGroup): number {
    return this.parameters.filter((p) => !group || p.group === group).reduce((s, p) => s + p.tensor.shape().reduce((a, b) => a * b, 1), 0);
  }

  /** Both groups with their parameters and whether they are frozen. */
  parameterGroups(): ParameterGroupInfo[] {
    return PARAMETER_GROUPS.map((name) => ({ name, parameters: this.parameters.filter((p) => p.group === name), frozen: this.frozen.has(name) }));
  }

  /**
   * Freeze exactly `groups` and unfreeze the rest: frozen tensors stop requiring gradients and lose
   * any gradient they hold, so an optimizer step leaves them bit-identical (no update, no decay).
   */
  setFrozen(groups: readonly ParameterGroup[]): void {
    this.frozen.clear();
    for (const g of groups) this.frozen.add(g);
    for (const p of this.parameters) {
      const frozen = this.frozen.has(p.group);
      p.tensor.setRequiresGrad(!frozen);
      if (frozen) p.tensor.clearGrad();
    }
  }

  /** Tensors of the groups that are not frozen (what an optimizer should get). */
  trainableParameters(): Tensor[] {
    return this.parameters.filter((p) => !this.frozen.has(p.group)).map((p) => p.tensor);
  }

  /**
   * Logits for token ids [B, T] at positions [B, T]. `keyPad` [B, T_keys] marks padded keys (left
   * padding during sampling). With `cache`, the new keys/values are appended (KV-cache decoding).
   */
  forward(ids: Tensor, positions: Tensor, options: { cache?: KvCache; keyPad?: Tensor } = {}): Tensor {
    return this.head(this.hidden(ids, positions, options)); // [B, T, V]
  }

  /** The output head: logits [..., V] of final hidden states [..., d]. */
  head(hidden: Tensor, joined?: JoinedWeights): Tensor {
    return T.matmul(hidden, joined?.head ?? T.cat([this.textHead, this.imageHead], 1)); // [..., V]
  }

  /** The weights `hidden` and `head` concatenate per call, concatenated once (valid until the next update). */
  joinedWeights(): JoinedWeights {
    return { table: T.cat([this.textEmb, this.imageEmb], 0), head: T.cat([this.textHead, this.imageHead], 1) }; // [V, d], [d, V]
  }

  /**
   * `forward` without the output head: the final-LayerNorm hidden states [B, T, d], so a caller
   * that scores only some positions runs the head (d × V per position) only there.
   */
  hidden(ids: Tensor, positions: Tensor, options: { cache?: KvCache; keyPad?: Tensor; joined?: JoinedWeights } = {}): Tensor {
    const { nHeads, dModel } = this.config;
    const headDim = dModel / nHeads;
    const [B, Tq] = ids.shape() as [number, number];
    const table = options.joined?.table ?? T.cat([this.textEmb, this.imageEmb], 0); // [V, d]
    let x = T.add(T.embedding(table, ids), T.embedding(this.posEmb, positions)); // [B, T, d]
    const past = options.cache?.length ?? 0;
    const Tk = past + Tq;
    const prefix = options.cache?.prefix;
    // One query per row and no gradient (a decoding step): the addon's fused kernel, which needs no mask tensor.
    const fused = Tq === 1 && !gradEnabled();
    let mask = fused ? null : T.reshape(T.causalMask(Tq, Tk), [1, 1, Tq, Tk]); // true = blocked (with a shared prefix: among the rows' own tokens)
    if (mask && options.keyPad && !prefix) mask = T.toBool(T.add(mask, T.reshape(options.keyPad, [B, 1, 1, Tk])));
    const cache = options.cache;
    if (cache?.capacity !== undefined && Tk > cache.capacity) throw new RangeError(`KV cache of ${cache.capacity} positions cannot hold ${Tk}`);
    this.blocks.forEach((blk, l) => {
      const h = T.layerNorm(x, blk.ln1w, blk.ln1b, 1e-5);
      const qkv = T.linear(h, blk.qkvW, blk.qkvB); // [B, T, 3d]
      if (fused && cache?.capacity !== undefined) {
        // A decoding step into the cache's buffers: one addon call caches the token and attends.
        const y = T.cacheAndAttend(qkv, cache.keys[l] as Tensor, cache.values[l] as Tensor, past, prefix ? null : options.keyPad, prefix ? sharedPart(prefix, l) : null); // [B, 1, d]
        x = this.blockRest(blk, x, y);
        return;
      }
      const split = (k: number) => T.permute(T.reshape(T.narrow(qkv, 2, k * dModel, dModel), [B, Tq, nHeads, headDim]), [0, 2, 1, 3]); // [B, H, T, hd]
      const q = split(0);
      let k = split(1);
      let v = split(2);
      if (cache?.capacity !== undefined) {
        T.narrow(cache.keys[l] as Tensor, 2, past, Tq).copyFrom(k);
        T.narrow(cache.values[l] as Tensor, 2, past, Tq).copyFrom(v);
        k = T.narrow(cache.keys[l] as Tensor, 2, 0, Tk); // [B, H, Tk, hd] views of the buffers
        v = T.narrow(cache.values[l] as Tensor, 2, 0, Tk);
      } else if (cache) {
        if (past > 0) {
          k = T.cat([cache.keys[l] as Tensor, k], 2);
          v = T.cat([cache.values[l] as Tensor, v], 2);
        }
        cache.keys[l] = k;
        cache.values[l] = v;
      }
      const attended = !mask ? attendDecoding(q, k, v, Tk, options.keyPad, prefix, l) : prefix ? attendWithPrefix(q, k, v, mask, prefix, l) : attend(q, k, v, mask); // [B, H, Tq, hd]
      x = this.blockRest(blk, x, T.reshape(T.permute(attended, [0, 2, 1, 3]), [B, Tq, dModel])); // [B, T, d]
    });
    if (options.cache) options.cache.length = Tk;
    return T.layerNorm(x, this.lnFw, this.lnFb, 1e-5); // [B, T, d]
  }

  /** A block after its attention `y` [B, T, d]: output projection and residual, then the MLP and residual. */
  private blockRest(blk: Block, x: Tensor, y: Tensor): Tensor {
    const mid = T.add(x, T.linear(y, blk.projW, blk.projB)); // [B, T, d]
    const h2 = T.layerNorm(mid, blk.ln2w, blk.ln2b, 1e-5);
    return T.add(mid, T.linear(T.gelu(T.linear(h2, blk.fcW, blk.fcB)), blk.outW, blk.outB)); // [B, T, 4d] → [B, T, d]
  }

  /** Export weights by name (for checkpoints). */
  exportWeights(): Map<string, { shape: number[]; data: Float32Array }> {
    return new Map(this.parameters.map((p) => [p.name, { shape: p.tensor.shape(), data: p.tensor.toFloat32() }]));
  }

  importWeights(weights: Map<string, { shape: number[]; data: Float32Array }>): void {
    noGrad(() =>
      tidy(() => {
        for (const p of this.parameters) {
          const w = weights.get(p.name);
          if (!w) throw new SeerError('bad_file', `checkpoint has no tensor "${p.name}"`);
          if (w.shape.join() !== p.tensor.shape().join()) throw new SeerError('bad_file', `checkpoint tensor "${p.name}" is ${w.shape.join('×')}, the model needs ${p.tensor.shape().join('×')}`);
          p.tensor.copyFrom(T.fromFloat32(w.data, w.shape));
        }
      }),
    );
  }
}

/** Scaled dot-product attention: q [B, H, Tq, hd], k and v [B, H, Tk, hd], `mask` broadcastable to [B, H, Tq, Tk] (true = blocked). */
function attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor): Tensor {
  const hd = q.shape()[3] as number;
  const scores = T.mulScalar(T.matmul(q, T.transpose(k, 2, 3)), 1 / Math.sqrt(hd)); // [B, H, Tq, Tk]
  return T.matmul(T.softmax(T.maskedFill(scores, mask, -1e9), -1), v); // [B, H, Tq, hd]
}

/**
 * Attention of rows that continue shared prefixes (`KvCache.prefix`): one softmax over the row's
 * prefix keys and its own keys, computed as two products — the prefix part per group, with the G
 * rows' queries stacked against the one copy of the prefix — instead of over a per-row copy.
 * q, k, v: [B, H, Tq|Ts, hd]; `ownMask` [1, 1, Tq, Ts] (true = blocked). Returns [B, H, Tq, hd].
 */
function attendWithPrefix(q: Tensor, k: Tensor, v: Tensor, ownMask: Tensor, prefix: SharedPrefix, layer: number): Tensor {
  const [B, H, Tq, hd] = q.shape() as [number, number, number, number];
  const G = prefix.groupSize;
  const P = B / G;
  const pk = prefix.keys[layer] as Tensor; // [P, H, Tp, hd]
  const pv = prefix.values[layer] as Tensor; // [P, H, Tp, hd]
  const Tp = pk.shape()[2] as number;
  const Ts = k.shape()[2] as number;
  const scale = 1 / Math.sqrt(hd);
  const toGroups = (x: Tensor, last: number) => T.reshape(T.permute(T.reshape(x, [P, G, H, Tq, last]), [0, 2, 1, 3, 4]), [P, H, G * Tq, last]); // [B, H, Tq, ·] → [P, H, G·Tq, ·]
  const fromGroups = (x: Tensor, last: number) => T.reshape(T.permute(T.reshape(x, [P, H, G, Tq, last]), [0, 2, 1, 3, 4]), [B, H, Tq, last]); // inverse
  const prefixScores = T.maskedFill(T.mulScalar(T.matmul(toGroups(q, hd), T.transpose(pk, 2, 3)), scale), T.reshape(prefix.keyPad, [P, 1, 1, Tp]), -1e9); // [P, H, G·Tq, Tp]
  const ownScores = T.maskedFill(T.mulScalar(T.matmul(q, T.transpose(k, 2, 3)), scale), ownMask, -1e9); // [B, H, Tq, Ts]
  const att = T.softmax(T.cat([fromGroups(prefixScores, Tp), ownScores], 3), -1); // [B, H, Tq, Tp + Ts]
  const fromPrefix = fromGroups(T.matmul(toGroups(T.narrow(att, 3, 0, Tp), Tp), pv), hd); // [B, H, Tq, hd]
  const ownAtt = T.narrow(att, 3, Tp, Ts); // [B, H, Tq, Ts]
  return T.add(fromPrefix, T.matmul(ownAtt, v)); // [B, H, Tq, hd]
}

/**
 * Attention of one query per row without autograd (a decoding step), by the addon's fused kernel
 * (native/src/attention.h): the row's cached keys `k`/`v` [B, H, Tk, hd] (`keyPad` [B, ≥ Tk]
 * masking pads), or with a shared prefix its group's prefix keys then its own. Measured per layer
 * at B 32, H 4, hd 32 over 200 keys, 1 thread: 1.4–2.3 ms through libtorch (a batched product for
 * the scores, masked fill, softmax, a second product for the values) against 0.26–0.29 ms fused
 * (docs/engine.md). Decoding into the cache's buffers goes through `T.cacheAndAttend`, the same
 * kernel with the cache write. q [B, H, 1, hd]; returns [B, H, 1, hd].
 */
function attendDecoding(q: Tensor, k: Tensor, v: Tensor, Tk: number, keyPad: Tensor | undefined, prefix: SharedPrefix | undefined, layer: number): Tensor {
  const own: KeyPart = { keys: k, values: v, length: Tk, group: 1, ...(keyPad && !prefix ? { pad: keyPad } : {}) }; // with a prefix, Tk counts the row's own tokens
  return T.attendOneQuery(q, prefix ? [sharedPart(prefix, layer), own] : [own]);
}

/** Layer `layer` of a shared prefix as a key part of the fused kernel: row b reads prefix ⌊b / groupSize⌋. */
function sharedPart(prefix: SharedPrefix, layer: number): KeyPart {
  const keys = prefix.keys[layer] as Tensor; // [P, H, T_prefix, hd]
  return { keys, values: prefix.values[layer] as Tensor, length: keys.shape()[2] as number, group: prefix.groupSize, pad: prefix.keyPad };
}
