// Attention of one query per row over a KV cache, fused into one kernel for decoding.
//
// Why: a decoding step of SEER-Mini attends B x H queries (128 at B 32) of 32 dims each over a
// few hundred cached keys. Through libtorch that is a batched matmul for the scores, a masked fill,
// a softmax and a second batched matmul for the values: 128 tiny products per layer, ~1.5 ms a
// layer at 200 keys (docs/engine.md), most of a step. Here the same arithmetic is one pass over the
// cache: a dot product per key, the softmax, a weighted sum of values, in a loop the compiler
// vectorises. No autograd: decoding only (the caller checks).
#pragma once
#include <torch/torch.h>

namespace seer {

// One part of the keys a query attends to: `keys`/`values` [R, H, S >= length, hd] (last dim
// contiguous), of which the first `length` positions are read; query row b reads key row
// b / `group`; `pad` [R, >= length] bool (true = masked) or undefined.
struct KeyPart {
  at::Tensor keys;
  at::Tensor values;
  int64_t length;
  int64_t group;
  at::Tensor pad;
};

// softmax(q . k / sqrt(hd)) . v over the keys of every part together (one softmax across them):
// q [B, H, 1, hd] float32 → [B, H, 1, hd]. Keys a row may not see are skipped, which is what a
// -1e9 fill before the softmax gives.
at::Tensor AttendOneQuery(const at::Tensor& q, const std::vector<KeyPart>& parts);

// A decoding step's attention block after the QKV projection, in one call: writes the new token's
// key and value (from qkv [B, 1, 3d], heads of hd = d / H) at position `past` of the row buffers
// `keys`/`values` [B, H, capacity, hd], then attends its query over `shared` (a shared prefix part,
// if given) and the row's own past + 1 keys (masked by `ownPad` [B, >= past + 1] if given).
// Returns [B, 1, d], the heads side by side (the input of the output projection).
at::Tensor CacheAndAttend(const at::Tensor& qkv, const at::Tensor& keys, const at::Tensor& values, int64_t past, const at::Tensor& ownPad, const KeyPart* shared);

}  // namespace seer
