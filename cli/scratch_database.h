// The database of a run that keeps no history (`--db ''`): a fresh file in the temp directory,
// so the scan streams its pages into a store and the reports are written from it exactly as when
// history is kept (one code path). The file and SQLite's -wal/-shm/-journal companions are
// removed when the object goes, also after an interrupted scan.
#pragma once

#include <string>

#include "model/result.h"

namespace tw::cli {

class ScratchDatabase {
 public:
  ScratchDatabase() = default;
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // Creates the file (mode 0600, under $TMPDIR or /tmp). Errors name the directory.
  Status create();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tw::cli
