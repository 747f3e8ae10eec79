// A caching CPU allocator for libtorch, installed once when the addon loads.
//
// Why: a training step frees and re-allocates the same few hundred activation-sized blocks every
// step. Through glibc, large blocks are either mmap'd (every step pays page faults to map and zero
// them again: about half the step, measured) or carved from the heap, which fragments (RSS grew by
// about one activation per step, measured). This allocator keeps freed blocks of >= 64 KiB in
// size classes (4 per power of two, so at most 25% slack) and hands them out again, so a steady
// loop touches the same memory every step and RSS stays flat. Smaller blocks go to malloc.
// PyTorch's own CUDA allocator works the same way; its CPU allocator does not cache.
#pragma once
#include <cstddef>
#include <cstdint>

namespace seer {

struct AllocatorStats {
  uint64_t liveBytes;     // bytes in blocks handed out and not yet freed (cached path only)
  uint64_t cachedBytes;   // bytes in freed blocks kept for reuse
  uint64_t peakBytes;     // max of liveBytes + cachedBytes since load
  uint64_t hits;          // allocations served from the cache
  uint64_t misses;        // allocations that mapped new memory
};

// Install as libtorch's CPU allocator. `maxCachedBytes` caps the free blocks kept; beyond it a
// freed block is returned to the system.
void InstallCachingAllocator(uint64_t maxCachedBytes);
AllocatorStats GetAllocatorStats();
// Return every cached (free) block to the system.
void EmptyCache();

}  // namespace seer
