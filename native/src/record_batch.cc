#include "record_batch.h"

#include <cstring>

namespace trawl {

RecordBatch::Layout RecordBatch::LayoutFor(size_t capacity) {
  Layout l{};
  l.tsSec = 0;
  l.recordOffset = l.tsSec + 8 * capacity;
  l.dataOffset = l.recordOffset + 8 * capacity;
  l.tsNsec = l.dataOffset + 8 * capacity;
  l.capLen = l.tsNsec + 4 * capacity;
  l.origLen = l.capLen + 4 * capacity;
  l.linkType = l.origLen + 4 * capacity;
  l.ifaceId = l.linkType + 4 * capacity;
  l.dataStart = l.ifaceId + 4 * capacity;
  l.section = l.dataStart + 4 * capacity;
  l.pen = l.section + 4 * capacity;
  l.flags = l.pen + 4 * capacity;
  return l;
}

RecordBatch::RecordBatch(uint8_t* columns, size_t recordCapacity, uint8_t* data, size_t dataCapacity,
                         bool includeData)
    : recordCapacity_(recordCapacity),
      data_(data),
      dataCapacity_(includeData ? dataCapacity : 0),
      includeData_(includeData) {
  const Layout l = LayoutFor(recordCapacity);
  // The column buffer is an ArrayBuffer: suitably aligned for doubles, and every column starts on
  // a multiple of its element size.
  tsSec_ = reinterpret_cast<double*>(columns + l.tsSec);
  recordOffset_ = reinterpret_cast<double*>(columns + l.recordOffset);
  dataOffset_ = reinterpret_cast<double*>(columns + l.dataOffset);
  tsNsec_ = reinterpret_cast<uint32_t*>(columns + l.tsNsec);
  capLen_ = reinterpret_cast<uint32_t*>(columns + l.capLen);
  origLen_ = reinterpret_cast<uint32_t*>(columns + l.origLen);
  linkType_ = reinterpret_cast<uint32_t*>(columns + l.linkType);
  ifaceId_ = reinterpret_cast<int32_t*>(columns + l.ifaceId);
  dataStart_ = reinterpret_cast<uint32_t*>(columns + l.dataStart);
  section_ = reinterpret_cast<uint32_t*>(columns + l.section);
  pen_ = reinterpret_cast<uint32_t*>(columns + l.pen);
  flags_ = columns + l.flags;
}

bool RecordBatch::Fits(uint32_t capLen) const {
  if (Full()) return false;
  if (!includeData_ || count_ == 0) return true;
  return capLen <= dataCapacity_ - dataUsed_;
}

void RecordBatch::Add(const RecordMeta& meta, const uint8_t* bytes) {
  const size_t i = count_++;
  tsSec_[i] = meta.tsSec;
  tsNsec_[i] = meta.tsNsec;
  capLen_[i] = meta.capLen;
  origLen_[i] = meta.origLen;
  linkType_[i] = meta.linkType;
  ifaceId_[i] = meta.ifaceId;
  recordOffset_[i] = static_cast<double>(meta.recordOffset);
  dataOffset_[i] = static_cast<double>(meta.dataOffset);
  section_[i] = meta.section;
  pen_[i] = meta.pen;
  flags_[i] = meta.flags;
  if (!includeData_) {
    dataStart_[i] = 0;
    return;
  }
  if (meta.capLen > dataCapacity_ - dataUsed_) {
    // Only an empty batch gets here (Fits): the record is bigger than the whole data buffer.
    overflow_.assign(bytes, bytes + meta.capLen);
    dataStart_[i] = 0;
    return;
  }
  dataStart_[i] = static_cast<uint32_t>(dataUsed_);
  if (meta.capLen != 0) std::memcpy(data_ + dataUsed_, bytes, meta.capLen);
  dataUsed_ += meta.capLen;
}

void RecordBatch::AddSecrets(uint32_t type, std::vector<uint8_t> data) {
  secrets_.push_back({static_cast<uint32_t>(count_), type, std::move(data)});
}

void RecordBatch::AddComment(std::string text) {
  if (count_ == 0) return;
  comments_.emplace_back(static_cast<uint32_t>(count_ - 1), std::move(text));
}

}  // namespace trawl
