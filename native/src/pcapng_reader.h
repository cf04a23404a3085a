// Trawl's own pcapng block reader: sections in either byte order, interfaces of different link
// types (libpcap refuses those), EPB, SPB and the obsolete Packet Block, Custom Blocks as records
// (tshark lists them), interface ids numbered across sections as tshark numbers them. Every
// length is checked before it is trusted.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "capture_source.h"

namespace trawl {

class PcapngReader : public CaptureSource {
 public:
  /**
   * Takes ownership of fd; reads the first Section Header Block and the Interface Description
   * Blocks up to the first packet. Throws FaultError (BAD_FORMAT, EIO).
   */
  PcapngReader(const std::string& path, int fd, int64_t size);
  ~PcapngReader() override;

  int64_t Position() override { return bufferOffset_ + static_cast<int64_t>(pos_); }
  int64_t CurrentSize() override;

 protected:
  ReadStatus FillRecords(RecordBatch& batch, const std::atomic<bool>& cancel) override;

 private:
  struct Interface {
    uint32_t globalId = 0;
    uint32_t linkType = 0;
    uint32_t snaplen = 0;
    /** Units per second when it fits 64 bits, else 0 (see exponent). */
    uint64_t unitsPerSecond = 1000000;
    bool base2 = false;
    uint8_t exponent = 6;
    int64_t tsOffset = 0;
  };

  enum class Step {
    /** A block was consumed. */
    kBlock,
    /** A packet block does not fit the batch: left unread. */
    kNoRoom,
    /** Priming: stopped before a packet block, left unread. */
    kStop,
    kEnd,
    kFault,
  };

  /** Reads one block; `batch` null means priming (stop before any packet). */
  Step ReadBlock(RecordBatch* batch);
  Step ReadPacketBlock(uint32_t type, const uint8_t* p, uint32_t len, RecordBatch& batch);
  /** A Custom Block (copy allowed or not) as a record without interface or time; kept while priming. */
  Step ReadCustomBlock(uint32_t type, const uint8_t* p, uint32_t len, RecordBatch* batch);
  /** Parses an SHB whose byte order is `swapped`; false (with `why`) when it is unusable. */
  bool ParseSectionHeader(const uint8_t* p, uint32_t len, bool swapped, std::string& why);
  bool ParseInterface(const uint8_t* p, uint32_t len, std::string& why);
  /** A Decryption Secrets Block: to `batch`, or kept for the first batch while priming. */
  bool ParseSecrets(const uint8_t* p, uint32_t len, RecordBatch* batch, std::string& why);
  void ToTime(const Interface& iface, uint64_t ts, RecordMeta& meta) const;

  /** Makes n bytes from the cursor available if the file has them; returns how many are. */
  size_t Ensure(size_t n);
  Step BlockFault(const char* code, int64_t offset, const std::string& detail);

  uint16_t U16(const uint8_t* p) const;
  uint32_t U32(const uint8_t* p) const;
  uint64_t U64(const uint8_t* p) const;

  int fd_;
  int64_t fileSize_;
  std::vector<uint8_t> buffer_;
  /** File offset of buffer_[0]; pos_ is the cursor (start of the next block), end_ the bytes held. */
  int64_t bufferOffset_ = 0;
  size_t pos_ = 0;
  size_t end_ = 0;
  int readErrno_ = 0;
  /** The current section's byte order differs from the host's. */
  bool swapped_ = false;
  std::vector<Interface> interfaces_;
  /** Global ids of the current section's interfaces, by section-local id. */
  std::vector<uint32_t> section_;
  /** 0-based index of the section being read, and whether a section header was seen yet. */
  uint32_t sectionIndex_ = 0;
  bool sawSection_ = false;
  /**
   * A block read while priming (looking for the interfaces before the first packet), handed out
   * with the first batches in file order: a Decryption Secrets Block or a Custom Block's record.
   */
  struct Primed {
    bool secrets = false;
    uint32_t secretsType = 0;
    RecordMeta meta;
    std::vector<uint8_t> bytes;
  };
  std::deque<Primed> primed_;
  /** Custom data held in primed_: priming stops before a Custom Block that would pass a bound. */
  size_t primedBytes_ = 0;
};

}  // namespace trawl
