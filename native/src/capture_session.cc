#include "capture_session.h"

#include <pthread.h>

#include <chrono>
#include <cmath>

#include "errors.h"
#include "reader.h"

namespace trawl {

namespace {

using Clock = std::chrono::steady_clock;

/** Batches copied for JS and not yet taken by it, at most (8 MiB each). */
constexpr size_t kDefaultQueueBatches = 4;
/** A batch is sent once it holds this many bytes (or when no block is ready). */
constexpr size_t kBatchBytes = 8u << 20;
/** Batches kept for reuse (as many as the default lets be in flight, one being filled, one spare), and the largest one kept. */
constexpr size_t kPooledEvents = 6;
constexpr size_t kPooledBytesMax = 2 * kBatchBytes;
constexpr int kPollMs = 100;

uint32_t U32Option(Napi::Object options, const char* name, uint32_t fallback, uint32_t min, uint32_t max) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return fallback;
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= min && d <= max) || d != std::floor(d)) {
    throw InvalidArgument(options.Env(), std::string("CaptureSession: options.") + name +
                                             " must be an integer from " + std::to_string(min) + " to " +
                                             std::to_string(max));
  }
  return static_cast<uint32_t>(d);
}

double NumberOption(Napi::Object options, const char* name) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return 0;
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= 0) || !std::isfinite(d))
    throw InvalidArgument(options.Env(), std::string("CaptureSession: options.") + name + " must be >= 0");
  return d;
}

std::string StringOption(Napi::Object options, const char* name, bool required) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined() && !required) return "";
  if (!v.IsString())
    throw InvalidArgument(options.Env(),
                          std::string("CaptureSession: options.") + name + " must be a string");
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos)
    throw InvalidArgument(options.Env(), std::string("CaptureSession: options.") + name + " has a NUL");
  return s;
}

Napi::Error FaultToJs(Napi::Env env, const CaptureFault& fault) {
  Napi::Error error = Napi::Error::New(env, fault.message);
  error.Value().Set("code", fault.code);
  if (!fault.fix.empty()) error.Value().Set("fix", fault.fix);
  return error;
}

Napi::Object FaultObject(Napi::Env env, const CaptureFault& fault) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", fault.code);
  o.Set("message", fault.message);
  if (!fault.fix.empty()) o.Set("fix", fault.fix);
  return o;
}

}  // namespace

Napi::Function CaptureSession::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "CaptureSession",
                                    {
                                        InstanceMethod<&CaptureSession::Stats>("stats"),
                                        InstanceMethod<&CaptureSession::Stop>("stop"),
                                        InstanceMethod<&CaptureSession::PauseBatches>("pauseBatches"),
                                    });
  return ctor;
}

