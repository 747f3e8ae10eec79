/**
 * The tensor engine: libtorch (PyTorch's C++ core, Debian's libtorch-dev 1.13, CPU) through our
 * small Node-API addon in native/. This file is the only one that loads the addon; the rest of
 * seer sees typed `Tensor`s and the ops below. Why libtorch: see docs/engine.md (measured).
 *
 * Memory: `tidy(fn)` disposes every tensor created inside `fn` except what `fn` returns, so
 * training loops keep a flat footprint; `dispose()` frees one tensor at once. A tensor nobody
 * disposed is freed when V8 collects its wrapper (each wrapper reports its bytes to V8, so that
 * happens promptly). Large blocks come from the addon's caching allocator (native/src/allocator.h):
 * `engine.memory()` reports live and cached bytes, `engine.emptyCache()` returns the cache.
 *
 * Shapes in comments are written `[B, T, d]`; dtypes are float32 unless said (ids are int64 inside
 * libtorch, created from Int32Array; float64 exists for gradient checks).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SeerError } from '../core/errors.ts';

export interface Tensor {
  shape(): number[];
  dtype(): string;
  toFloat32(): Float32Array;
  toFloat64(): Float64Array;
  toInt32(): Int32Array;
  item(): number;
  backward(grad?: Tensor): void;
  grad(): Tensor | null;
  zeroGrad(): void;
  /** Drop the gradient entirely (AdamW then skips the tensor: no update, no weight decay). */
  clearGrad(): void;
  setRequiresGrad(value: boolean): void;
  requiresGrad(): boolean;
  detach(): Tensor;
  clone(): Tensor;
  copyFrom(source: Tensor): void;
  dispose(): void;
  isDisposed(): boolean;
}

export interface AdamWGroup {
  params: Tensor[];
  lr: number;
  weightDecay: number;
}

export interface NativeAdamW {
  step(): void;
  setLr(group: number, lr: number): void;
  save(): Buffer;
  load(state: Buffer): void;
}

/** What the addon reads off the process (src/engine/blas.ts interprets it). */
export interface NativeBlasInfo {
  /** The shared library that defines sgemm_, as the dynamic linker bound it; null if none does. */
  library: string | null;
  /** Whether `library` (with its dependencies) exports OpenBLAS's API. */
  libraryIsOpenblas: boolean;
  /** OpenBLAS's description if any OpenBLAS is loaded (another module may have loaded it). */
  openblasConfig: string | null;
  openblasCore: string | null;
  /** OpenBLAS's threading model: 0 sequential, 1 pthreads, 2 OpenMP; null when not OpenBLAS. */
  openblasParallel: number | null;
  blasThreads: number;
  torchThreads: number;
  torchVersion: string;
}

export type FloatDtype = 'float32' | 'float64';

/** Bytes held by the caching allocator (blocks >= 64 KiB; smaller ones go to malloc). */
export interface MemoryStats {
  liveBytes: number;
  cachedBytes: number;
  peakBytes: number;
  hits: number;
  misses: number;
}

/**
 * One part of the cached keys a decoding query attends to (`T.attendOneQuery`): `keys`/`values`
 * [R, H, S ≥ length, hd] of which the first `length` positions count; query row b reads key row
 * ⌊b / group⌋; `pad` [R, ≥ length] (true = masked).
 */
export interface KeyPart {
  keys: Tensor;
  values: Tensor;
  length: number;
  group: number;
  pad?: Tensor;
}

