#include "writer.h"

#include <cmath>

#include "errors.h"

namespace trawl {

namespace {

constexpr uint32_t kDefaultSnaplen = 262144;

double NumberOption(Napi::Object options, const char* name, double fallback, double min, double max) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return fallback;
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= min && d <= max) || d != std::floor(d)) {
    throw InvalidArgument(options.Env(), std::string("Writer: options.") + name +
                                             " must be an integer from " +
                                             std::to_string(static_cast<int64_t>(min)) + " to " +
                                             std::to_string(static_cast<int64_t>(max)));
  }
  return d;
}

bool BoolOption(Napi::Object options, const char* name) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return false;
  if (!v.IsBoolean())
    throw InvalidArgument(options.Env(), std::string("Writer: options.") + name + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

double FiniteArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsNumber())
    throw InvalidArgument(info.Env(), std::string("Writer.writePacket: ") + what + " must be a number");
  const double d = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0)
    throw InvalidArgument(info.Env(), std::string("Writer.writePacket: bad ") + what);
  return d;
}

template <typename T, napi_typedarray_type kType>
T TypedArrayProperty(Napi::Object batch, const char* name) {
  Napi::Value v = batch.Get(name);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != kType) {
    throw InvalidArgument(batch.Env(),
                          std::string("Writer.writeBatch: batch.") + name + " has the wrong type");
  }
  return v.As<T>();
}

}  // namespace

Napi::Function Writer::Define(Napi::Env env) {
  return DefineClass(env, "Writer",
                     {
                         InstanceMethod<&Writer::WritePacket>("writePacket"),
                         InstanceMethod<&Writer::WriteBatch>("writeBatch"),
                         InstanceMethod<&Writer::Position>("position"),
                         InstanceMethod<&Writer::Flush>("flush"),
                         InstanceMethod<&Writer::Close>("close"),
                     });
}

Writer::Writer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Writer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsObject()) {
    throw InvalidArgument(env, "Writer(path, options): path must be a string and options an object");
  }
  path_ = info[0].As<Napi::String>().Utf8Value();
  if (path_.empty() || path_.find('\0') != std::string::npos)
    throw InvalidArgument(env, "Writer: path is empty or has a NUL");
  Napi::Object options = info[1].As<Napi::Object>();
  if (options.Get("linkType").IsUndefined())
    throw InvalidArgument(env, "Writer: options.linkType is required");
  const auto linkType = static_cast<uint32_t>(NumberOption(options, "linkType", 0, 0, 0x03ffffff));
  const auto snaplen =
      static_cast<uint32_t>(NumberOption(options, "snaplen", kDefaultSnaplen, 1, 0x7fffffff));
  const bool nanosecond = BoolOption(options, "nanosecond");
  const bool append = BoolOption(options, "append");
  try {
    file_ = std::make_unique<DumpFile>(path_, DumpFileOptions{linkType, snaplen, nanosecond, append});
  } catch (const FaultError& e) {
    throw ToJsError(env, e.fault());
  }
}

Writer::~Writer() = default;

void Writer::CheckOpen(Napi::Env env, const char* method) const {
  if (!file_) throw InvalidArgument(env, std::string("Writer.") + method + ": the writer is closed");
}

void Writer::CheckStream(Napi::Env env) {
  try {
    file_->CheckStream();
  } catch (const FaultError& e) {
    throw ToJsError(env, e.fault());
  }
}

void Writer::Dump(double tsSec, double tsNsec, uint32_t origLen, const uint8_t* bytes, size_t length) {
  file_->Dump(static_cast<int64_t>(tsSec), static_cast<int64_t>(tsNsec), origLen, bytes, length);
}

