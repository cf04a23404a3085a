#include "read_worker.h"

#include <cstring>

#include "reader.h"

namespace trawl {

namespace {

Napi::ArrayBuffer NewBuffer(Napi::Env env, size_t bytes) {
  return Napi::ArrayBuffer::New(env, bytes);
}

/**
 * A buffer for packet bytes. napi_create_buffer leaves the memory uninitialized (ArrayBuffer::New
 * zero-fills it: as costly as the copy itself); the worker zeroes what it does not fill.
 */
Napi::ArrayBuffer NewDataBuffer(Napi::Env env, size_t bytes) {
  Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::New(env, bytes);
  Napi::ArrayBuffer backing = buffer.ArrayBuffer();
  if (buffer.ByteOffset() == 0 && backing.ByteLength() == bytes) return backing;
  return NewBuffer(env, bytes);
}

uint8_t* BytesOf(Napi::ArrayBuffer buffer) {
  return static_cast<uint8_t*>(buffer.Data());
}

}  // namespace

ReadWorker::ReadWorker(Napi::Env env, Reader* reader, std::shared_ptr<CaptureSource> source,
                       std::shared_ptr<const std::atomic<bool>> cancel, size_t recordCapacity,
                       size_t dataCapacity, bool includeData)
    : Napi::AsyncWorker(env, "trawl.Reader.next"),
      reader_(reader),
      readerRef_(Napi::Persistent(reader->Value())),
      source_(std::move(source)),
      cancel_(std::move(cancel)),
      deferred_(Napi::Promise::Deferred::New(env)),
      columns_(Napi::Persistent(NewBuffer(env, recordCapacity * RecordBatch::kBytesPerRecord))),
      data_(Napi::Persistent(NewDataBuffer(env, includeData ? dataCapacity : 0))),
      dataCapacity_(includeData ? dataCapacity : 0),
      dataBytes_(BytesOf(data_.Value())),
      batch_(BytesOf(columns_.Value()), recordCapacity, dataBytes_, includeData ? dataCapacity : 0,
             includeData) {}

void ReadWorker::Execute() {
  try {
    status_ = source_->Fill(batch_, *cancel_);
    // No stale memory behind the packets in the buffer JS receives.
    if (batch_.dataUsed() < dataCapacity_) {
      std::memset(dataBytes_ + batch_.dataUsed(), 0, dataCapacity_ - batch_.dataUsed());
    }
  } catch (const std::exception& e) {
    SetError(std::string("read failed: ") + e.what());
  }
}

void ReadWorker::OnOK() {
  Napi::HandleScope scope(Env());
  reader_->FinishRead(Env(), deferred_, status_, batch_, columns_.Value(), data_.Value());
}

void ReadWorker::OnError(const Napi::Error& error) {
  Napi::HandleScope scope(Env());
  reader_->FailRead(Env(), deferred_, error.Message());
}

}  // namespace trawl