interface Native {
  Tensor: unknown;
  AdamW: new (groups: AdamWGroup[], beta1: number, beta2: number, eps: number) => NativeAdamW;
  fromFloat32(data: Float32Array, shape: number[], requiresGrad?: boolean): Tensor;
  fromFloat64(data: Float64Array, shape: number[], requiresGrad?: boolean): Tensor;
  cast(a: Tensor, dtype: FloatDtype): Tensor;
  fromInt32(data: Int32Array, shape: number[]): Tensor;
  randn(shape: number[], std: number): Tensor;
  zeros(shape: number[]): Tensor;
  ones(shape: number[]): Tensor;
  matmul(a: Tensor, b: Tensor): Tensor;
  linear(x: Tensor, w: Tensor, b: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor, b: Tensor): Tensor;
  div(a: Tensor, b: Tensor): Tensor;
  mulScalar(a: Tensor, s: number): Tensor;
  addScalar(a: Tensor, s: number): Tensor;
  exp(a: Tensor): Tensor;
  log(a: Tensor): Tensor;
  neg(a: Tensor): Tensor;
  gelu(a: Tensor): Tensor;
  relu(a: Tensor): Tensor;
  silu(a: Tensor): Tensor;
  tanh(a: Tensor): Tensor;
  softmax(a: Tensor, dim: number): Tensor;
  logSoftmax(a: Tensor, dim: number): Tensor;
  sum(a: Tensor, dims?: number[], keepDim?: boolean): Tensor;
  mean(a: Tensor, dims?: number[], keepDim?: boolean): Tensor;
  reshape(a: Tensor, shape: number[]): Tensor;
  transpose(a: Tensor, d0: number, d1: number): Tensor;
  permute(a: Tensor, dims: number[]): Tensor;
  contiguous(a: Tensor): Tensor;
  narrow(a: Tensor, dim: number, start: number, length: number): Tensor;
  cat(list: Tensor[], dim: number): Tensor;
  embedding(weight: Tensor, ids: Tensor): Tensor;
  gather(a: Tensor, dim: number, index: Tensor): Tensor;
  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor;
  causalMask(queries: number, keys: number): Tensor;
  maskedFill(a: Tensor, mask: Tensor, value: number): Tensor;
  unsqueeze(a: Tensor, dim: number): Tensor;
  expand(a: Tensor, shape: number[]): Tensor;
  square(a: Tensor): Tensor;
  sqrt(a: Tensor): Tensor;
  clamp(a: Tensor, lo: number, hi: number): Tensor;
  indexSelect(a: Tensor, dim: number, index: Tensor): Tensor;
  where(cond: Tensor, a: Tensor, b: Tensor): Tensor;
  toBool(a: Tensor): Tensor;
  attendOneQuery(q: Tensor, parts: KeyPart[]): Tensor;
  cacheAndAttend(qkv: Tensor, keys: Tensor, values: Tensor, past: number, ownPad?: Tensor | null, shared?: KeyPart | null): Tensor;
  memoryStats(): MemoryStats;
  emptyCache(): void;
  setNumThreads(intraOp: number, blas?: number): void;
  blasThreads(): number;
  blasInfo(): NativeBlasInfo;
  getNumThreads(): number;
  manualSeed(seed: number): void;
  setGradEnabled(enabled: boolean): void;
  isGradEnabled(): boolean;
  clipGradNorm(params: Tensor[], maxNorm: number): number;
  conv2d(x: Tensor, weight: Tensor, bias: Tensor, padding: number): Tensor;
  maxPool2d(x: Tensor, kernel: number): Tensor;
  crossEntropy(logits: Tensor, targets: Tensor): Tensor;
}

const ADDON = fileURLToPath(new URL('../../native/build/Release/seer_torch.node', import.meta.url));
let native: Native | undefined;

function load(): Native {
  native ??= openAddon(ADDON);
  return native;
}

/** Load the addon at `path`, or fail with a SeerError that says how to get it. */
export function openAddon(path: string): Native {
  const fix = 'run `bash scripts/setup.sh` (it installs libtorch-dev and OpenBLAS, then runs npm ci)';
  if (!existsSync(path)) {
    throw new SeerError('engine', `the tensor engine is not built (${path} is missing): ${fix}`);
  }
  // libgomp reads this when the addon loads it. Its default (spin-waiting threads) steals the
  // cores OpenBLAS's own pool needs for the GEMMs: 2 threads took 0.63–0.78 s a step instead of
  // 0.34 s (measured, docs/engine.md). A value the user set wins.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    return createRequire(import.meta.url)(path) as Native;
  } catch (cause) {
    throw new SeerError('engine', `cannot load the tensor engine ${path} (is libtorch missing?): ${fix}. ${(cause as Error).message}`, { cause });
  }
}

