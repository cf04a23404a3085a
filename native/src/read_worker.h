// One next() of a Reader: fills a batch on a libuv worker thread, straight into ArrayBuffers that
// were allocated on the JS thread before the work was queued (and are held until it ends).
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

#include "capture_source.h"
#include "record_batch.h"

namespace trawl {

class Reader;

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, Reader* reader, std::shared_ptr<CaptureSource> source,
             std::shared_ptr<const std::atomic<bool>> cancel, size_t recordCapacity, size_t dataCapacity,
             bool includeData);

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  Reader* reader_;
  /** Keeps the Reader's JS object (and so reader_) alive while the read runs. */
  Napi::ObjectReference readerRef_;
  std::shared_ptr<CaptureSource> source_;
  std::shared_ptr<const std::atomic<bool>> cancel_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::ArrayBuffer> columns_;
  Napi::Reference<Napi::ArrayBuffer> data_;
  size_t dataCapacity_;
  uint8_t* dataBytes_;
  RecordBatch batch_;
  ReadStatus status_ = ReadStatus::kMore;
};

}  // namespace trawl
