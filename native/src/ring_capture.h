// The TPACKET_V3 receive ring: an AF_PACKET socket with a PACKET_RX_RING mapped into our memory,
// a capture filter compiled by libpcap, and a walk over the blocks the kernel hands us. No N-API:
// the capture session (capture_session.h) drives it from its own thread.
#pragma once

#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "packet_socket.h"

namespace trawl {

struct RingConfig {
  /** Interface name; "any" captures on all interfaces, cooked (LINKTYPE_LINUX_SLL2). */
  std::string iface;
  /** libpcap capture filter; empty keeps everything. */
  std::string filter;
  uint32_t snaplen = 262144;
  bool promiscuous = true;
  uint32_t blockSize = 4u << 20;
  uint32_t blockCount = 16;
  uint32_t frameSize = 2048;
  uint32_t timeoutMs = 50;
  /** trawl-capture-helper, used when this process may not open AF_PACKET sockets itself. */
  std::string helperPath;
};

/** One packet as it goes to the file: link-layer header restored (VLAN tag, SLL2 header). */
struct RingPacket {
  int64_t tsSec;
  uint32_t tsNsec;
  uint32_t capLen;
  uint32_t origLen;
  const uint8_t* bytes;
};

/** Totals of PACKET_STATISTICS since the ring was made (the kernel resets them on every read). */
struct KernelStats {
  uint64_t packets = 0;
  uint64_t drops = 0;
  uint64_t freezes = 0;
};

/**
 * Adds the counters of AF_PACKET socket `fd` since they were last read (PACKET_STATISTICS, which
 * resets them) to `into`; returns false with errno set when `fd` is no such socket.
 */
bool AddPacketStatistics(int fd, KernelStats& into);

/** How a link type is captured: its DLT, and whether the kernel strips the link header. */
struct LinkInfo {
  uint32_t linkType;
  bool cooked;
};

class RingCapture {
 public:
  /** Sets up the whole ring; throws CaptureError (BAD_FILTER, ENODEV, EPERM, EINVAL, EIO). */
  explicit RingCapture(const RingConfig& config);
  ~RingCapture();
  RingCapture(const RingCapture&) = delete;
  RingCapture& operator=(const RingCapture&) = delete;

  uint32_t linkType() const { return link_.linkType; }
  uint32_t snaplen() const { return config_.snaplen; }

  enum class Wait { kBlockReady, kTimeout, kWoken, kSocketError };
  /** Waits until a block is ours, Wake() is called, the socket fails or `timeoutMs` passes. */
  Wait WaitForBlock(int timeoutMs);
  /** Interrupts a WaitForBlock on another thread. */
  void Wake();

  /** Whether the block at the cursor has been handed to us by the kernel. */
  bool UserOwnsBlock() const;
  /**
   * Calls `onPacket(const RingPacket&)` for each packet of the block at the cursor that passes
   * the filter; stops early when it returns false. The bytes live until ReleaseBlock.
   */
  template <typename F>
  void WalkBlock(F&& onPacket);
  /** Gives the block back to the kernel and moves the cursor to the next one. */
  void ReleaseBlockToKernel();

  /** Adds the kernel's counters since the last read to the totals and returns them. */
  const KernelStats& ReadKernelStats();
  /** Why the socket failed (after kSocketError): the interface went down or away. */
  CaptureFault SocketFault();

  /** Compiles `filter` as libpcap would for `linkType`; throws CaptureError BAD_FILTER. */
  static void CheckFilter(uint32_t linkType, uint32_t snaplen, const std::string& filter);
  /** The link type capturing on `iface` gives; throws CaptureError ENODEV. */
  static LinkInfo LinkOf(const std::string& iface);

 private:
  void ResolveInterface();
  void CompileFilter();
  void OpenSocket();
  void SetVersion();
  void SetupRing();
  void MmapRing();
  void AttachFilter();
  void Bind();
  void SetPromiscuous();
  void PrepareWakeup();

  /** Builds the packet as libpcap would deliver it; false when the userland filter rejects it. */
  bool Assemble(const struct tpacket3_hdr* h, RingPacket& out);
  void Release();

  RingConfig config_;
  LinkInfo link_{};
  int ifindex_ = 0;
  int loIfindex_ = 0;
  int fd_ = -1;
  int wakeFd_ = -1;
  uint8_t* map_ = nullptr;
  size_t mapSize_ = 0;
  uint32_t cursor_ = 0;
  struct bpf_program program_ {};
  bool haveProgram_ = false;
  /** Run the filter on the assembled packet: when the kernel cannot (cooked offsets, VLAN tags). */
  bool filterAllInUserland_ = false;
  bool filterVlanInUserland_ = false;
  std::vector<uint8_t> scratch_;
  KernelStats stats_;
};

// The walk is here for inlining into the capture loop.
template <typename F>
void RingCapture::WalkBlock(F&& onPacket) {
  auto* desc =
      reinterpret_cast<struct tpacket_block_desc*>(map_ + static_cast<size_t>(cursor_) * config_.blockSize);
  const uint32_t n = desc->hdr.bh1.num_pkts;
  auto* raw = reinterpret_cast<uint8_t*>(desc) + desc->hdr.bh1.offset_to_first_pkt;
  for (uint32_t i = 0; i < n; i++) {
    const auto* h = reinterpret_cast<const struct tpacket3_hdr*>(raw);
    RingPacket packet{};
    if (Assemble(h, packet) && !onPacket(packet)) return;
    raw += h->tp_next_offset;
  }
}

}  // namespace trawl