// ---- scopes -------------------------------------------------------------------------------------
const scopes: Tensor[][] = [];

function track<T extends Tensor>(t: T): T {
  scopes[scopes.length - 1]?.push(t);
  return t;
}

/** Run `fn`; dispose every tensor it created except those reachable from its result. */
export function tidy<T>(fn: () => T): T {
  scopes.push([]);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    for (const t of scopes.pop() ?? []) t.dispose();
    throw error;
  }
  const created = scopes.pop() ?? [];
  const keep = new Set<Tensor>();
  collect(result, keep, 0);
  for (const t of created) {
    if (keep.has(t)) scopes[scopes.length - 1]?.push(t);
    else t.dispose();
  }
  return result;
}

function collect(value: unknown, into: Set<Tensor>, depth: number): void {
  // Typed arrays (logits read back to JS) hold no tensors: walking their elements cost ~1 ms a
  // decoding step at B·V 29 000.
  if (depth > 4 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, into, depth + 1);
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && typeof (value as Tensor).isDisposed === 'function' && typeof (value as Tensor).shape === 'function';
}

/** Run `fn` with autograd off (inference, sampling, reference log-probs). */
export function noGrad<T>(fn: () => T): T {
  const n = load();
  const before = n.isGradEnabled();
  n.setGradEnabled(false);
  try {
    return fn();
  } finally {
    n.setGradEnabled(before);
  }
}

// ---- ops (each result joins the current tidy scope) ----------------------------------------------
type Fn<A extends unknown[]> = (...args: A) => Tensor;
function op<A extends unknown[]>(name: keyof Native): Fn<A> {
  return (...args: A) => track((load()[name] as unknown as (...a: A) => Tensor)(...args));
}

export const T = {
  fromFloat32: op<[Float32Array, number[], boolean?]>('fromFloat32'),
  fromFloat64: op<[Float64Array, number[], boolean?]>('fromFloat64'),
  /** Differentiable dtype change. */
  cast: op<[Tensor, FloatDtype]>('cast'),
  fromInt32: op<[Int32Array, number[]]>('fromInt32'),
  randn: op<[number[], number]>('randn'),
  zeros: op<[number[]]>('zeros'),
  ones: op<[number[]]>('ones'),
  matmul: op<[Tensor, Tensor]>('matmul'),
  /** x [..., in] · w [in, out] + b [out] in one GEMM. */
  linear: op<[Tensor, Tensor, Tensor]>('linear'),
  add: op<[Tensor, Tensor]>('add'),
  sub: op<[Tensor, Tensor]>('sub'),
  mul: op<[Tensor, Tensor]>('mul'),
  div: op<[Tensor, Tensor]>('div'),
  mulScalar: op<[Tensor, number]>('mulScalar'),
  addScalar: op<[Tensor, number]>('addScalar'),
  exp: op<[Tensor]>('exp'),
  log: op<[Tensor]>('log'),
  neg: op<[Tensor]>('neg'),
  gelu: op<[Tensor]>('gelu'),
  relu: op<[Tensor]>('relu'),
  silu: op<[Tensor]>('silu'),
  tanh: op<[Tensor]>('tanh'),
  softmax: op<[Tensor, number]>('softmax'),
  logSoftmax: op<[Tensor, number]>('logSoftmax'),
  sum: op<[Tensor, number[]?, boolean?]>('sum'),
  mean: op<[Tensor, number[]?, boolean?]>('mean'),
  reshape: op<[Tensor, number[]]>('reshape'),
  transpose: op<[Tensor, number, number]>('transpose'),
  permute: op<[Tensor, number[]]>('permute'),
  contiguous: op<[Tensor]>('contiguous'),
  narrow: op<[Tensor, number, number, number]>('narrow'),
  cat: op<[Tensor[], number]>('cat'),
  embedding: op<[Tensor, Tensor]>('embedding'),
  gather: op<[Tensor, number, Tensor]>('gather'),
  layerNorm: op<[Tensor, Tensor, Tensor, number]>('layerNorm'),
  causalMask: op<[number, number]>('causalMask'),
  maskedFill: op<[Tensor, Tensor, number]>('maskedFill'),
  unsqueeze: op<[Tensor, number]>('unsqueeze'),
  expand: op<[Tensor, number[]]>('expand'),
  square: op<[Tensor]>('square'),
  sqrt: op<[Tensor]>('sqrt'),
  clamp: op<[Tensor, number, number]>('clamp'),
  indexSelect: op<[Tensor, number, Tensor]>('indexSelect'),
  where: op<[Tensor, Tensor, Tensor]>('where'),
  toBool: op<[Tensor]>('toBool'),
  conv2d: op<[Tensor, Tensor, Tensor, number]>('conv2d'),
  maxPool2d: op<[Tensor, number]>('maxPool2d'),
  crossEntropy: op<[Tensor, Tensor]>('crossEntropy'),
  /**
   * Decoding's attention, fused in the addon (native/src/attention.h): softmax(q·kᵀ/√hd)·v for q
   * [B, H, 1, hd] over the keys of every part under one softmax → [B, H, 1, hd]. No autograd.
   */
  attendOneQuery: op<[Tensor, KeyPart[]]>('attendOneQuery'),
  /**
   * A decoding step's attention after the QKV projection, in one call: writes the token's key and
   * value (qkv [B, 1, 3d]) at position `past` of the row buffers `keys`/`values` [B, H, capacity,
   * hd], then attends its query over `shared` (a prefix part) and the row's past + 1 keys (`ownPad`
   * [B, ≥ past + 1] masking pads) → [B, 1, d], heads side by side. No autograd.
   */
  cacheAndAttend: op<[Tensor, Tensor, Tensor, number, (Tensor | null)?, (KeyPart | null)?]>('cacheAndAttend'),
};

