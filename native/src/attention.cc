// The fused one-query attention kernel (attention.h says why).
#include "attention.h"

#include <ATen/Parallel.h>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace seer {

namespace {

// The two hot loops, compiled twice (x86-64: once with AVX2 and FMA, picked at load time where the
// CPU has them); `hd` 32 (SEER-Mini's heads) gets its own branch so its loops are fully unrolled.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SEER_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SEER_HOT
#endif

// Eight floats as one value (GCC's vector extension: AVX registers in the x86-64-v3 clone, pairs of
// SSE registers otherwise); loads and stores are unaligned.
typedef float Float8 __attribute__((vector_size(32)));
inline Float8 Load8(const float* p) {
  Float8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void Store8(float* p, Float8 v) { std::memcpy(p, &v, sizeof v); }
inline float Sum8(Float8 v) { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }

// out[t] = q . k[t·step .. +hd] · scale for the n keys, −inf where pad[t] (pad may be null).
SEER_HOT void Scores(const float* __restrict q, const float* __restrict k, int64_t step, int64_t n, int64_t hd, const bool* pad, float scale, float* __restrict out) {
  const float masked = -std::numeric_limits<float>::infinity();
  if (hd == 32) {
    const Float8 q0 = Load8(q), q1 = Load8(q + 8), q2 = Load8(q + 16), q3 = Load8(q + 24);
    for (int64_t t = 0; t < n; t++) {
      const float* row = k + t * step;
      out[t] = pad && pad[t] ? masked : Sum8((q0 * Load8(row) + q1 * Load8(row + 8)) + (q2 * Load8(row + 16) + q3 * Load8(row + 24))) * scale;
    }
    return;
  }
  for (int64_t t = 0; t < n; t++) {
    float dot = 0;
    for (int64_t i = 0; i < hd; i++) dot += q[i] * k[t * step + i];
    out[t] = pad && pad[t] ? masked : dot * scale;
  }
}

// out[hd] += Σ_t w[t] · v[t·step .. +hd] over the n keys.
SEER_HOT void WeightedSum(const float* __restrict w, const float* __restrict v, int64_t step, int64_t n, int64_t hd, float* __restrict out) {
  if (hd == 32) {
    Float8 a0 = Load8(out), a1 = Load8(out + 8), a2 = Load8(out + 16), a3 = Load8(out + 24);
    for (int64_t t = 0; t < n; t++) {
      const float* row = v + t * step;
      const float wt = w[t];
      a0 += wt * Load8(row);
      a1 += wt * Load8(row + 8);
      a2 += wt * Load8(row + 16);
      a3 += wt * Load8(row + 24);
    }
    Store8(out, a0), Store8(out + 8, a1), Store8(out + 16, a2), Store8(out + 24, a3);
    return;
  }
  for (int64_t t = 0; t < n; t++)
    for (int64_t i = 0; i < hd; i++) out[i] += w[t] * v[t * step + i];
}

// Calls f(bh, part, key row, head, offset of the part in the row's scores, part index) for every
// query row and head and every part, split over libtorch's intra-op threads.
template <typename F>
void ForEachPart(const std::vector<KeyPart>& parts, int64_t B, int64_t H, const F& f) {
  at::parallel_for(0, B * H, 16, [&](int64_t begin, int64_t end) {
    for (int64_t bh = begin; bh < end; bh++) {
      int64_t offset = 0;
      for (size_t p = 0; p < parts.size(); p++) {
        f(bh, parts[p], (bh / H) / parts[p].group, bh % H, offset, p);
        offset += parts[p].length;
      }
    }
  });
}

void Require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("attendOneQuery: " + message);
}

}  // namespace

