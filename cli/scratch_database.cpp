#include "cli/scratch_database.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace tw::cli {

Status ScratchDatabase::create() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string name = (dir / "tagwarden-scan-XXXXXX.db").string();
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  int fd = mkstemps(buffer.data(), 3);
  if (fd < 0) {
    return Error{"cannot create a temporary scan database in " + dir.string() + ": " +
                 std::strerror(errno)};
  }
  close(fd);
  path_ = buffer.data();
  return Ok{};
}

ScratchDatabase::~ScratchDatabase() {
  if (path_.empty()) return;
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path_ + suffix, ec);
  }
}

}  // namespace tw::cli
