#include "reader.h"

#include <algorithm>
#include <cstring>

#include "errors.h"
#include "read_worker.h"

namespace trawl {

namespace {

constexpr size_t kMaxBatchRecords = 1u << 20;
constexpr size_t kMaxBatchBytes = 1u << 30;
/** The smallest record of either format (a pcap record header, a Simple Packet Block). */
constexpr int64_t kMinRecordBytes = 16;
constexpr size_t kFirstBatchBytes = 1u << 20;
constexpr size_t kBatchSlackBytes = 64u << 10;

size_t SizeOption(Napi::Object options, const char* name, size_t fallback, size_t max) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber())
    throw InvalidArgument(options.Env(), std::string("options.") + name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 1 && d <= static_cast<double>(max)) || d != static_cast<double>(static_cast<size_t>(d))) {
    throw InvalidArgument(options.Env(), std::string("options.") + name + " must be an integer from 1 to " +
                                             std::to_string(max));
  }
  return static_cast<size_t>(d);
}

Napi::Object InterfaceObject(Napi::Env env, const InterfaceInfo& iface) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("linkType", iface.linkType);
  o.Set("snaplen", iface.snaplen);
  if (iface.hasName) o.Set("name", iface.name);
  if (iface.hasDescription) o.Set("description", iface.description);
  o.Set("tsResolution", iface.tsResolution);
  o.Set("section", iface.section);
  return o;
}

}  // namespace

Napi::Function Reader::Define(Napi::Env env) {
  return DefineClass(env, "Reader",
                     {
                         InstanceMethod<&Reader::Next>("next"),
                         InstanceMethod<&Reader::Cancel>("cancel"),
                         InstanceMethod<&Reader::Close>("close"),
                     });
}

Reader::Reader(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Reader>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw InvalidArgument(env, "Reader(path, options?): path must be a string");
  path_ = info[0].As<Napi::String>().Utf8Value();
  if (path_.empty() || path_.find('\0') != std::string::npos)
    throw InvalidArgument(env, "Reader: path is empty or has a NUL");
  if (info.Length() >= 2 && !info[1].IsUndefined()) {
    if (!info[1].IsObject()) throw InvalidArgument(env, "Reader: options must be an object");
    Napi::Object options = info[1].As<Napi::Object>();
    batchRecords_ = SizeOption(options, "batchRecords", batchRecords_, kMaxBatchRecords);
    batchBytes_ = SizeOption(options, "batchBytes", batchBytes_, kMaxBatchBytes);
    Napi::Value include = options.Get("includeData");
    if (!include.IsUndefined()) {
      if (!include.IsBoolean()) throw InvalidArgument(env, "options.includeData must be a boolean");
      includeData_ = include.As<Napi::Boolean>().Value();
    }
  }
  try {
    source_ = OpenCaptureSource(path_);
  } catch (const FaultError& e) {
    throw ToJsError(env, e.fault());
  }
  const FileInfo& fi = source_->info();
  Napi::Object o = Napi::Object::New(env);
  o.Set("format", fi.format);
  o.Set("engine", fi.engine);
  o.Set("byteOrder", fi.byteOrder);
  o.Set("versionMajor", fi.versionMajor);
  o.Set("versionMinor", fi.versionMinor);
  o.Set("nanosecond", fi.nanosecond);
  o.Set("snaplen", fi.snaplen);
  o.Set("linkType", static_cast<double>(fi.linkType));
  o.Set("interfaces", Napi::Array::New(env));
  o.Set("sizeBytes", static_cast<double>(fi.sizeBytes));
  info_ = Napi::Persistent(o);
  SyncInfo(env);
  info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value("info", o, napi_enumerable));
}

void Reader::SyncInfo(Napi::Env env) {
  if (!source_) return;
  const FileInfo& fi = source_->info();
  if (fi.interfaces.size() == interfacesShown_) return;
  Napi::Object o = info_.Value();
  Napi::Array list = o.Get("interfaces").As<Napi::Array>();
  for (; interfacesShown_ < fi.interfaces.size(); interfacesShown_++) {
    list.Set(static_cast<uint32_t>(interfacesShown_), InterfaceObject(env, fi.interfaces[interfacesShown_]));
  }
  o.Set("nanosecond", fi.nanosecond);
  o.Set("snaplen", fi.snaplen);
  o.Set("linkType", static_cast<double>(fi.linkType));
}

Napi::Error Reader::Cancelled(Napi::Env env, const char* why) {
  return ToJsError(env, {"CANCELLED", BaseName(path_) + ": " + why, path_, -1});
}

Napi::Value Reader::Next(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_ || busy_) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(InvalidArgument(env, closed_ ? "Reader.next: the reader is closed"
                                                 : "Reader.next: a read is already in progress")
                        .Value());
    return deferred.Promise();
  }
  if (cancelled_->load()) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(Cancelled(env, "reading was cancelled").Value());
    return deferred.Promise();
  }
  // Buffers no bigger than what is left of the file: small files get small batches.
  const int64_t remaining = std::max<int64_t>(0, source_->CurrentSize() - source_->Position());
  const size_t records =
      std::min<size_t>(batchRecords_, static_cast<size_t>(remaining / kMinRecordBytes) + 1);
  // The data buffer is sized for the records expected (from the mean size so far), not for
  // batchBytes: fresh memory costs a page fault a page, and a buffer mostly unused wastes them.
  // A batch whose data buffer fills up just ends early.
  const size_t expected =
      recordsRead_ == 0
          ? kFirstBatchBytes
          : static_cast<size_t>(static_cast<double>(bytesRead_) / recordsRead_ * records * 1.25) +
                kBatchSlackBytes;
  const size_t bytes = includeData_ ? std::min({batchBytes_, static_cast<size_t>(remaining), expected}) : 0;
  auto* worker = new ReadWorker(env, this, source_, cancelled_, records, bytes, includeData_);
  Napi::Promise promise = worker->Promise();
  busy_ = true;
  worker->Queue();
  return promise;
}

