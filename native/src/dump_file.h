// A pcap file written through libpcap's dumper (pcap_open_dead + pcap_dump_*): the one place
// Trawl writes pcap records, used by the JS Writer and by the live capture thread. No N-API.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <memory>
#include <string>

#include "direct_file.h"
#include "errors.h"

namespace trawl {

struct DumpFileOptions {
  /** LINKTYPE_ value (the file's numbering). */
  uint32_t linkType = 0;
  uint32_t snaplen = 262144;
  bool nanosecond = false;
  /** Append to an existing pcap written with the same options. */
  bool append = false;
  /** Write with O_DIRECT (a live capture at line rate) where the file system allows it. */
  bool direct = false;
};

class DumpFile {
 public:
  /** Creates (or appends to) `path`; throws FaultError (EINVAL, ENOENT, EACCES, BAD_FORMAT, EIO). */
  DumpFile(std::string path, const DumpFileOptions& options);
  ~DumpFile();
  DumpFile(const DumpFile&) = delete;
  DumpFile& operator=(const DumpFile&) = delete;

  /**
   * Writes one record: a nanosecond field of a second or more is carried into the seconds, the
   * bytes are cut at the snaplen and the original length is never less than the bytes given.
   */
  void Dump(int64_t tsSec, int64_t tsNsec, uint32_t origLen, const uint8_t* bytes, size_t length);
  /** Bytes in the file after the last record written (header included). */
  int64_t Position() const { return position_; }
  /** The record header is 16 bytes: a record's bytes start there. */
  static constexpr int64_t kRecordHeaderBytes = 16;
  uint32_t snaplen() const { return snaplen_; }
  /** Pushes buffered records to the kernel; throws FaultError EIO. */
  void Flush();
  /** Throws FaultError EIO when the stream has failed. */
  void CheckStream();
  /** Flushes and closes; throws FaultError EIO when the flush failed. Safe to call twice. */
  void Close();
  bool open() const { return dumper_ != nullptr; }
  const std::string& path() const { return path_; }

 private:
  void Release();
  FILE* CreateStream(bool direct);
  FaultError WriteFailed(int err) const;

  std::string path_;
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  /** The stream's direct sink when written with O_DIRECT (owned by the stream). */
  DirectFile* direct_ = nullptr;
  uint32_t snaplen_;
  bool nanosecond_;
  int64_t position_ = 0;
};

/** libpcap's DLT_ value for a LINKTYPE_ value (they differ for a few old types). */
int DltOf(uint32_t linkType);

}  // namespace trawl
