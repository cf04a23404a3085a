// An append-only file written with O_DIRECT from an aligned buffer, seen as a stdio FILE so that
// libpcap's dumper writes through it. Buffered writes copy every byte into the page cache, and on
// this kind of machine that costs about 3 ms of CPU a megabyte: at line rate (1514-byte frames,
// 700 MB/s) the capture thread would spend more than a core on it. A direct write hands the
// buffer to the disk without that copy. No N-API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace trawl {

class DirectFile {
 public:
  /**
   * Creates `path` with O_DIRECT. Returns nullptr with errno EINVAL when the file system does not
   * take direct writes (the caller falls back to buffered writes), and nullptr with the errno of
   * open(2) for anything else.
   */
  static DirectFile* Create(const std::string& path);
  ~DirectFile();
  DirectFile(const DirectFile&) = delete;
  DirectFile& operator=(const DirectFile&) = delete;

  /** A FILE that appends here and owns this object: fclose() flushes, closes and deletes it. */
  FILE* OpenStream();
  /**
   * Writes everything appended so far: the last, partial block padded, then the file cut back to
   * its true length. Returns false with errno set when a write fails.
   */
  bool Sync();

 private:
  DirectFile(int fd, uint8_t* buffer);
  bool Append(const char* data, size_t length);
  bool WriteBlocks(size_t length);
  bool Close();

  static ssize_t CookieWrite(void* self, const char* data, size_t length);
  static int CookieSeek(void* self, off64_t* offset, int whence);
  static int CookieClose(void* self);

  int fd_;
  uint8_t* buffer_;
  /** File offset of buffer_[0] (always a multiple of the alignment). */
  int64_t base_ = 0;
  /** Bytes of buffer_ holding data. */
  size_t used_ = 0;
  bool failed_ = false;
};

}  // namespace trawl