void Writer::WritePacket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "writePacket");
  if (info.Length() < 4 || !info[3].IsTypedArray() ||
      info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw InvalidArgument(env, "Writer.writePacket(tsSec, tsNsec, origLen, bytes: Uint8Array)");
  }
  const double tsSec = FiniteArg(info, 0, "tsSec");
  const double tsNsec = FiniteArg(info, 1, "tsNsec");
  const double origLen = FiniteArg(info, 2, "origLen");
  Napi::Uint8Array bytes = info[3].As<Napi::Uint8Array>();
  Dump(tsSec, tsNsec, static_cast<uint32_t>(std::min(origLen, 4294967295.0)), bytes.Data(),
       bytes.ElementLength());
  CheckStream(env);
}

void Writer::WriteBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "writeBatch");
  if (info.Length() < 1 || !info[0].IsObject())
    throw InvalidArgument(env, "Writer.writeBatch(batch, from?, to?)");
  Napi::Object batch = info[0].As<Napi::Object>();
  const auto tsSec = TypedArrayProperty<Napi::Float64Array, napi_float64_array>(batch, "tsSec");
  const auto tsNsec = TypedArrayProperty<Napi::Uint32Array, napi_uint32_array>(batch, "tsNsec");
  const auto capLen = TypedArrayProperty<Napi::Uint32Array, napi_uint32_array>(batch, "capLen");
  const auto origLen = TypedArrayProperty<Napi::Uint32Array, napi_uint32_array>(batch, "origLen");
  const auto dataStart = TypedArrayProperty<Napi::Uint32Array, napi_uint32_array>(batch, "dataStart");
  const auto data = TypedArrayProperty<Napi::Uint8Array, napi_uint8_array>(batch, "data");
  const Napi::Value countValue = batch.Get("count");
  if (!countValue.IsNumber()) throw InvalidArgument(env, "Writer.writeBatch: batch.count must be a number");
  const double count = countValue.As<Napi::Number>().DoubleValue();
  if (!(count >= 0) || count > static_cast<double>(tsSec.ElementLength()) ||
      count > static_cast<double>(tsNsec.ElementLength()) ||
      count > static_cast<double>(capLen.ElementLength()) ||
      count > static_cast<double>(origLen.ElementLength()) ||
      count > static_cast<double>(dataStart.ElementLength())) {
    throw InvalidArgument(env, "Writer.writeBatch: batch.count does not match its columns");
  }
  auto index = [&](size_t i, double fallback) {
    if (info.Length() <= i || info[i].IsUndefined()) return fallback;
    const double d = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : NAN;
    if (!(d >= 0 && d <= count) || d != std::floor(d)) {
      throw InvalidArgument(env, "Writer.writeBatch: from and to must be integers within the batch");
    }
    return d;
  };
  const auto from = static_cast<size_t>(index(1, 0));
  const auto to = static_cast<size_t>(index(2, count));
  const size_t dataLength = data.ElementLength();
  // Check every record first so that a bad batch writes nothing.
  for (size_t i = from; i < to; i++) {
    if (static_cast<uint64_t>(dataStart[i]) + capLen[i] > dataLength) {
      throw InvalidArgument(env,
                            "Writer.writeBatch: record " + std::to_string(i) +
                                " lies outside batch.data (was the batch read with includeData: false?)");
    }
  }
  const uint8_t* bytes = data.Data();
  for (size_t i = from; i < to; i++) {
    // tsNsec holds a signed fraction in 32 bits (see the readers).
    Dump(tsSec[i], static_cast<int32_t>(tsNsec[i]), origLen[i], bytes + dataStart[i], capLen[i]);
  }
  CheckStream(env);
}

Napi::Value Writer::Position(const Napi::CallbackInfo& info) {
  CheckOpen(info.Env(), "position");
  return Napi::Number::New(info.Env(), static_cast<double>(file_->Position()));
}

void Writer::Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "flush");
  try {
    file_->Flush();
  } catch (const FaultError& e) {
    throw ToJsError(env, e.fault());
  }
}

void Writer::Close(const Napi::CallbackInfo& info) {
  if (!file_) return;
  std::unique_ptr<DumpFile> file = std::move(file_);
  try {
    file->Close();
  } catch (const FaultError& e) {
    throw ToJsError(info.Env(), e.fault());
  }
}

}  // namespace trawl