CaptureSession::CaptureSession(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CaptureSession>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction())
    throw InvalidArgument(env,
                          "CaptureSession(options, onEvent): options must be an object, onEvent a function");
  Napi::Object o = info[0].As<Napi::Object>();
  RingConfig config;
  config.iface = StringOption(o, "iface", true);
  const std::string output = StringOption(o, "output", true);
  if (output.empty()) throw InvalidArgument(env, "CaptureSession: options.output is empty");
  config.filter = StringOption(o, "filter", false);
  config.helperPath = StringOption(o, "helperPath", false);
  config.snaplen = U32Option(o, "snaplen", config.snaplen, 1, 262144);
  config.blockSize = U32Option(o, "blockSize", config.blockSize, 4096, 1u << 30);
  config.blockCount = U32Option(o, "blockCount", config.blockCount, 1, 65536);
  config.frameSize = U32Option(o, "frameSize", config.frameSize, 64, 1u << 30);
  config.timeoutMs = U32Option(o, "timeoutMs", config.timeoutMs, 1, 60000);
  Napi::Value promisc = o.Get("promiscuous");
  if (!promisc.IsUndefined()) {
    if (!promisc.IsBoolean())
      throw InvalidArgument(env, "CaptureSession: options.promiscuous must be a boolean");
    config.promiscuous = promisc.As<Napi::Boolean>().Value();
  }
  maxPackets_ = static_cast<uint64_t>(NumberOption(o, "maxPackets"));
  maxBytes_ = static_cast<uint64_t>(NumberOption(o, "maxBytes"));
  maxSeconds_ = NumberOption(o, "maxSeconds");
  statsIntervalMs_ = U32Option(o, "statsIntervalMs", statsIntervalMs_, 10, 60000);
  const uint32_t queue = U32Option(o, "queueBatches", kDefaultQueueBatches, 1, 4096);
  queueBatches_ = queue;
  timeoutMs_ = config.timeoutMs;
  Napi::Value batches = o.Get("batches");
  if (!batches.IsUndefined()) {
    if (!batches.IsBoolean()) throw InvalidArgument(env, "CaptureSession: options.batches must be a boolean");
    deliverBatches_ = batches.As<Napi::Boolean>().Value();
  }

  try {
    // The filter is checked before the file or the socket exist: a typo creates nothing.
    RingCapture::CheckFilter(RingCapture::LinkOf(config.iface).linkType, config.snaplen, config.filter);
    ring_ = std::make_unique<RingCapture>(config);
  } catch (const CaptureError& e) {
    throw FaultToJs(env, e.fault());
  }
  try {
    file_ =
        std::make_unique<DumpFile>(output, DumpFileOptions{ring_->linkType(), config.snaplen, true, false, true});
  } catch (const FaultError& e) {
    ring_.reset();
    throw ToJsError(env, e.fault());
  }

  Napi::Object self = info.This().As<Napi::Object>();
  self.DefineProperty(Napi::PropertyDescriptor::Value("linkType", Napi::Number::New(env, ring_->linkType()),
                                                      napi_enumerable));
  self.DefineProperty(
      Napi::PropertyDescriptor::Value("snaplen", Napi::Number::New(env, config.snaplen), napi_enumerable));
  self.DefineProperty(
      Napi::PropertyDescriptor::Value("path", Napi::String::New(env, output), napi_enumerable));

  // Keep this object alive until the thread is done with it.
  Ref();
  tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "trawl.CaptureSession", queue, 1,
                                        [this](Napi::Env) {
                                          // Every call has been delivered (or the environment is going).
                                          stopRequested_.store(true);
                                          if (ring_) ring_->Wake();
                                          if (thread_.joinable()) thread_.join();
                                          Unref();
                                        });
  thread_ = std::thread([this] { Run(); });
  // Named before the constructor returns, not when the thread first runs: whoever looks for it by
  // name (the tests check its priority) finds it at once.
  pthread_setname_np(thread_.native_handle(), "trawl-capture");
}

CaptureSession::~CaptureSession() {
  if (thread_.joinable()) {
    stopRequested_.store(true);
    ring_->Wake();
    thread_.join();
  }
}

void CaptureSession::UpdateKernelStats() {
  const KernelStats& k = ring_->ReadKernelStats();
  kernelPackets_.store(k.packets);
  kernelDrops_.store(k.drops);
  freezes_.store(k.freezes);
}

std::unique_ptr<CaptureEvent> EventPool::Take() {
  std::unique_ptr<CaptureEvent> event;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      event = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!event) {
    event = std::make_unique<CaptureEvent>();
    event->data.reserve(kBatchBytes);
  }
  return event;
}

void EventPool::Give(std::unique_ptr<CaptureEvent> event) {
  // A kept event must not keep its pool alive (a cycle: neither would ever be freed).
  event->pool.reset();
  if (event->data.capacity() > kPooledBytesMax) return;
  event->records.clear();
  event->data.clear();
  event->skippedPackets = 0;
  event->skippedFromOffset = -1;
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() < kPooledEvents) free_.push_back(std::move(event));
}

bool CaptureSession::JsTakesBatches() const {
  return deliverBatches_ && !jsPaused_.load(std::memory_order_relaxed) &&
         pool_->inFlight.load(std::memory_order_relaxed) < queueBatches_;
}

void CaptureSession::SkipForJs(int64_t recordOffset) {
  if (pendingSkippedFrom_ < 0) pendingSkippedFrom_ = recordOffset;
  pendingSkipped_++;
  trawlDrops_.fetch_add(1, std::memory_order_relaxed);
}

bool CaptureSession::TakeBlock(CaptureEvent& batch, bool copy) {
  bool more = true;
  ring_->WalkBlock([&](const RingPacket& p) {
    const int64_t recordOffset = file_->Position();
    file_->Dump(p.tsSec, p.tsNsec, p.origLen, p.bytes, p.capLen);
    RecordMeta m;
    m.tsSec = static_cast<double>(p.tsSec);
    m.tsNsec = p.tsNsec;
    m.capLen = p.capLen;
    m.origLen = p.origLen;
    m.linkType = ring_->linkType();
    m.ifaceId = -1;
    m.recordOffset = recordOffset;
    m.dataOffset = recordOffset + DumpFile::kRecordHeaderBytes;
    if (copy) {
      batch.records.push_back(m);
      batch.data.insert(batch.data.end(), p.bytes, p.bytes + p.capLen);
    } else if (deliverBatches_) {
      SkipForJs(recordOffset);
    }
    const uint64_t packets = packets_.load(std::memory_order_relaxed) + 1;
    packets_.store(packets, std::memory_order_relaxed);
    bytes_.store(bytes_.load(std::memory_order_relaxed) + p.capLen, std::memory_order_relaxed);
    if ((maxPackets_ != 0 && packets >= maxPackets_) ||
        (maxBytes_ != 0 && static_cast<uint64_t>(file_->Position()) >= maxBytes_)) {
      autostopped_ = true;
      more = false;
    }
    return more;
  });
  // Capture file first: the packets are on their way to the disk before the block goes back.
  file_->Flush();
  file_->CheckStream();
  ring_->ReleaseBlockToKernel();
  return more;
}

