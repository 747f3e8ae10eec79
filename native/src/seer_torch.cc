// seer_torch: a thin Node-API binding over libtorch (Debian libtorch-dev 1.13, CPU). It exposes
// tensors with autograd, the handful of ops SEER-Mini's transformer needs, AdamW with parameter
// groups and gradient-norm clipping. The model itself is written in TypeScript (src/model/);
// src/engine/ is the only code that calls this addon. Large blocks come from our caching allocator
// (allocator.cc); each wrapper reports its tensor's bytes to V8 so that tensors nobody disposed are
// collected promptly.
#include <napi.h>
#include <torch/torch.h>
#include <torch/version.h>
#include <dlfcn.h>
#include <sstream>
#include <malloc.h>
#include <cstdlib>
#include "allocator.h"
#include "attention.h"

// OpenBLAS's thread control, if the BLAS libtorch loaded is OpenBLAS (weak: absent otherwise).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads() __attribute__((weak));
extern "C" char* openblas_get_config() __attribute__((weak));
extern "C" char* openblas_get_corename() __attribute__((weak));
extern "C" int openblas_get_parallel() __attribute__((weak));
// The single-precision GEMM every BLAS exports: the library that defines it is the BLAS libtorch's
// GEMMs really run on (whatever libblas.so.3 points to through Debian's alternatives).
extern "C" void sgemm_() __attribute__((weak));

namespace {

class Tensor : public Napi::ObjectWrap<Tensor> {
 public:
  static Napi::FunctionReference ctor;
  at::Tensor t;
  bool alive = false;
  int64_t external = 0;  // bytes reported to V8 for this wrapper

