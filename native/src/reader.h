// The JS Reader: opens a capture file (synchronously reads its header), then hands out batches
// of records from next(), each read on a worker thread (ReadWorker).
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

#include "capture_source.h"
#include "record_batch.h"

namespace trawl {

class Reader : public Napi::ObjectWrap<Reader> {
 public:
  static Napi::Function Define(Napi::Env env);

  explicit Reader(const Napi::CallbackInfo& info);
  ~Reader() override;

  /** Called on the JS thread when a ReadWorker finished. */
  void FinishRead(Napi::Env env, Napi::Promise::Deferred deferred, ReadStatus status,
                  const RecordBatch& batch, Napi::ArrayBuffer columns, Napi::ArrayBuffer data);
  void FailRead(Napi::Env env, Napi::Promise::Deferred deferred, const std::string& message);
  /** The JS RecordBatch over `columns` and `data` (also used by live capture). */
  static Napi::Object MakeBatch(Napi::Env env, const RecordBatch& batch, Napi::ArrayBuffer columns,
                                Napi::ArrayBuffer data);

 private:
  Napi::Value Next(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  /** Copies interfaces the source found since the last call into the JS info object. */
  void SyncInfo(Napi::Env env);
  Napi::Error Cancelled(Napi::Env env, const char* why);
  /** Releases the file once no read is in flight. */
  void AfterRead();

  // Shared with the read in flight, which may outlive this object when the environment is torn
  // down mid-read.
  std::shared_ptr<CaptureSource> source_;
  std::string path_;
  Napi::ObjectReference info_;
  size_t interfacesShown_ = 0;
  size_t batchRecords_ = 8192;
  size_t batchBytes_ = 8u << 20;
  bool includeData_ = true;
  /** Records and packet bytes handed out so far: the mean sizes the next data buffer. */
  double recordsRead_ = 0;
  double bytesRead_ = 0;
  bool busy_ = false;
  bool closed_ = false;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace trawl
