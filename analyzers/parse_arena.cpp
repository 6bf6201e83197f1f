// Bump allocator for Gumbo parses and the pool that reuses it; see parse_arena.h.
#include "analyzers/parse_arena.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
// Arena memory not handed out is poisoned, so a read of a node after its document went is still
// caught by AddressSanitizer.
#define TW_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define TW_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define TW_POISON(p, n) ((void)(p), (void)(n))
#define TW_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace tw {
namespace {

constexpr std::size_t kAlignment = alignof(std::max_align_t);

std::size_t aligned(std::size_t size) {
  return (size + kAlignment - 1) & ~(kAlignment - 1);
}

}  // namespace

ParseArena::ParseArena() {
  add_chunk(kFirstChunkBytes);
}

ParseArena::~ParseArena() {
  free_malloc_blocks();
  for (const Chunk& chunk : chunks_) {
    TW_UNPOISON(chunk.data, chunk.size);
    std::free(chunk.data);
  }
}

bool ParseArena::add_chunk(std::size_t at_least) {
  std::size_t size = chunks_.empty() ? at_least : std::max(at_least, chunks_.back().size * 2);
  if (chunk_bytes_ + size > kCapBytes) return false;
  char* data = static_cast<char*>(std::malloc(size));
  if (data == nullptr) return false;
  TW_POISON(data, size);
  chunks_.push_back({data, size});
  chunk_bytes_ += size;
  cursor_ = data;
  limit_ = data + size;
  return true;
}

void* ParseArena::allocate(std::size_t size) {
  size = aligned(size == 0 ? 1 : size);
  if (size < kLargeBlockBytes) {
    if (static_cast<std::size_t>(limit_ - cursor_) < size && !add_chunk(size)) {
      return allocate_from_malloc(size);
    }
    char* block = cursor_;
    cursor_ += size;
    latest_ = block;
    TW_UNPOISON(block, size);
    return block;
  }
  return allocate_from_malloc(size);
}

struct ParseArena::MallocHeader {
  MallocHeader* previous;
  MallocHeader* next;
};

void* ParseArena::allocate_from_malloc(std::size_t size) {
  static_assert(sizeof(MallocHeader) <= kAlignment);
  auto* header = static_cast<MallocHeader*>(std::malloc(kAlignment + size));
  if (header == nullptr) throw std::bad_alloc();
  *header = {nullptr, malloc_head_};
  if (malloc_head_ != nullptr) malloc_head_->previous = header;
  malloc_head_ = header;
  return reinterpret_cast<char*>(header) + kAlignment;
}

void ParseArena::free_malloc_block(void* block) {
  auto* header = reinterpret_cast<MallocHeader*>(static_cast<char*>(block) - kAlignment);
  if (header->previous != nullptr) header->previous->next = header->next;
  if (header->next != nullptr) header->next->previous = header->previous;
  if (malloc_head_ == header) malloc_head_ = header->next;
  std::free(header);
}

void ParseArena::free_malloc_blocks() {
  while (malloc_head_ != nullptr) {
    MallocHeader* next = malloc_head_->next;
    std::free(malloc_head_);
    malloc_head_ = next;
  }
}

bool ParseArena::owns(const void* block) const {
  const char* p = static_cast<const char*>(block);
  for (const Chunk& chunk : chunks_) {
    if (p >= chunk.data && p < chunk.data + chunk.size) return true;
  }
  return false;
}

void ParseArena::deallocate(void* block) {
  if (block == nullptr) return;
  if (block == latest_) {
    // The common pattern "allocate a scratch buffer, free it": take the bytes back.
    TW_POISON(latest_, static_cast<std::size_t>(cursor_ - latest_));
    cursor_ = latest_;
    latest_ = nullptr;
    return;
  }
  if (!owns(block)) free_malloc_block(block);
}

void ParseArena::reset() {
  if (chunks_.size() > 1) {
    // The page needed more than one chunk: keep one big enough for such a page next time.
    std::size_t wanted = std::min(std::bit_ceil(chunk_bytes_), kRetainedBytes);
    for (const Chunk& chunk : chunks_) {
      TW_UNPOISON(chunk.data, chunk.size);
      std::free(chunk.data);
    }
    chunks_.clear();
    chunk_bytes_ = 0;
    if (!add_chunk(wanted)) add_chunk(kFirstChunkBytes);
  } else if (!chunks_.empty()) {
    TW_POISON(chunks_.back().data, chunks_.back().size);
  }
  // No chunk at all only after malloc failed: the next allocate tries again.
  cursor_ = chunks_.empty() ? nullptr : chunks_.back().data;
  limit_ = chunks_.empty() ? nullptr : cursor_ + chunks_.back().size;
  latest_ = nullptr;
  free_malloc_blocks();
}

void* ParseArena::gumbo_allocate(void* arena, std::size_t size) {
  return static_cast<ParseArena*>(arena)->allocate(size);
}

void ParseArena::gumbo_deallocate(void* arena, void* block) {
  static_cast<ParseArena*>(arena)->deallocate(block);
}

namespace {

// Arenas not in use. Its size is the largest number of documents alive at once (one per
// analysis thread), so it needs no bound of its own.
struct ArenaPool {
  std::mutex mutex;
  std::vector<std::unique_ptr<ParseArena>> idle;
};

ArenaPool& arena_pool() {
  static ArenaPool* pool = new ArenaPool();  // never destroyed: documents may outlive statics
  return *pool;
}

}  // namespace

void ReturnParseArena::operator()(ParseArena* arena) const {
  arena->reset();
  ArenaPool& pool = arena_pool();
  std::lock_guard lock(pool.mutex);
  pool.idle.emplace_back(arena);
}

PooledParseArena acquire_parse_arena() {
  ArenaPool& pool = arena_pool();
  {
    std::lock_guard lock(pool.mutex);
    if (!pool.idle.empty()) {
      ParseArena* arena = pool.idle.back().release();
      pool.idle.pop_back();
      return PooledParseArena(arena);
    }
  }
  return PooledParseArena(new ParseArena());
}

}  // namespace tw