  static Napi::Object Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "Tensor", {
      InstanceMethod("shape", &Tensor::Shape),
      InstanceMethod("dtype", &Tensor::Dtype),
      InstanceMethod("toFloat32", &Tensor::ToFloat32),
      InstanceMethod("toFloat64", &Tensor::ToFloat64),
      InstanceMethod("toInt32", &Tensor::ToInt32),
      InstanceMethod("item", &Tensor::Item),
      InstanceMethod("backward", &Tensor::Backward),
      InstanceMethod("grad", &Tensor::Grad),
      InstanceMethod("zeroGrad", &Tensor::ZeroGrad),
      InstanceMethod("clearGrad", &Tensor::ClearGrad),
      InstanceMethod("setRequiresGrad", &Tensor::SetRequiresGrad),
      InstanceMethod("requiresGrad", &Tensor::RequiresGrad),
      InstanceMethod("detach", &Tensor::Detach),
      InstanceMethod("clone", &Tensor::Clone),
      InstanceMethod("copyFrom", &Tensor::CopyFrom),
      InstanceMethod("dispose", &Tensor::Dispose),
      InstanceMethod("isDisposed", &Tensor::IsDisposed),
    });
    ctor = Napi::Persistent(f);
    ctor.SuppressDestruct();
    exports.Set("Tensor", f);
    return exports;
  }

  Tensor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Tensor>(info) {}
  ~Tensor() override { Release(Env()); }

  static Napi::Object Wrap(Napi::Env env, at::Tensor value) {
    Napi::Object obj = ctor.New({});
    Tensor* self = Tensor::Unwrap(obj);
    // Views share their base's storage: count only tensors that own theirs.
    if (!value.is_view() && value.defined()) self->external = (int64_t)value.storage().nbytes();
    if (self->external > 0) Napi::MemoryManagement::AdjustExternalMemory(env, self->external);
    self->t = std::move(value);
    self->alive = true;
    return obj;
  }

  void Release(Napi::Env env) {
    if (!alive) return;
    t = at::Tensor();
    alive = false;
    if (external > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -external);
    external = 0;
  }

  Napi::Value Shape(const Napi::CallbackInfo& info) {
    Check(info.Env());
    auto sizes = t.sizes();
    Napi::Array out = Napi::Array::New(info.Env(), sizes.size());
    for (size_t i = 0; i < sizes.size(); i++) out.Set(i, Napi::Number::New(info.Env(), (double)sizes[i]));
    return out;
  }
  Napi::Value Dtype(const Napi::CallbackInfo& info) {
    Check(info.Env());
    return Napi::String::New(info.Env(), std::string(c10::toString(t.scalar_type())));
  }
  Napi::Value ToFloat32(const Napi::CallbackInfo& info) {
    Check(info.Env());
    at::Tensor c = t.detach().to(at::kFloat).contiguous();
    auto arr = Napi::Float32Array::New(info.Env(), c.numel());
    std::memcpy(arr.Data(), c.data_ptr<float>(), c.numel() * sizeof(float));
    return arr;
  }
  Napi::Value ToFloat64(const Napi::CallbackInfo& info) {
    Check(info.Env());
    at::Tensor c = t.detach().to(at::kDouble).contiguous();
    auto arr = Napi::Float64Array::New(info.Env(), c.numel());
    std::memcpy(arr.Data(), c.data_ptr<double>(), c.numel() * sizeof(double));
    return arr;
  }
  Napi::Value ToInt32(const Napi::CallbackInfo& info) {
    Check(info.Env());
    at::Tensor c = t.detach().to(at::kInt).contiguous();
    auto arr = Napi::Int32Array::New(info.Env(), c.numel());
    std::memcpy(arr.Data(), c.data_ptr<int32_t>(), c.numel() * sizeof(int32_t));
    return arr;
  }
  Napi::Value Item(const Napi::CallbackInfo& info) {
    Check(info.Env());
    return Napi::Number::New(info.Env(), t.detach().to(at::kDouble).item<double>());
  }
  Napi::Value Backward(const Napi::CallbackInfo& info) {
    Check(info.Env());
    if (info.Length() > 0 && info[0].IsObject()) t.backward(Tensor::Unwrap(info[0].As<Napi::Object>())->t);
    else t.backward();
    return info.Env().Undefined();
  }
  Napi::Value Grad(const Napi::CallbackInfo& info) {
    Check(info.Env());
    if (!t.grad().defined()) return info.Env().Null();
    return Wrap(info.Env(), t.grad().detach().clone());
  }
  Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
    Check(info.Env());
    if (t.grad().defined()) t.mutable_grad().zero_();
    return info.Env().Undefined();
  }
  // Drop the gradient (AdamW then skips this tensor entirely: no update, no weight decay).
  Napi::Value ClearGrad(const Napi::CallbackInfo& info) {
    Check(info.Env());
    t.mutable_grad() = at::Tensor();
    return info.Env().Undefined();
  }
  Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
    Check(info.Env());
    t.set_requires_grad(info[0].As<Napi::Boolean>().Value());
    return info.Env().Undefined();
  }
  Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
    Check(info.Env());
    return Napi::Boolean::New(info.Env(), t.requires_grad());
  }
  Napi::Value Detach(const Napi::CallbackInfo& info) { Check(info.Env()); return Wrap(info.Env(), t.detach()); }
  Napi::Value Clone(const Napi::CallbackInfo& info) { Check(info.Env()); return Wrap(info.Env(), t.detach().clone()); }
  Napi::Value CopyFrom(const Napi::CallbackInfo& info) {
    Check(info.Env());
    torch::NoGradGuard guard;
    t.copy_(Tensor::Unwrap(info[0].As<Napi::Object>())->t);
    return info.Env().Undefined();
  }
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    Release(info.Env());
    return info.Env().Undefined();
  }
  Napi::Value IsDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !alive); }

  void Check(Napi::Env env) {
    if (!alive) throw Napi::Error::New(env, "tensor used after dispose()");
  }
};
Napi::FunctionReference Tensor::ctor;

at::Tensor& T(const Napi::Value& v) {
  Tensor* w = Tensor::Unwrap(v.As<Napi::Object>());
  w->Check(v.Env());
  return w->t;
}
std::vector<int64_t> Dims(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) out[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return out;
}
double Num(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }
int64_t Int(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }
Napi::Value W(Napi::Env env, at::Tensor t) { return Tensor::Wrap(env, std::move(t)); }

