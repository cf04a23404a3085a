#include "read_worker.h"

#include "reader.h"

namespace trawl {

namespace {

Napi::ArrayBuffer NewBuffer(Napi::Env env, size_t bytes) { return Napi::ArrayBuffer::New(env, bytes); }

uint8_t* BytesOf(Napi::ArrayBuffer buffer) { return static_cast<uint8_t*>(buffer.Data()); }

}  // namespace

ReadWorker::ReadWorker(Napi::Env env, Reader* reader, CaptureSource* source, const std::atomic<bool>& cancel,
                       size_t recordCapacity, size_t dataCapacity, bool includeData)
    : Napi::AsyncWorker(env, "trawl.Reader.next"),
      reader_(reader),
      readerRef_(Napi::Persistent(reader->Value())),
      source_(source),
      cancel_(cancel),
      deferred_(Napi::Promise::Deferred::New(env)),
      columns_(Napi::Persistent(NewBuffer(env, recordCapacity * RecordBatch::kBytesPerRecord))),
      data_(Napi::Persistent(NewBuffer(env, includeData ? dataCapacity : 0))),
      batch_(BytesOf(columns_.Value()), recordCapacity, BytesOf(data_.Value()), includeData ? dataCapacity : 0,
             includeData) {}

void ReadWorker::Execute() {
  try {
    status_ = source_->Fill(batch_, cancel_);
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
