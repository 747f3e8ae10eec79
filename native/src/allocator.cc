// The caching CPU allocator described in allocator.h.
#include "allocator.h"

#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace seer {
namespace {

constexpr size_t kSmall = 64 * 1024;  // below this, plain malloc (its bins already reuse well)
constexpr size_t kPage = 4096;

// Round up to one of 4 classes per power of two (x1, x1.25, x1.5, x1.75), page aligned.
size_t SizeClass(size_t n) {
  size_t pow = kSmall;
  while (pow * 2 <= n) pow *= 2;
  size_t step = pow / 4;
  size_t rounded = (n + step - 1) / step * step;
  return (rounded + kPage - 1) / kPage * kPage;
}

class Pool {
 public:
  void* Take(size_t n) {
    size_t size = SizeClass(n);
    std::lock_guard<std::mutex> lock(mu_);
    void* p = nullptr;
    // Best fit among cached blocks up to twice the class: when sequence lengths vary from step
    // to step (pretraining batches do), exact classes would each keep their own blocks and the
    // cache would hold several copies of the working set (measured: 2.1 GB after 100 steps).
    auto it = free_.lower_bound(size);
    if (it != free_.end() && it->first <= 2 * size) {
      size = it->first;
      p = it->second.back();
      it->second.pop_back();
      if (it->second.empty()) free_.erase(it);
      cached_ -= size;
      hits_++;
    } else {
      p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        // Out of address space or memory: drop the cache once and retry before giving up.
        ReleaseLocked();
        p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
      }
      misses_++;
    }
    sizes_[p] = size;
    live_ += size;
    if (live_ > peakLive_) peakLive_ = live_;
    if (live_ + cached_ > peak_) peak_ = live_ + cached_;
    return p;
  }

  // True if `p` was one of ours (and is now cached or unmapped).
  bool Give(void* p) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sizes_.find(p);
    if (it == sizes_.end()) return false;
    size_t size = it->second;
    sizes_.erase(it);
    live_ -= size;
    // Keep at most two working sets (twice the peak of live bytes so far) and at most the cap,
    // however the shapes vary. Measured at V905 B32, T drawn in 90–180 each step: one working
    // set gave 1.0 GB RSS and 96% hits (0.51 s/step), two gave 1.65 GB and 99.5% (0.41 s/step).
    if (cached_ + size <= std::min<uint64_t>(maxCached_, 2 * peakLive_)) {
      free_[size].push_back(p);
      cached_ += size;
    } else {
      munmap(p, size);
    }
    return true;
  }

  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    ReleaseLocked();
  }

  AllocatorStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return {live_, cached_, peak_, hits_, misses_};
  }

  uint64_t maxCached_ = 0;

 private:
  void ReleaseLocked() {
    for (auto& [size, blocks] : free_)
      for (void* p : blocks) munmap(p, size);
    free_.clear();
    cached_ = 0;
  }

  std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_;
  std::unordered_map<void*, size_t> sizes_;
  uint64_t live_ = 0, cached_ = 0, peak_ = 0, peakLive_ = 0, hits_ = 0, misses_ = 0;
};

Pool& GetPool() {
  static Pool* pool = new Pool();  // never destroyed: tensors may be freed during process exit
  return *pool;
}

void Delete(void* p) {
  if (p == nullptr) return;
  if (!GetPool().Give(p)) std::free(p);
}

class CachingAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    void* p = nullptr;
    if (n >= kSmall) {
      p = GetPool().Take(n);
    } else if (posix_memalign(&p, 64, n == 0 ? 64 : n) != 0) {
      throw std::bad_alloc();
    }
    return {p, p, &Delete, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &Delete; }
};

}  // namespace

void InstallCachingAllocator(uint64_t maxCachedBytes) {
  static CachingAllocator allocator;
  GetPool().maxCached_ = maxCachedBytes;
  // Priority 1 beats the default CPU allocator (priority 0).
  c10::SetCPUAllocator(&allocator, 1);
}

AllocatorStats GetAllocatorStats() { return GetPool().Stats(); }

void EmptyCache() { GetPool().Release(); }

}  // namespace seer