void CaptureSession::SendBatch(std::unique_ptr<CaptureEvent> batch) {
  // An empty batch still goes when it is the only news of a gap JS has to read from the file,
  // once JS takes batches again.
  if (batch->records.empty() && (pendingSkipped_ == 0 || !JsTakesBatches())) {
    pool_->Give(std::move(batch));
    return;
  }
  batch->skippedPackets = pendingSkipped_;
  batch->skippedFromOffset = pendingSkippedFrom_;
  const size_t count = batch->records.size();
  const int64_t firstOffset = count > 0 ? batch->records.front().recordOffset : -1;
  batch->pool = pool_;
  pool_->inFlight.fetch_add(1);
  CaptureEvent* raw = batch.release();
  const napi_status status = tsfn_.NonBlockingCall(raw, CallJs);
  if (status == napi_ok) {
    pendingSkipped_ = 0;
    pendingSkippedFrom_ = -1;
    return;
  }
  pool_->inFlight.fetch_sub(1);
  pool_->Give(std::unique_ptr<CaptureEvent>(raw));
  if (count == 0) return;
  // JS fell behind: the packets are in the file, JS hears of them with the next batch.
  trawlDrops_.fetch_add(count);
  if (pendingSkippedFrom_ < 0) pendingSkippedFrom_ = firstOffset;
  pendingSkipped_ += count;
}

void CaptureSession::Run() {
  const auto start = Clock::now();
  auto lastStats = start;
  const CaptureFault* failure = nullptr;
  CaptureFault fault;
  std::string reason = "stopped";
  bool running = true;
  try {
    while (running && !stopRequested_.load()) {
      const int wait = maxSeconds_ > 0 ? kPollMs / 4 : kPollMs;
      const RingCapture::Wait w = ring_->WaitForBlock(wait);
      if (w == RingCapture::Wait::kBlockReady) {
        auto batch = pool_->Take();
        // Hand JS what is ready in one go: fewer, bigger batches when busy (up to kBatchBytes).
        // While JS cannot take more, the packets only go to the file: JS reads them back from
        // there as a gap, and nobody copies what would wait in a queue anyway.
        while (running && ring_->UserOwnsBlock()) {
          const bool copy = JsTakesBatches();
          if (batch->data.size() >= kBatchBytes || (!copy && !batch->records.empty())) {
            SendBatch(std::move(batch));
            batch = pool_->Take();
          }
          running = TakeBlock(*batch, copy);
        }
        SendBatch(std::move(batch));
        if (!running) reason = "autostop";
      } else if (w == RingCapture::Wait::kSocketError) {
        fault = ring_->SocketFault();
        failure = &fault;
        break;
      } else if (pendingSkipped_ > 0 && JsTakesBatches()) {
        // JS caught up while the link was quiet: tell it about the packets it has to read back.
        SendBatch(pool_->Take());
      }
      const auto now = Clock::now();
      if (now - lastStats >= std::chrono::milliseconds(statsIntervalMs_)) {
        UpdateKernelStats();
        lastStats = now;
      }
      if (maxSeconds_ > 0 && std::chrono::duration<double>(now - start).count() >= maxSeconds_) {
        reason = "autostop";
        running = false;
      }
    }
    if (running || failure != nullptr) {
      // Stopped or failed: the block being filled is retired by the kernel within its timeout;
      // take it and anything else ready, so Stop keeps every packet that had arrived.
      const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs_ + 20);
      auto batch = pool_->Take();
      bool more = true;
      while (more && Clock::now() < deadline) {
        if (ring_->UserOwnsBlock()) {
          more = TakeBlock(*batch, deliverBatches_);
          continue;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (ring_->WaitForBlock(static_cast<int>(std::max<int64_t>(1, left))) ==
            RingCapture::Wait::kSocketError)
          ring_->SocketFault();
      }
      if (!more) reason = "autostop";
      SendBatch(std::move(batch));
    }
  } catch (const FaultError& e) {
    fault = {"EIO", e.fault().message, ""};
    failure = &fault;
  }
  Finish(failure != nullptr ? "failed" : reason, failure);
}