void Reader::FinishRead(Napi::Env env, Napi::Promise::Deferred deferred, ReadStatus status,
                        const RecordBatch& batch, Napi::ArrayBuffer columns, Napi::ArrayBuffer data) {
  busy_ = false;
  SyncInfo(env);
  if (closed_) {
    AfterRead();
    deferred.Reject(Cancelled(env, "the reader was closed").Value());
    return;
  }
  if (cancelled_->load()) {
    deferred.Reject(Cancelled(env, "reading was cancelled").Value());
    return;
  }
  // Records before a fault come first; the fault is sticky and rejects the next call.
  if (batch.count() > 0) {
    recordsRead_ += batch.count();
    bytesRead_ += batch.overflow().empty() ? batch.dataUsed() : batch.overflow().size();
    deferred.Resolve(MakeBatch(env, batch, columns, data));
    return;
  }
  switch (status) {
    case ReadStatus::kFault:
      deferred.Reject(ToJsError(env, source_->fault()).Value());
      return;
    case ReadStatus::kCancelled:
      deferred.Reject(Cancelled(env, "reading was cancelled").Value());
      return;
    case ReadStatus::kEnd:
      deferred.Resolve(env.Null());
      return;
    case ReadStatus::kMore:
      // An empty batch always takes a record: this cannot happen, and must not look like the end.
      deferred.Reject(
          ToJsError(env, {"EIO", BaseName(path_) + ": internal error: an empty batch", path_, -1}).Value());
      return;
  }
}

void Reader::FailRead(Napi::Env env, Napi::Promise::Deferred deferred, const std::string& message) {
  busy_ = false;
  if (closed_) AfterRead();
  deferred.Reject(ToJsError(env, {"EIO", BaseName(path_) + ": " + message, path_, -1}).Value());
}

Napi::Object Reader::MakeBatch(Napi::Env env, const RecordBatch& batch, Napi::ArrayBuffer columns,
                               Napi::ArrayBuffer data) {
  const size_t n = batch.count();
  const RecordBatch::Layout l = RecordBatch::LayoutFor(batch.recordCapacity());
  Napi::Object b = Napi::Object::New(env);
  b.Set("count", static_cast<double>(n));
  b.Set("tsSec", Napi::Float64Array::New(env, n, columns, l.tsSec));
  b.Set("tsNsec", Napi::Uint32Array::New(env, n, columns, l.tsNsec));
  b.Set("capLen", Napi::Uint32Array::New(env, n, columns, l.capLen));
  b.Set("origLen", Napi::Uint32Array::New(env, n, columns, l.origLen));
  b.Set("linkType", Napi::Uint32Array::New(env, n, columns, l.linkType));
  b.Set("ifaceId", Napi::Int32Array::New(env, n, columns, l.ifaceId));
  b.Set("recordOffset", Napi::Float64Array::New(env, n, columns, l.recordOffset));
  b.Set("dataOffset", Napi::Float64Array::New(env, n, columns, l.dataOffset));
  b.Set("dataStart", Napi::Uint32Array::New(env, n, columns, l.dataStart));
  b.Set("section", Napi::Uint32Array::New(env, n, columns, l.section));
  b.Set("pen", Napi::Uint32Array::New(env, n, columns, l.pen));
  b.Set("flags", Napi::Uint8Array::New(env, n, columns, l.flags));
  const std::vector<uint8_t>& overflow = batch.overflow();
  if (!overflow.empty()) {
    Napi::ArrayBuffer big = Napi::ArrayBuffer::New(env, overflow.size());
    std::memcpy(big.Data(), overflow.data(), overflow.size());
    b.Set("data", Napi::Uint8Array::New(env, overflow.size(), big, 0));
  } else {
    b.Set("data", Napi::Uint8Array::New(env, batch.dataUsed(), data, 0));
  }
  Napi::Array comments = Napi::Array::New(env, batch.comments().size());
  uint32_t k = 0;
  for (const auto& [index, text] : batch.comments()) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, index);
    pair.Set(1u, text);
    comments.Set(k++, pair);
  }
  b.Set("comments", comments);
  Napi::Array secrets = Napi::Array::New(env, batch.secrets().size());
  k = 0;
  for (const auto& s : batch.secrets()) {
    // Copied into memory JS owns (no external buffers).
    Napi::ArrayBuffer bytes = Napi::ArrayBuffer::New(env, s.data.size());
    if (!s.data.empty()) std::memcpy(bytes.Data(), s.data.data(), s.data.size());
    Napi::Array entry = Napi::Array::New(env, 3);
    entry.Set(0u, s.before);
    entry.Set(1u, static_cast<double>(s.type));
    entry.Set(2u, Napi::Uint8Array::New(env, s.data.size(), bytes, 0));
    secrets.Set(k++, entry);
  }
  b.Set("secrets", secrets);
  return b;
}

Reader::~Reader() {
  cancelled_->store(true);
}

void Reader::Cancel(const Napi::CallbackInfo&) {
  cancelled_->store(true);
}

void Reader::Close(const Napi::CallbackInfo&) {
  if (closed_) return;
  closed_ = true;
  cancelled_->store(true);
  if (!busy_) AfterRead();
}

void Reader::AfterRead() {
  source_.reset();
}

}  // namespace trawl
