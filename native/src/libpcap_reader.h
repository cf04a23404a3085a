// pcap files (every variant libpcap reads) through pcap_fopen_offline_with_tstamp_precision(NANO).
#pragma once

#include <pcap/pcap.h>

#include <cstdio>
#include <string>
#include <vector>

#include "capture_source.h"

namespace trawl {

class LibpcapReader : public CaptureSource {
 public:
  /** Takes ownership of fd; `head` holds the file's first `headLen` bytes. Throws FaultError. */
  LibpcapReader(const std::string& path, int fd, int64_t size, const uint8_t* head, size_t headLen);
  ~LibpcapReader() override;

  int64_t Position() override;
  int64_t CurrentSize() override;

 protected:
  ReadStatus FillRecords(RecordBatch& batch, const std::atomic<bool>& cancel) override;

 private:
  ReadStatus ReadFault(int64_t offset);
  /** Reads a record's stored bytes itself (for one longer than the snaplen); false on error. */
  bool ReadWhole(int64_t at, size_t length);

  FILE* file_ = nullptr;
  pcap_t* pcap_ = nullptr;
  /** Record header size: 16, or 24 for Alexey Kuznetzov's patched format. */
  int64_t recordHeaderBytes_ = 16;
  bool nanosecondFile_ = false;
  /** libpcap's snapshot length: records are cut to it. */
  uint32_t snapshot_ = 0;
  uint32_t linkType_ = 0;
  /** A record read that did not fit the previous batch. */
  bool hasPending_ = false;
  RecordMeta pendingMeta_;
  std::vector<uint8_t> pendingBytes_;
  std::vector<char> stdioBuffer_;
  std::vector<uint8_t> wholeRecord_;
};

}  // namespace trawl
