#include "direct_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace trawl {

namespace {
/** Alignment of direct writes' memory, offsets and lengths: a page covers every block size. */
constexpr size_t kAlign = 4096;
/** Bytes collected before a full write (a multiple of kAlign). */
constexpr size_t kBufferBytes = 8u << 20;

size_t AlignUp(size_t n) {
  return (n + kAlign - 1) & ~(kAlign - 1);
}

size_t AlignDown(size_t n) {
  return n & ~(kAlign - 1);
}
}  // namespace

DirectFile* DirectFile::Create(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0644);
  if (fd < 0) return nullptr;
  void* buffer = nullptr;
  if (posix_memalign(&buffer, kAlign, kBufferBytes) != 0) {
    close(fd);
    errno = ENOMEM;
    return nullptr;
  }
  return new DirectFile(fd, static_cast<uint8_t*>(buffer));
}

DirectFile::DirectFile(int fd, uint8_t* buffer) : fd_(fd), buffer_(buffer) {}

DirectFile::~DirectFile() {
  if (fd_ >= 0) close(fd_);
  free(buffer_);
}

FILE* DirectFile::OpenStream() {
  const cookie_io_functions_t io{nullptr, &DirectFile::CookieWrite, &DirectFile::CookieSeek,
                                 &DirectFile::CookieClose};
  FILE* f = fopencookie(this, "w", io);
  // Unbuffered: each fwrite comes straight here, copied once into the aligned buffer.
  if (f != nullptr) setvbuf(f, nullptr, _IONBF, 0);
  return f;
}

bool DirectFile::WriteBlocks(size_t length) {
  size_t done = 0;
  while (done < length) {
    const ssize_t n = pwrite(fd_, buffer_ + done, length - done, base_ + static_cast<int64_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      failed_ = true;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool DirectFile::Append(const char* data, size_t length) {
  while (length > 0) {
    const size_t n = std::min(length, kBufferBytes - used_);
    std::memcpy(buffer_ + used_, data, n);
    used_ += n;
    data += n;
    length -= n;
    if (used_ == kBufferBytes) {
      if (!WriteBlocks(kBufferBytes)) return false;
      base_ += static_cast<int64_t>(kBufferBytes);
      used_ = 0;
    }
  }
  return true;
}

bool DirectFile::Sync() {
  if (failed_) {
    errno = EIO;
    return false;
  }
  if (used_ == 0) return true;
  const size_t padded = AlignUp(used_);
  std::memset(buffer_ + used_, 0, padded - used_);
  if (!WriteBlocks(padded)) return false;
  const int64_t end = base_ + static_cast<int64_t>(used_);
  if (padded != used_ && ftruncate(fd_, end) != 0) {
    failed_ = true;
    return false;
  }
  // Whole blocks are done; the partial one stays to be written again with what follows.
  const size_t whole = AlignDown(used_);
  std::memmove(buffer_, buffer_ + whole, used_ - whole);
  base_ += static_cast<int64_t>(whole);
  used_ -= whole;
  return true;
}

bool DirectFile::Close() {
  bool ok = Sync();
  const int err = errno;
  if (close(fd_) != 0) ok = false;
  else if (!ok) errno = err;
  fd_ = -1;
  return ok;
}

ssize_t DirectFile::CookieWrite(void* self, const char* data, size_t length) {
  // stdio counts a short write as an error: all or nothing.
  return static_cast<DirectFile*>(self)->Append(data, length) ? static_cast<ssize_t>(length) : -1;
}

int DirectFile::CookieSeek(void* self, off64_t* offset, int whence) {
  // Only ftell (libpcap asks for the position after the file header).
  auto* f = static_cast<DirectFile*>(self);
  if (whence != SEEK_CUR || *offset != 0) {
    errno = ESPIPE;
    return -1;
  }
  *offset = f->base_ + static_cast<off64_t>(f->used_);
  return 0;
}

int DirectFile::CookieClose(void* self) {
  auto* f = static_cast<DirectFile*>(self);
  const bool ok = f->Close();
  delete f;
  return ok ? 0 : -1;
}

}  // namespace trawl
