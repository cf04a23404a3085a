// A capture file being read record by record: the common face of the libpcap reader (pcap) and
// Trawl's own pcapng block reader. Runs on a worker thread; no N-API in here.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "errors.h"
#include "record_batch.h"

namespace trawl {

struct InterfaceInfo {
  uint32_t linkType = 0;
  uint32_t snaplen = 0;
  bool hasName = false;
  std::string name;
  bool hasDescription = false;
  std::string description;
  /** Timestamp units per second. */
  double tsResolution = 1e6;
  /** 0-based index of the pcapng section the interface was described in. */
  uint32_t section = 0;
};

struct FileInfo {
  std::string format;     // "pcap" | "pcapng"
  std::string engine;     // "libpcap" | "pcapng"
  std::string byteOrder;  // "little" | "big"
  uint32_t versionMajor = 0;
  uint32_t versionMinor = 0;
  bool nanosecond = false;
  uint32_t snaplen = 0;
  /** LINKTYPE_ value of the first interface; -1 while a pcapng file has shown none. */
  int64_t linkType = -1;
  /** Grows as a pcapng file is read (only the reading thread appends). */
  std::vector<InterfaceInfo> interfaces;
  int64_t sizeBytes = 0;
};

enum class ReadStatus {
  /** The batch is full (or the next record needs a fresh batch); more records follow. */
  kMore,
  /** The file ended cleanly. */
  kEnd,
  /** A broken record: fault() says where and why. */
  kFault,
  /** Cancelled between two records. */
  kCancelled,
};

class CaptureSource {
 public:
  virtual ~CaptureSource() = default;
  CaptureSource(const CaptureSource&) = delete;
  CaptureSource& operator=(const CaptureSource&) = delete;

  /**
   * Reads records into `batch` until it is full, the file ends, a record is broken or `cancel`
   * is set. End and fault are sticky: every later call returns them again with no records.
   */
  ReadStatus Fill(RecordBatch& batch, const std::atomic<bool>& cancel);

  /** File offset of the next record to deliver (sizes the next batch's buffers). */
  virtual int64_t Position() = 0;
  /** Current size of the file on disk. */
  virtual int64_t CurrentSize() = 0;

  const FileInfo& info() const { return info_; }
  const FileFault& fault() const { return fault_; }
  const std::string& path() const { return path_; }

 protected:
  explicit CaptureSource(std::string path) : path_(std::move(path)) {}
  virtual ReadStatus FillRecords(RecordBatch& batch, const std::atomic<bool>& cancel) = 0;

  /** Records a fault for the record or block at `offset`; returns kFault. */
  ReadStatus Fault(const char* code, int64_t offset, const std::string& message);

  std::string path_;
  FileInfo info_;
  FileFault fault_;

 private:
  bool ended_ = false;
  bool faulted_ = false;
};

/**
 * Opens `path` and reads its header: pcapng (by its magic) with PcapngReader, anything else with
 * libpcap. Throws FaultError (ENOENT, EACCES, EIO, BAD_FORMAT).
 */
std::unique_ptr<CaptureSource> OpenCaptureSource(const std::string& path);

}  // namespace trawl