/** Whether autograd records ops now (false inside `noGrad`). */
export function gradEnabled(): boolean {
  return load().isGradEnabled();
}

/** Tensor results of methods (`detach`, `clone`, `grad`) also join the current scope. */
export function tracked<T2 extends Tensor | null>(t: T2): T2 {
  if (t) track(t);
  return t;
}

export const engine = {
  /**
   * Backend set-up in one call: threads and the global seed. `threads` sets both libtorch's
   * OpenMP pool (element-wise ops) and OpenBLAS's own pool (GEMMs); `blasThreads` overrides the
   * latter (docs/engine.md has the measurements behind the defaults).
   */
  setup(options: { threads: number; seed: number; blasThreads?: number }): void {
    engine.setThreads(options.threads, options.blasThreads);
    load().manualSeed(options.seed);
  },
  memory(): MemoryStats {
    return load().memoryStats();
  },
  /** Return the allocator's cached free blocks to the system (e.g. between phases of a job). */
  emptyCache(): void {
    load().emptyCache();
  },
  setThreads(threads: number, blasThreads: number = threads): void {
    for (const [name, n] of [['threads', threads], ['blasThreads', blasThreads]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new SeerError('bad_config', `${name} must be a positive integer, got ${n}`);
    }
    load().setNumThreads(threads, blasThreads);
  },
  /** OpenBLAS's thread count, or −1 when libtorch's BLAS is not OpenBLAS. */
  blasThreads(): number {
    return load().blasThreads();
  },
  threads(): number {
    return load().getNumThreads();
  },
  /** Raw facts about the BLAS in this process; `engineReport()` in blas.ts names and checks them. */
  nativeBlasInfo(): NativeBlasInfo {
    return load().blasInfo();
  },
  seed(seed: number): void {
    load().manualSeed(seed);
  },
  clipGradNorm(params: Tensor[], maxNorm: number): number {
    return load().clipGradNorm(params, maxNorm);
  },
  adamW(groups: AdamWGroup[], betas: [number, number] = [0.9, 0.999], eps = 1e-8): NativeAdamW {
    return new (load().AdamW)(groups, betas[0], betas[1], eps);
  },
  available(): boolean {
    try {
      load();
      return true;
    } catch {
      return false;
    }
  },
};