#define OP(name, body) \
  Napi::Value name(const Napi::CallbackInfo& info) { \
    Napi::Env env = info.Env(); \
    try { body } catch (const c10::Error& e) { throw Napi::Error::New(env, e.what_without_backtrace()); } \
    catch (const std::exception& e) { throw Napi::Error::New(env, e.what()); } \
  }

OP(FromFloat32, {
  auto data = info[0].As<Napi::Float32Array>();
  auto shape = Dims(info[1]);
  at::Tensor t = torch::from_blob(data.Data(), shape, torch::kFloat).clone();
  if (info.Length() > 2 && info[2].ToBoolean()) t.set_requires_grad(true);
  return W(env, t);
})
OP(FromFloat64, {
  auto data = info[0].As<Napi::Float64Array>();
  at::Tensor t = torch::from_blob(data.Data(), Dims(info[1]), torch::kDouble).clone();
  if (info.Length() > 2 && info[2].ToBoolean()) t.set_requires_grad(true);
  return W(env, t);
})
// cast(a, "float32" | "float64"): differentiable dtype change (float64 for gradient checks).
OP(Cast, {
  std::string d = info[1].As<Napi::String>().Utf8Value();
  if (d != "float32" && d != "float64") throw Napi::Error::New(env, "cast: dtype must be float32 or float64, got " + d);
  return W(env, T(info[0]).to(d == "float64" ? torch::kDouble : torch::kFloat));
})
OP(FromInt32, {
  auto data = info[0].As<Napi::Int32Array>();
  auto shape = Dims(info[1]);
  return W(env, torch::from_blob(data.Data(), shape, torch::kInt).to(torch::kLong));
})
OP(Randn, { return W(env, torch::randn(Dims(info[0])) * Num(info[1])); })
OP(Zeros, { return W(env, torch::zeros(Dims(info[0]))); })
OP(Ones, { return W(env, torch::ones(Dims(info[0]))); })
OP(Matmul, { return W(env, torch::matmul(T(info[0]), T(info[1]))); })
// linear(x [..., in], w [in, out], b [out]) = x·w + b in one addmm (bias fused into the GEMM).
OP(Linear, {
  auto& x = T(info[0]);
  auto& w = T(info[1]);
  auto sizes = x.sizes().vec();
  sizes.back() = w.size(1);
  return W(env, torch::addmm(T(info[2]), x.reshape({-1, x.size(-1)}), w).view(sizes));
})
OP(Add, { return W(env, T(info[0]) + T(info[1])); })
OP(Sub, { return W(env, T(info[0]) - T(info[1])); })
OP(Mul, { return W(env, T(info[0]) * T(info[1])); })
OP(Div, { return W(env, T(info[0]) / T(info[1])); })
OP(MulScalar, { return W(env, T(info[0]) * Num(info[1])); })
OP(AddScalar, { return W(env, T(info[0]) + Num(info[1])); })
OP(Exp, { return W(env, torch::exp(T(info[0]))); })
OP(Log, { return W(env, torch::log(T(info[0]))); })
OP(Neg, { return W(env, -T(info[0])); })
OP(Gelu, { return W(env, torch::gelu(T(info[0]), "tanh")); })
OP(Silu, { return W(env, torch::silu(T(info[0]))); })
OP(Relu, { return W(env, torch::relu(T(info[0]))); })
OP(Tanh, { return W(env, torch::tanh(T(info[0]))); })
OP(Softmax, { return W(env, torch::softmax(T(info[0]), Int(info[1]))); })
OP(LogSoftmax, { return W(env, torch::log_softmax(T(info[0]), Int(info[1]))); })
OP(Sum, {
  if (info.Length() < 2) return W(env, T(info[0]).sum());
  return W(env, T(info[0]).sum(Dims(info[1]), info[2].ToBoolean()));
})
OP(Mean, {
  if (info.Length() < 2) return W(env, T(info[0]).mean());
  return W(env, T(info[0]).mean(Dims(info[1]), info[2].ToBoolean()));
})
OP(Reshape, { return W(env, T(info[0]).reshape(Dims(info[1]))); })
OP(Transpose, { return W(env, T(info[0]).transpose(Int(info[1]), Int(info[2]))); })
OP(Permute, { return W(env, T(info[0]).permute(Dims(info[1]))); })
OP(Contiguous, { return W(env, T(info[0]).contiguous()); })
OP(Narrow, { return W(env, T(info[0]).narrow(Int(info[1]), Int(info[2]), Int(info[3]))); })
OP(Cat, {
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<at::Tensor> ts;
  for (uint32_t i = 0; i < list.Length(); i++) ts.push_back(T(list.Get(i)));
  return W(env, torch::cat(ts, Int(info[1])));
})
OP(Embedding, { return W(env, torch::embedding(T(info[0]), T(info[1]))); })
OP(Gather, { return W(env, torch::gather(T(info[0]), Int(info[1]), T(info[2]))); })
OP(LayerNorm, {
  auto& x = T(info[0]);
  int64_t d = x.size(-1);
  return W(env, torch::layer_norm(x, {d}, T(info[1]), T(info[2]), Num(info[3])));
})
OP(CausalMask, {
  int64_t q = Int(info[0]);
  int64_t k = Int(info[1]);
  // True where attention is NOT allowed: key index > query index + (k - q).
  return W(env, torch::ones({q, k}, torch::kBool).triu(k - q + 1));
})
OP(MaskedFill, { return W(env, T(info[0]).masked_fill(T(info[1]), Num(info[2]))); })
OP(Unsqueeze, { return W(env, T(info[0]).unsqueeze(Int(info[1]))); })
OP(Expand, { return W(env, T(info[0]).expand(Dims(info[1]))); })
OP(Square, { return W(env, T(info[0]).square()); })
OP(Sqrt, { return W(env, torch::sqrt(T(info[0]))); })
OP(Clamp, { return W(env, torch::clamp(T(info[0]), Num(info[1]), Num(info[2]))); })
OP(IndexSelect, { return W(env, torch::index_select(T(info[0]), Int(info[1]), T(info[2]))); })
OP(Where, { return W(env, torch::where(T(info[0]), T(info[1]), T(info[2]))); })
OP(ToBool, { return W(env, T(info[0]).to(torch::kBool)); })
// conv2d(x [B, Cin, H, W], weight [Cout, Cin, k, k], bias [Cout], padding)
OP(Conv2d, { return W(env, torch::conv2d(T(info[0]), T(info[1]), T(info[2]), 1, Int(info[3]))); })
OP(MaxPool2d, { return W(env, torch::max_pool2d(T(info[0]), Int(info[1]))); })
OP(CrossEntropy, {
  // logits [N, C], targets [N] (int64; -1 = ignore) → mean loss over non-ignored rows
  return W(env, torch::nn::functional::cross_entropy(T(info[0]), T(info[1]), torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1)));
})

