// The JS CaptureSession: one live capture on the TPACKET_V3 ring. Its own thread (not the libuv
// pool: it blocks in poll for the whole capture) writes every packet to the pcap file, copies the
// packets of each block into a batch, gives the block back and queues the batch to JS through one
// ThreadSafeFunction with a bounded queue. Errors travel to JS as events, never thrown there.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dump_file.h"
#include "record_batch.h"
#include "ring_capture.h"

namespace trawl {

struct CaptureEvent;

/**
 * Batches JS is done with, kept for the capture thread to fill again: memory it has touched
 * before. Fresh memory for every batch cost the thread a page fault (and the kernel a page of
 * zeros) every 4 KiB: at line rate that was most of its time, and the ring overflowed.
 */
class EventPool {
 public:
  /** A cleared batch, recycled when one is free. */
  std::unique_ptr<CaptureEvent> Take();
  /** Keeps `event` for Take (a few, not too big), or frees it. */
  void Give(std::unique_ptr<CaptureEvent> event);

  /** Batches handed to the queue that JS has not taken yet. */
  std::atomic<uint32_t> inFlight{0};

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<CaptureEvent>> free_;
};

/** What the capture thread sends to JS. */
struct CaptureEvent {
  enum class Kind { kBatch, kEnd } kind = Kind::kBatch;
  std::vector<RecordMeta> records;
  std::vector<uint8_t> data;
  /** Batches JS never got because the queue was full (their packets are in the file). */
  uint64_t skippedPackets = 0;
  int64_t skippedFromOffset = -1;
  // kEnd only.
  std::string reason;
  bool failed = false;
  CaptureFault fault;
  /** Where a batch goes back when JS has copied it. */
  std::shared_ptr<EventPool> pool;
};

class CaptureSession : public Napi::ObjectWrap<CaptureSession> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit CaptureSession(const Napi::CallbackInfo& info);
  ~CaptureSession() override;

 private:
  Napi::Value Stats(const Napi::CallbackInfo& info);
  void Stop(const Napi::CallbackInfo& info);
  void PauseBatches(const Napi::CallbackInfo& info);

  void Run();
  /** Walks one ready block: file first, then the batch; returns false once an autostop is reached. */
  bool TakeBlock(CaptureEvent& batch, bool copy);
  /** Whether JS wants packets copied to it now (not paused, the queue to it not full). */
  bool JsTakesBatches() const;
  /** Marks a packet of the file as one JS gets as part of a gap instead of a batch. */
  void SkipForJs(int64_t recordOffset);
  void SendBatch(std::unique_ptr<CaptureEvent> batch);
  void Finish(std::string reason, const CaptureFault* fault);
  void UpdateKernelStats();
  static void CallJs(Napi::Env env, Napi::Function callback, CaptureEvent* event);
  Napi::Object StatsObject(Napi::Env env) const;

  std::unique_ptr<RingCapture> ring_;
  std::unique_ptr<DumpFile> file_;
  std::shared_ptr<EventPool> pool_ = std::make_shared<EventPool>();
  Napi::ThreadSafeFunction tsfn_;
  std::thread thread_;
  std::atomic<bool> stopRequested_{false};
  uint64_t maxPackets_ = 0;
  uint64_t maxBytes_ = 0;
  double maxSeconds_ = 0;
  uint32_t statsIntervalMs_ = 1000;
  uint32_t timeoutMs_ = 50;
  /** False when JS wants only the file (e.g. `trawl -i -w`): no copies, no batches. */
  bool deliverBatches_ = true;
  /** JS asked for no batches for now (its own queue is full): the packets wait in the file. */
  std::atomic<bool> jsPaused_{false};
  uint32_t queueBatches_ = 4;
  // Written by the capture thread, read by stats() on the JS thread.
  std::atomic<uint64_t> packets_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> trawlDrops_{0};
  std::atomic<uint64_t> kernelPackets_{0};
  std::atomic<uint64_t> kernelDrops_{0};
  std::atomic<uint64_t> freezes_{0};
  // Capture thread only.
  uint64_t pendingSkipped_ = 0;
  int64_t pendingSkippedFrom_ = -1;
  bool autostopped_ = false;
};

}  // namespace trawl