void CaptureSession::Finish(std::string reason, const CaptureFault* fault) {
  UpdateKernelStats();
  auto end = std::make_unique<CaptureEvent>();
  end->kind = CaptureEvent::Kind::kEnd;
  end->reason = std::move(reason);
  end->skippedPackets = pendingSkipped_;
  end->skippedFromOffset = pendingSkippedFrom_;
  try {
    file_->Close();
  } catch (const FaultError& e) {
    if (fault == nullptr) {
      end->failed = true;
      end->fault = {"EIO", e.fault().message, ""};
    }
  }
  if (fault != nullptr) {
    end->failed = true;
    end->fault = *fault;
  }
  CaptureEvent* raw = end.release();
  if (tsfn_.BlockingCall(raw, CallJs) != napi_ok) delete raw;
  tsfn_.Release();
}

void CaptureSession::CallJs(Napi::Env env, Napi::Function callback, CaptureEvent* event) {
  std::unique_ptr<CaptureEvent> owned(event);
  if (env == nullptr || callback.IsEmpty()) return;  // the environment is going away
  Napi::HandleScope scope(env);
  Napi::Object e = Napi::Object::New(env);
  if (owned->skippedPackets > 0) {
    Napi::Object skipped = Napi::Object::New(env);
    skipped.Set("packets", static_cast<double>(owned->skippedPackets));
    skipped.Set("fromOffset", static_cast<double>(owned->skippedFromOffset));
    e.Set("skipped", skipped);
  }
  if (owned->kind == CaptureEvent::Kind::kEnd) {
    e.Set("type", "end");
    e.Set("reason", owned->reason);
    if (owned->failed) e.Set("error", FaultObject(env, owned->fault));
  } else {
    // No external buffers: the packets are copied into memory JS allocates here.
    const size_t n = owned->records.size();
    Napi::ArrayBuffer columns = Napi::ArrayBuffer::New(env, n * RecordBatch::kBytesPerRecord);
    // Uninitialized memory (ArrayBuffer::New zero-fills): every byte is written just below.
    Napi::Buffer<uint8_t> dataBuffer = Napi::Buffer<uint8_t>::New(env, owned->data.size());
    Napi::ArrayBuffer data = dataBuffer.ArrayBuffer();
    if (dataBuffer.ByteOffset() != 0 || data.ByteLength() != owned->data.size())
      data = Napi::ArrayBuffer::New(env, owned->data.size());
    RecordBatch batch(static_cast<uint8_t*>(columns.Data()), n, static_cast<uint8_t*>(data.Data()),
                      owned->data.size(), true);
    size_t at = 0;
    for (const RecordMeta& m : owned->records) {
      batch.Add(m, owned->data.data() + at);
      at += m.capLen;
    }
    e.Set("type", "batch");
    e.Set("batch", Reader::MakeBatch(env, batch, columns, data));
    if (owned->pool) {
      std::shared_ptr<EventPool> pool = owned->pool;
      pool->inFlight.fetch_sub(1);
      pool->Give(std::move(owned));
    }
  }
  callback.Call({e});
}

Napi::Object CaptureSession::StatsObject(Napi::Env env) const {
  Napi::Object s = Napi::Object::New(env);
  s.Set("packets", static_cast<double>(packets_.load()));
  s.Set("bytes", static_cast<double>(bytes_.load()));
  s.Set("kernelPackets", static_cast<double>(kernelPackets_.load()));
  s.Set("kernelDrops", static_cast<double>(kernelDrops_.load()));
  s.Set("trawlDrops", static_cast<double>(trawlDrops_.load()));
  s.Set("freezeCount", static_cast<double>(freezes_.load()));
  return s;
}

Napi::Value CaptureSession::Stats(const Napi::CallbackInfo& info) {
  return StatsObject(info.Env());
}

void CaptureSession::PauseBatches(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBoolean())
    throw InvalidArgument(info.Env(), "CaptureSession.pauseBatches(paused): paused must be a boolean");
  const bool paused = info[0].As<Napi::Boolean>().Value();
  if (jsPaused_.exchange(paused) && !paused && ring_) ring_->Wake();
}

void CaptureSession::Stop(const Napi::CallbackInfo&) {
  stopRequested_.store(true);
  if (ring_) ring_->Wake();
}

}  // namespace trawl