// Decoding's fused attention (attention.h). A key part from JS: { keys, values, length, group, pad? }.
bool Absent(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }
at::Tensor OptionalTensor(const Napi::Value& v) { return Absent(v) ? at::Tensor() : T(v); }
seer::KeyPart KeyPartArg(const Napi::Value& v) {
  Napi::Object o = v.As<Napi::Object>();
  return seer::KeyPart{T(o.Get("keys")), T(o.Get("values")), Int(o.Get("length")), Int(o.Get("group")), OptionalTensor(o.Get("pad"))};
}
// Decoding only: the kernels record no autograd graph, so refuse inputs that would need one.
void RequireNoGrad(std::initializer_list<const at::Tensor*> ts) {
  if (!torch::GradMode::is_enabled()) return;
  for (const at::Tensor* t : ts)
    if (t->defined() && t->requires_grad()) throw std::invalid_argument("decoding attention has no autograd; run it under noGrad");
}
// attendOneQuery(q [B, H, 1, hd], parts [KeyPart]) → [B, H, 1, hd]
at::Tensor AttendOneQueryArgs(const Napi::CallbackInfo& info) {
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<seer::KeyPart> parts;
  for (uint32_t i = 0; i < list.Length(); i++) parts.push_back(KeyPartArg(list.Get(i)));
  RequireNoGrad({&T(info[0])});
  for (const auto& p : parts) RequireNoGrad({&p.keys, &p.values});
  return seer::AttendOneQuery(T(info[0]), parts);
}
OP(AttendOneQuery, { return W(env, AttendOneQueryArgs(info)); })
// cacheAndAttend(qkv [B, 1, 3d], keys, values [B, H, capacity, hd], past, ownPad?, shared?) → [B, 1, d]
at::Tensor CacheAndAttendArgs(const Napi::CallbackInfo& info) {
  const at::Tensor& qkv = T(info[0]);
  at::Tensor ownPad = OptionalTensor(info[4]);
  RequireNoGrad({&qkv});
  if (Absent(info[5])) return seer::CacheAndAttend(qkv, T(info[1]), T(info[2]), Int(info[3]), ownPad, nullptr);
  seer::KeyPart shared = KeyPartArg(info[5]);
  RequireNoGrad({&shared.keys, &shared.values});
  return seer::CacheAndAttend(qkv, T(info[1]), T(info[2]), Int(info[3]), ownPad, &shared);
}
OP(CacheAndAttend, { return W(env, CacheAndAttendArgs(info)); })

