/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian
 * data), written atomically. F32 tensors only: that is all SEER-Mini stores.
 */
import { readFileSync } from 'node:fs';
import { SeerError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/io.ts';

export type TensorMap = Map<string, { shape: number[]; data: Float32Array }>;

export function encodeSafetensors(tensors: TensorMap, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, file = 'safetensors'): { tensors: TensorMap; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SeerError('bad_file', `${file}: too short to be safetensors`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new SeerError('bad_file', `${file}: header length ${headerLength} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  } catch (cause) {
    throw new SeerError('bad_file', `${file}: unreadable header`, { cause });
  }
  const base = 8 + headerLength;
  const tensors: TensorMap = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32') throw new SeerError('bad_file', `${file}: tensor ${name} is ${e.dtype}; only F32 is supported`);
    const [start, end] = e.data_offsets;
    const slice = bytes.slice(base + start, base + end);
    tensors.set(name, { shape: e.shape, data: new Float32Array(slice.buffer, slice.byteOffset, (end - start) / 4) });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

export function writeSafetensors(path: string, tensors: TensorMap, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function readSafetensors(path: string): { tensors: TensorMap; metadata: Record<string, string> } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new SeerError('not_found', `${path}: cannot read checkpoint weights`, { cause });
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
