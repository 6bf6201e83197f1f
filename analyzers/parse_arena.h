// Memory for one Gumbo parse. Gumbo allocates and frees per token, about eleven times a page's
// size in all, and malloc/free were a fifth of a scan's CPU; a bump allocator whose frees are
// no-ops, emptied in one step when the document goes, makes the parse itself cheaper than
// Gumbo's defaults. Past a cap (and for single large blocks) it hands out malloc'd memory, so a
// hostile page costs what it did with malloc. Those blocks are remembered and freed by reset(),
// so a document is freed without walking its tree. One parse at a time per arena; arenas are
// pooled, so their memory is reused from page to page and never returned to the system mid-scan.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace tw {

class ParseArena {
 public:
  static constexpr std::size_t kFirstChunkBytes = std::size_t{1} << 20;
  static constexpr std::size_t kRetainedBytes = std::size_t{8} << 20;      // kept between parses
  static constexpr std::size_t kCapBytes = std::size_t{64} << 20;          // then malloc
  static constexpr std::size_t kLargeBlockBytes = std::size_t{256} << 10;  // always malloc

  ParseArena();
  ~ParseArena();
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  void* allocate(std::size_t size);
  // A no-op for arena memory (except the latest block, whose bytes are taken back); malloc'd
  // blocks are freed.
  void deallocate(void* block);
  // True when some block handed out from malloc is not freed yet.
  bool handed_out_malloc_blocks() const { return malloc_head_ != nullptr; }
  // Forgets every arena block and frees the malloc'd ones still out.
  void reset();

  // GumboOptions' allocator/deallocator, with the arena as userdata.
  static void* gumbo_allocate(void* arena, std::size_t size);
  static void gumbo_deallocate(void* arena, void* block);

 private:
  struct Chunk {
    char* data;
    std::size_t size;
  };
  bool add_chunk(std::size_t at_least);
  bool owns(const void* block) const;
  void* allocate_from_malloc(std::size_t size);
  void free_malloc_block(void* block);
  void free_malloc_blocks();

  std::vector<Chunk> chunks_;
  std::size_t chunk_bytes_ = 0;  // sum of chunk sizes
  char* cursor_ = nullptr;       // next free byte of the last chunk
  char* limit_ = nullptr;        // end of the last chunk
  char* latest_ = nullptr;       // the most recent arena block
  // Malloc'd blocks still out, in an intrusive list (a header before each block): a page past the
  // cap makes millions of them, so no per-block node of a separate container.
  struct MallocHeader;
  MallocHeader* malloc_head_ = nullptr;
};

// An arena from the process-wide pool, returned to it (reset) when the pointer goes.
struct ReturnParseArena {
  void operator()(ParseArena* arena) const;
};
using PooledParseArena = std::unique_ptr<ParseArena, ReturnParseArena>;
PooledParseArena acquire_parse_arena();

}  // namespace tw