OP(MemoryStats, {
  seer::AllocatorStats s = seer::GetAllocatorStats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveBytes", (double)s.liveBytes);
  o.Set("cachedBytes", (double)s.cachedBytes);
  o.Set("peakBytes", (double)s.peakBytes);
  o.Set("hits", (double)s.hits);
  o.Set("misses", (double)s.misses);
  return o;
})
OP(EmptyCache, { seer::EmptyCache(); return env.Undefined(); })
// setNumThreads(intraOp, blas): libtorch's OpenMP threads (element-wise ops, reductions) and, when
// the BLAS behind libtorch is OpenBLAS, its own thread pool (GEMMs). They are separate pools: by
// default OpenBLAS uses every core whatever torch::set_num_threads says (measured).
OP(SetNumThreads, {
  torch::set_num_threads((int)Int(info[0]));
  if (info.Length() > 1 && openblas_set_num_threads != nullptr) openblas_set_num_threads((int)Int(info[1]));
  return env.Undefined();
})
OP(BlasThreads, { return Napi::Number::New(env, openblas_get_num_threads != nullptr ? openblas_get_num_threads() : -1); })
// blasInfo(): which BLAS the process really got. `library` is the file that defines sgemm_ (found
// with dladdr, i.e. what the dynamic linker bound); the OpenBLAS fields describe any OpenBLAS loaded
// in the process, which is the GEMM's only when `libraryIsOpenblas`. src/engine/blas.ts classifies it; its test checks `library` against /proc/self/maps.
OP(BlasInfo, {
  Napi::Object o = Napi::Object::New(env);
  Dl_info where;
  if (sgemm_ != nullptr && dladdr(reinterpret_cast<void*>(&sgemm_), &where) != 0 && where.dli_fname != nullptr) {
    o.Set("library", std::string(where.dli_fname));
    // Does that library (with its own dependencies) carry OpenBLAS's API? Another module can load
    // OpenBLAS too (Debian's liblapack does), so the global weak symbols below do not tell.
    void* handle = dlopen(where.dli_fname, RTLD_NOLOAD | RTLD_LAZY);
    o.Set("libraryIsOpenblas", handle != nullptr && dlsym(handle, "openblas_get_config") != nullptr);
    if (handle != nullptr) dlclose(handle);
  } else {
    o.Set("libraryIsOpenblas", false);
    o.Set("library", env.Null());
  }
  o.Set("openblasConfig", openblas_get_config != nullptr ? Napi::Value(Napi::String::New(env, openblas_get_config())) : env.Null());
  o.Set("openblasCore", openblas_get_corename != nullptr ? Napi::Value(Napi::String::New(env, openblas_get_corename())) : env.Null());
  o.Set("openblasParallel", openblas_get_parallel != nullptr ? Napi::Value(Napi::Number::New(env, openblas_get_parallel())) : env.Null());
  o.Set("blasThreads", openblas_get_num_threads != nullptr ? openblas_get_num_threads() : -1);
  o.Set("torchThreads", torch::get_num_threads());
  o.Set("torchVersion", std::string(TORCH_VERSION));
  return o;
})
OP(GetNumThreads, { return Napi::Number::New(env, torch::get_num_threads()); })
OP(ManualSeed, { torch::manual_seed((uint64_t)Int(info[0])); return env.Undefined(); })
OP(SetGradEnabled, { c10::GradMode::set_enabled(info[0].ToBoolean()); return env.Undefined(); })
OP(IsGradEnabled, { return Napi::Boolean::New(env, c10::GradMode::is_enabled()); })