at::Tensor AttendOneQuery(const at::Tensor& query, const std::vector<KeyPart>& parts) {
  Require(query.dim() == 4 && query.size(2) == 1 && query.scalar_type() == at::kFloat, "q must be float32 [B, H, 1, hd]");
  Require(!parts.empty(), "no keys");
  at::Tensor q = query.contiguous();
  const int64_t B = q.size(0), H = q.size(1), hd = q.size(3);
  int64_t total = 0;
  std::vector<at::Tensor> pads(parts.size());
  for (size_t p = 0; p < parts.size(); p++) {
    const KeyPart& part = parts[p];
    for (const at::Tensor* t : {&part.keys, &part.values}) {
      Require(t->dim() == 4 && t->scalar_type() == at::kFloat && t->size(1) == H && t->size(3) == hd && t->stride(3) == 1, "keys and values must be float32 [R, H, S, hd] with contiguous rows");
      Require(t->size(2) >= part.length, "a key part is shorter than its length");
    }
    Require(part.group >= 1 && part.keys.size(0) * part.group == B && part.values.size(0) == part.keys.size(0), "rows × group must equal the queries' batch");
    if (part.pad.defined()) {
      Require(part.pad.dim() == 2 && part.pad.size(0) == part.keys.size(0) && part.pad.size(1) >= part.length, "pad must be [R, >= length]");
      pads[p] = part.pad.to(at::kBool).contiguous();
    }
    total += part.length;
  }
  // Scores [B·H, total] (−inf where masked), one vectorised softmax over them, then the weighted
  // sums of values: a scalar exp per score cost more than the products.
  at::Tensor scores = at::empty({B * H, total}, q.options());
  const float* qd = q.data_ptr<float>();
  float* sd = scores.data_ptr<float>();
  const float scale = 1.0f / std::sqrt((float)hd);
  ForEachPart(parts, B, H, [&](int64_t bh, const KeyPart& part, int64_t r, int64_t h, int64_t offset, size_t p) {
    const float* k = part.keys.data_ptr<float>() + r * part.keys.stride(0) + h * part.keys.stride(1);
    const bool* pad = pads[p].defined() ? pads[p].data_ptr<bool>() + r * pads[p].size(1) : nullptr;
    Scores(qd + bh * hd, k, part.keys.stride(2), part.length, hd, pad, scale, sd + bh * total + offset);
  });
  at::Tensor weights = at::softmax(scores, 1);  // [B·H, total]
  const float* wd = weights.data_ptr<float>();
  at::Tensor out = at::zeros({B, H, 1, hd}, q.options());
  float* od = out.data_ptr<float>();
  ForEachPart(parts, B, H, [&](int64_t bh, const KeyPart& part, int64_t r, int64_t h, int64_t offset, size_t) {
    const float* v = part.values.data_ptr<float>() + r * part.values.stride(0) + h * part.values.stride(1);
    WeightedSum(wd + bh * total + offset, v, part.values.stride(2), part.length, hd, od + bh * hd);
  });
  return out;
}

at::Tensor CacheAndAttend(const at::Tensor& qkv, const at::Tensor& keys, const at::Tensor& values, int64_t past, const at::Tensor& ownPad, const KeyPart* shared) {
  Require(qkv.dim() == 3 && qkv.size(1) == 1 && qkv.size(2) % 3 == 0, "qkv must be [B, 1, 3d]");
  Require(keys.dim() == 4 && keys.size(0) == qkv.size(0) && past < keys.size(2), "the cache buffers have no room for the token");
  const int64_t B = qkv.size(0), d = qkv.size(2) / 3, H = keys.size(1), hd = keys.size(3);
  Require(H * hd == d, "heads × head size must equal the model width");
  auto heads = [&](int64_t k) { return qkv.narrow(2, k * d, d).reshape({B, 1, H, hd}).permute({0, 2, 1, 3}); };  // [B, H, 1, hd]
  keys.narrow(2, past, 1).copy_(heads(1));
  values.narrow(2, past, 1).copy_(heads(2));
  std::vector<KeyPart> parts;
  if (shared != nullptr) parts.push_back(*shared);
  parts.push_back(KeyPart{keys, values, past + 1, 1, ownPad});
  return AttendOneQuery(heads(0), parts).reshape({B, 1, d});  // [B, H, 1, hd] → [B, 1, d]
}

}  // namespace seer
