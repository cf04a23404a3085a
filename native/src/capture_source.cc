#include "capture_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "libpcap_reader.h"
#include "pcapng_reader.h"

namespace trawl {

ReadStatus CaptureSource::Fill(RecordBatch& batch, const std::atomic<bool>& cancel) {
  if (faulted_) return ReadStatus::kFault;
  if (ended_) return ReadStatus::kEnd;
  const ReadStatus status = FillRecords(batch, cancel);
  if (status == ReadStatus::kFault) faulted_ = true;
  if (status == ReadStatus::kEnd) ended_ = true;
  return status;
}

ReadStatus CaptureSource::Fault(const char* code, int64_t offset, const std::string& message) {
  fault_.code = code;
  fault_.offset = offset;
  fault_.path = path_;
  fault_.message = message;
  return ReadStatus::kFault;
}

namespace {

constexpr uint32_t kPcapngMagic = 0x0A0D0D0A;

/** Reads up to n bytes at offset 0 without moving the file position. */
ssize_t ReadHead(int fd, uint8_t* out, size_t n) {
  ssize_t got = 0;
  while (static_cast<size_t>(got) < n) {
    const ssize_t r = pread(fd, out + got, n - got, got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += r;
  }
  return got;
}

}  // namespace

std::unique_ptr<CaptureSource> OpenCaptureSource(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw FaultError(ErrnoFault(errno, path, "cannot open"));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    close(fd);
    throw FaultError(ErrnoFault(err, path, "cannot stat"));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    throw FaultError({"BAD_FORMAT", BaseName(path) + ": is a directory, not a capture file", path, -1});
  }
  uint8_t head[24] = {};
  const ssize_t got = ReadHead(fd, head, sizeof head);
  if (got < 0) {
    const int err = errno;
    close(fd);
    throw FaultError(ErrnoFault(err, path, "cannot read"));
  }
  const uint32_t magic = static_cast<uint32_t>(head[0]) << 24 | static_cast<uint32_t>(head[1]) << 16 |
                         static_cast<uint32_t>(head[2]) << 8 | head[3];
  // Each reader owns fd from here on, also when its constructor throws.
  if (got >= 4 && magic == kPcapngMagic) return std::make_unique<PcapngReader>(path, fd, st.st_size);
  return std::make_unique<LibpcapReader>(path, fd, st.st_size, head, static_cast<size_t>(got));
}

}  // namespace trawl