OP(ClipGradNorm, {
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<at::Tensor> ps;
  for (uint32_t i = 0; i < list.Length(); i++) ps.push_back(T(list.Get(i)));
  double max = Num(info[1]);
  double total = 0;
  for (auto& p : ps) if (p.grad().defined()) total += p.grad().detach().to(torch::kDouble).square().sum().item<double>();
  total = std::sqrt(total);
  if (max > 0 && total > max) {
    double scale = max / (total + 1e-6);
    for (auto& p : ps) if (p.grad().defined()) p.mutable_grad().mul_(scale);
  }
  return Napi::Number::New(env, total);
})

// AdamW over parameter groups: [{params: Tensor[], lr, weightDecay}].
class Optimizer : public Napi::ObjectWrap<Optimizer> {
 public:
  static Napi::FunctionReference ctor;
  std::unique_ptr<torch::optim::AdamW> opt;

  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "AdamW", {
      InstanceMethod("step", &Optimizer::Step),
      InstanceMethod("setLr", &Optimizer::SetLr),
      InstanceMethod("save", &Optimizer::Save),
      InstanceMethod("load", &Optimizer::Load),
    });
    ctor = Napi::Persistent(f);
    ctor.SuppressDestruct();
    exports.Set("AdamW", f);
  }

  Optimizer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Optimizer>(info) {
    Napi::Env env = info.Env();
    Napi::Array groups = info[0].As<Napi::Array>();
    double b1 = Num(info[1]), b2 = Num(info[2]), eps = Num(info[3]);
    std::vector<torch::optim::OptimizerParamGroup> pgs;
    for (uint32_t g = 0; g < groups.Length(); g++) {
      Napi::Object group = groups.Get(g).As<Napi::Object>();
      Napi::Array params = group.Get("params").As<Napi::Array>();
      std::vector<at::Tensor> ps;
      for (uint32_t i = 0; i < params.Length(); i++) ps.push_back(T(params.Get(i)));
      auto options = std::make_unique<torch::optim::AdamWOptions>(Num(group.Get("lr")));
      options->betas(std::make_tuple(b1, b2)).eps(eps).weight_decay(Num(group.Get("weightDecay")));
      pgs.emplace_back(ps, std::move(options));
    }
    try {
      opt = std::make_unique<torch::optim::AdamW>(pgs, torch::optim::AdamWOptions(1e-3));
    } catch (const c10::Error& e) {
      throw Napi::Error::New(env, e.what_without_backtrace());
    }
  }
  Napi::Value Step(const Napi::CallbackInfo& info) { opt->step(); return info.Env().Undefined(); }
  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    auto& group = opt->param_groups().at(Int(info[0]));
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(Num(info[1]));
    return info.Env().Undefined();
  }
  Napi::Value Save(const Napi::CallbackInfo& info) {
    std::ostringstream out;
    torch::serialize::OutputArchive archive;
    opt->save(archive);
    archive.save_to(out);
    std::string s = out.str();
    return Napi::Buffer<char>::Copy(info.Env(), s.data(), s.size());
  }
  Napi::Value Load(const Napi::CallbackInfo& info) {
    auto buf = info[0].As<Napi::Buffer<char>>();
    std::istringstream in(std::string(buf.Data(), buf.Length()));
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    opt->load(archive);
    return info.Env().Undefined();
  }
};
Napi::FunctionReference Optimizer::ctor;

Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  // Large tensors come from the caching allocator (allocator.h says why); SEER_ALLOCATOR=system
  // keeps libtorch's own (glibc) allocator, for comparison. SEER_CACHE_MAX_MB caps the free
  // blocks kept (default 2048). SEER_MMAP_THRESHOLD / SEER_ARENA_MAX tune glibc for the rest.
  const char* which = std::getenv("SEER_ALLOCATOR");
  if (!which || std::string(which) != "system") {
    const char* cap = std::getenv("SEER_CACHE_MAX_MB");
    seer::InstallCachingAllocator((uint64_t)(cap ? std::atoll(cap) : 2048) << 20);
  }
  const char* threshold = std::getenv("SEER_MMAP_THRESHOLD");
  if (threshold) mallopt(M_MMAP_THRESHOLD, std::atoi(threshold));
  const char* arenas = std::getenv("SEER_ARENA_MAX");
  if (arenas) mallopt(M_ARENA_MAX, std::atoi(arenas));
  Tensor::Init(env, exports);
  Optimizer::Init(env, exports);
