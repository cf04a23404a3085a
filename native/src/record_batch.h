// One batch of records as parallel columns, filled on a worker thread straight into memory that JS
// allocated (no external buffers): the column ArrayBuffer and the data ArrayBuffer are created on
// the JS thread before the read starts and kept alive by the worker. No N-API in here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace trawl {

/** Bits of RecordMeta::flags (the same values as RecordFlag in app/dissect/packet-info.ts). */
enum RecordFlag : uint8_t {
  /** The record has no time of its own (pcapng Simple Packet Block, Custom Block): tsSec/tsNsec are 0. */
  kNoTimestamp = 1,
  /** A pcapng Custom Block: the bytes are its custom data and options, `pen` its enterprise number. */
  kCustomBlock = 2,
  /** A Custom Block that may be copied to a new file (block type 0x00000BAD, not 0x40000BAD). */
  kCustomCopyAllowed = 4,
};

/** What a reader knows about one record. */
struct RecordMeta {
  double tsSec = 0;
  uint32_t tsNsec = 0;
  uint32_t capLen = 0;
  uint32_t origLen = 0;
  uint32_t linkType = 0;
  int32_t ifaceId = -1;
  int64_t recordOffset = 0;
  int64_t dataOffset = 0;
  /** 0-based pcapng section the record is in (0 for pcap). */
  uint32_t section = 0;
  /** A Custom Block's Private Enterprise Number, else 0. */
  uint32_t pen = 0;
  /** RecordFlag bits. */
  uint8_t flags = 0;
};

class RecordBatch {
 public:
  /** Bytes of column storage per record: 3 float64 columns, 8 32-bit ones and 1 8-bit one. */
  static constexpr size_t kBytesPerRecord = 3 * 8 + 8 * 4 + 1;

  /** Byte offsets of each column in a column buffer sized for `capacity` records. */
  struct Layout {
    size_t tsSec, recordOffset, dataOffset, tsNsec, capLen, origLen, linkType, ifaceId, dataStart, section,
        pen, flags;
  };
  static Layout LayoutFor(size_t capacity);

  /**
   * `columns` holds kBytesPerRecord * recordCapacity bytes; `data` holds dataCapacity bytes (may be
   * null when includeData is false).
   */
  RecordBatch(uint8_t* columns, size_t recordCapacity, uint8_t* data, size_t dataCapacity, bool includeData);

  /** True when no further record may be added. */
  bool Full() const { return count_ >= recordCapacity_ || !overflow_.empty(); }

  /**
   * Whether a record of capLen bytes can be added now. An empty batch takes a record of any size
   * (one bigger than the data buffer goes to a native overflow buffer the binding copies out).
   */
  bool Fits(uint32_t capLen) const;

  /** Appends a record (call Fits first); copies its capLen bytes when the batch carries data. */
  void Add(const RecordMeta& meta, const uint8_t* bytes);

  /** Attaches a comment to the record added last. */
  void AddComment(std::string text);

  /** A Decryption Secrets Block read before the next record (pcapng secrets type and data). */
  void AddSecrets(uint32_t type, std::vector<uint8_t> data);

  size_t count() const { return count_; }
  size_t recordCapacity() const { return recordCapacity_; }
  size_t dataUsed() const { return dataUsed_; }
  bool includeData() const { return includeData_; }
  /** The single oversized record's bytes, when there is one (then data buffer is unused). */
  const std::vector<uint8_t>& overflow() const { return overflow_; }
  const std::vector<std::pair<uint32_t, std::string>>& comments() const { return comments_; }
  struct Secrets {
    /** Index of the record the block precedes (count() when none followed in this batch). */
    uint32_t before;
    uint32_t type;
    std::vector<uint8_t> data;
  };
  const std::vector<Secrets>& secrets() const { return secrets_; }

 private:
  double* tsSec_;
  double* recordOffset_;
  double* dataOffset_;
  uint32_t* tsNsec_;
  uint32_t* capLen_;
  uint32_t* origLen_;
  uint32_t* linkType_;
  int32_t* ifaceId_;
  uint32_t* dataStart_;
  uint32_t* section_;
  uint32_t* pen_;
  uint8_t* flags_;
  size_t recordCapacity_;
  uint8_t* data_;
  size_t dataCapacity_;
  bool includeData_;
  size_t count_ = 0;
  size_t dataUsed_ = 0;
  std::vector<uint8_t> overflow_;
  std::vector<std::pair<uint32_t, std::string>> comments_;
  std::vector<Secrets> secrets_;
};

}  // namespace trawl