#define REG(n, f) exports.Set(n, Napi::Function::New(env, f));
  REG("fromFloat32", FromFloat32) REG("fromInt32", FromInt32) REG("randn", Randn) REG("zeros", Zeros) REG("ones", Ones)
  REG("matmul", Matmul) REG("add", Add) REG("sub", Sub) REG("mul", Mul) REG("div", Div) REG("mulScalar", MulScalar)
  REG("addScalar", AddScalar) REG("exp", Exp) REG("log", Log) REG("neg", Neg) REG("gelu", Gelu) REG("relu", Relu)
  REG("tanh", Tanh) REG("softmax", Softmax) REG("logSoftmax", LogSoftmax) REG("sum", Sum) REG("mean", Mean)
  REG("reshape", Reshape) REG("transpose", Transpose) REG("permute", Permute) REG("contiguous", Contiguous)
  REG("narrow", Narrow) REG("cat", Cat) REG("embedding", Embedding) REG("gather", Gather) REG("layerNorm", LayerNorm)
  REG("causalMask", CausalMask) REG("maskedFill", MaskedFill) REG("unsqueeze", Unsqueeze) REG("expand", Expand)
  REG("square", Square) REG("sqrt", Sqrt) REG("clamp", Clamp) REG("indexSelect", IndexSelect) REG("where", Where)
  REG("toBool", ToBool) REG("setNumThreads", SetNumThreads) REG("getNumThreads", GetNumThreads) REG("blasThreads", BlasThreads) REG("blasInfo", BlasInfo)
  REG("manualSeed", ManualSeed) REG("setGradEnabled", SetGradEnabled) REG("isGradEnabled", IsGradEnabled)
  REG("clipGradNorm", ClipGradNorm) REG("conv2d", Conv2d) REG("maxPool2d", MaxPool2d) REG("crossEntropy", CrossEntropy)
  REG("fromFloat64", FromFloat64) REG("cast", Cast) REG("linear", Linear) REG("silu", Silu)
  REG("memoryStats", MemoryStats) REG("attendOneQuery", AttendOneQuery) REG("cacheAndAttend", CacheAndAttend) REG("emptyCache", EmptyCache)
  return exports;
}

}  // namespace

NODE_API_MODULE(seer_torch, InitAll)
