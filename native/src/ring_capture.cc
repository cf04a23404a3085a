#include "ring_capture.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/sll.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace trawl {

namespace {

constexpr uint32_t kLinkEthernet = 1;
constexpr uint32_t kLinkSll2 = 276;
constexpr uint16_t kEthP8021Q = 0x8100;
constexpr size_t kVlanTagBytes = 4;
constexpr size_t kMacAddrsBytes = 12;

/** The block status word: the kernel writes it with release semantics, so read with acquire. */
uint32_t LoadBlockStatus(const struct tpacket_block_desc* desc) {
  return __atomic_load_n(&desc->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
}

void StoreBlockStatus(struct tpacket_block_desc* desc, uint32_t status) {
  __atomic_store_n(&desc->hdr.bh1.block_status, status, __ATOMIC_RELEASE);
}

[[noreturn]] void Fail(const char* code, const std::string& message, const std::string& fix = "") {
  throw CaptureError({code, message, fix});
}

[[noreturn]] void FailSyscall(const std::string& call, int err) {
  const char* code = err == EPERM || err == EACCES   ? "EPERM"
                     : err == ENODEV || err == ENXIO ? "ENODEV"
                                                     : "EIO";
  Fail(code, SyscallMessage(call, err));
}

/** ARPHRD_ type of an interface (its /sys/class/net/X/type), or -errno. */
int HardwareType(const std::string& iface) {
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -errno;
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  const int rc = ioctl(s, SIOCGIFHWADDR, &ifr);
  const int err = errno;
  close(s);
  return rc < 0 ? -err : ifr.ifr_hwaddr.sa_family;
}

/** Moves a load's packet offset past the SLL2 header the kernel never shows (libpcap's fix_offset). */
bool FixCookedOffset(struct bpf_insn& insn) {
  if (insn.k >= SLL2_HDR_LEN) {
    insn.k -= SLL2_HDR_LEN;
  } else if (insn.k == 0) {
    insn.k = static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL);
  } else if (insn.k == 4) {
    insn.k = static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_IFINDEX);
  } else if (insn.k == 10) {
    insn.k = static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE);
  } else {
    return false;  // hatype, halen, address: the kernel filter cannot see them
  }
  return true;
}

}  // namespace

LinkInfo RingCapture::LinkOf(const std::string& iface) {
  if (iface == "any") return {kLinkSll2, true};
  const int type = HardwareType(iface);
  if (type == -ENODEV) Fail("ENODEV", "No such interface: " + iface);
  if (type < 0) FailSyscall("ioctl(SIOCGIFHWADDR, " + iface + ")", -type);
  // libpcap reports loopback as Ethernet: the kernel gives it zeroed Ethernet headers.
  if (type == ARPHRD_ETHER || type == ARPHRD_LOOPBACK) return {kLinkEthernet, false};
  // Anything else (tun, ip tunnels, ...) is captured cooked, as libpcap falls back to.
  return {kLinkSll2, true};
}

void RingCapture::CheckFilter(uint32_t linkType, uint32_t snaplen, const std::string& filter) {
  pcap_t* dead = pcap_open_dead(static_cast<int>(linkType), static_cast<int>(snaplen));
  if (dead == nullptr) Fail("EIO", "pcap_open_dead failed");
  struct bpf_program program {};
  const int rc = pcap_compile(dead, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  const std::string words = rc != 0 ? pcap_geterr(dead) : "";
  if (rc == 0) pcap_freecode(&program);
  pcap_close(dead);
  if (rc != 0) Fail("BAD_FILTER", words);
}

RingCapture::RingCapture(const RingConfig& config) : config_(config) {
  try {
    ResolveInterface();
    CompileFilter();
    OpenSocket();
    SetVersion();
    SetupRing();
    MmapRing();
    AttachFilter();
    Bind();
    SetPromiscuous();
    PrepareWakeup();
  } catch (...) {
    Release();
    throw;
  }
}

RingCapture::~RingCapture() {
  Release();
}

void RingCapture::Release() {
  if (map_ != nullptr) munmap(map_, mapSize_);
  map_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (wakeFd_ >= 0) close(wakeFd_);
  wakeFd_ = -1;
  if (haveProgram_) pcap_freecode(&program_);
  haveProgram_ = false;
}

void RingCapture::ResolveInterface() {
  if (config_.iface.empty() || config_.iface.size() >= IFNAMSIZ ||
      config_.iface.find('/') != std::string::npos)
    Fail("EINVAL", "Bad interface name: \"" + config_.iface + "\"");
  link_ = LinkOf(config_.iface);
  loIfindex_ = static_cast<int>(if_nametoindex("lo"));
  if (config_.iface == "any") return;
  ifindex_ = static_cast<int>(if_nametoindex(config_.iface.c_str()));
  if (ifindex_ == 0) Fail("ENODEV", "No such interface: " + config_.iface);
}

void RingCapture::CompileFilter() {
  pcap_t* dead = pcap_open_dead(static_cast<int>(link_.linkType), static_cast<int>(config_.snaplen));
  if (dead == nullptr) Fail("EIO", "pcap_open_dead failed");
  const int rc = pcap_compile(dead, &program_, config_.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  const std::string words = rc != 0 ? pcap_geterr(dead) : "";
  pcap_close(dead);
  if (rc != 0) Fail("BAD_FILTER", words);
  haveProgram_ = true;
}

void RingCapture::OpenSocket() {
  fd_ = OpenPacketSocket(link_.cooked, config_.helperPath);
}

void RingCapture::SetVersion() {
  const int version = TPACKET_V3;
  if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
    FailSyscall("setsockopt(PACKET_VERSION, TPACKET_V3)", errno);
}

void RingCapture::SetupRing() {
  const auto page = static_cast<uint32_t>(sysconf(_SC_PAGESIZE));
  const uint32_t bs = config_.blockSize;
  const uint32_t fs = config_.frameSize;
  if (bs < page || bs % page != 0)
    Fail("EINVAL", "Ring block size " + std::to_string(bs) + " must be a multiple of the page size " +
                       std::to_string(page));
  if (fs < TPACKET3_HDRLEN || fs % TPACKET_ALIGNMENT != 0 || bs % fs != 0)
    Fail("EINVAL", "Ring frame size " + std::to_string(fs) + " must be a multiple of " +
                       std::to_string(TPACKET_ALIGNMENT) + " that divides the block size");
  if (config_.blockCount < 1) Fail("EINVAL", "The ring needs at least one block");
  struct tpacket_req3 req {};
  req.tp_block_size = bs;
  req.tp_block_nr = config_.blockCount;
  req.tp_frame_size = fs;
  req.tp_frame_nr = static_cast<unsigned>(static_cast<uint64_t>(bs) / fs * config_.blockCount);
  req.tp_retire_blk_tov = config_.timeoutMs;
  req.tp_feature_req_word = 0;
  if (setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
    FailSyscall("setsockopt(PACKET_RX_RING)", errno);
  mapSize_ = static_cast<size_t>(bs) * config_.blockCount;
}

void RingCapture::MmapRing() {
  void* map = mmap(nullptr, mapSize_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd_, 0);
  // Locked memory is a resource limit; an unlocked ring works as well, only slower to fault in.
  if (map == MAP_FAILED) map = mmap(nullptr, mapSize_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) FailSyscall("mmap(PACKET_RX_RING)", errno);
  map_ = static_cast<uint8_t*>(map);
  scratch_.resize(static_cast<size_t>(config_.snaplen) + SLL2_HDR_LEN + kVlanTagBytes + 64);
}

void RingCapture::AttachFilter() {
  std::vector<struct sock_filter> code;
  const auto* insns = program_.bf_insns;
  const uint32_t accept = config_.snaplen;
  if (link_.cooked) {
    // The kernel runs the filter on the packet without the SLL2 header libpcap compiled for.
    code.reserve(program_.bf_len);
    for (uint32_t i = 0; i < program_.bf_len; i++) {
      struct bpf_insn insn = insns[i];
      const auto cls = BPF_CLASS(insn.code);
      const auto mode = BPF_MODE(insn.code);
      if ((cls == BPF_LD || cls == BPF_LDX) && (mode == BPF_ABS || mode == BPF_IND || mode == BPF_MSH) &&
          !FixCookedOffset(insn)) {
        filterAllInUserland_ = true;
        break;
      }
      code.push_back({insn.code, insn.jt, insn.jf, insn.k});
    }
    if (filterAllInUserland_) code.assign(1, {BPF_RET | BPF_K, 0, 0, accept});
  } else {
    // The kernel has stripped VLAN tags from what its filter sees: let tagged packets through and
    // filter them here once the tag is back, so `vlan 42` means what it means in a file.
    code.push_back(
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)});
    code.push_back({BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0});
    code.push_back({BPF_RET | BPF_K, 0, 0, accept});
    for (uint32_t i = 0; i < program_.bf_len; i++)
      code.push_back({insns[i].code, insns[i].jt, insns[i].jf, insns[i].k});
    filterVlanInUserland_ = !config_.filter.empty();
  }
  struct sock_fprog fprog {};
  fprog.len = static_cast<unsigned short>(code.size());
  fprog.filter = code.data();
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) != 0)
    FailSyscall("setsockopt(SO_ATTACH_FILTER)", errno);
}

void RingCapture::Bind() {
  struct sockaddr_ll sll {};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex_;
  if (bind(fd_, reinterpret_cast<struct sockaddr*>(&sll), sizeof sll) != 0) {
    const int err = errno;
    if (err == ENETDOWN) Fail("IFACE_DOWN", "Interface " + config_.iface + " is down");
    FailSyscall("bind(AF_PACKET, " + config_.iface + ")", err);
  }
}

void RingCapture::SetPromiscuous() {
  if (!config_.promiscuous || ifindex_ == 0) return;
  struct packet_mreq mr {};
  mr.mr_ifindex = ifindex_;
  mr.mr_type = PACKET_MR_PROMISC;
  // A membership, not a flag: the kernel drops it when the socket closes, whatever happens to us.
  if (setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
    FailSyscall("setsockopt(PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC)", errno);
}

void RingCapture::PrepareWakeup() {
  wakeFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeFd_ < 0) FailSyscall("eventfd", errno);
}

bool RingCapture::UserOwnsBlock() const {
  const auto* desc = reinterpret_cast<const struct tpacket_block_desc*>(map_ + static_cast<size_t>(cursor_) *
                                                                                   config_.blockSize);
  return (LoadBlockStatus(desc) & TP_STATUS_USER) != 0;
}

void RingCapture::ReleaseBlockToKernel() {
  auto* desc =
      reinterpret_cast<struct tpacket_block_desc*>(map_ + static_cast<size_t>(cursor_) * config_.blockSize);
  StoreBlockStatus(desc, TP_STATUS_KERNEL);
  cursor_ = (cursor_ + 1) % config_.blockCount;
}

RingCapture::Wait RingCapture::WaitForBlock(int timeoutMs) {
  if (UserOwnsBlock()) return Wait::kBlockReady;
  struct pollfd fds[2] = {{fd_, POLLIN | POLLERR, 0}, {wakeFd_, POLLIN, 0}};
  const int rc = poll(fds, 2, timeoutMs);
  if (rc < 0) return errno == EINTR ? Wait::kTimeout : Wait::kSocketError;
  if (fds[1].revents & POLLIN) {
    uint64_t v;
    if (read(wakeFd_, &v, sizeof v) < 0) {
      // Nothing to read is as good as a consumed wake-up.
    }
    return Wait::kWoken;
  }
  if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) return Wait::kSocketError;
  return UserOwnsBlock() ? Wait::kBlockReady : Wait::kTimeout;
}

void RingCapture::Wake() {
  const uint64_t one = 1;
  if (write(wakeFd_, &one, sizeof one) < 0) {
    // A full counter already wakes the poll.
  }
}

bool AddPacketStatistics(int fd, KernelStats& into) {
  // TPACKET_V3 sockets fill all three; V1/V2 sockets the first two (len says how much).
  struct tpacket_stats_v3 st {};
  socklen_t len = sizeof st;
  if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0) return false;
  // tp_packets counts the dropped ones too.
  into.packets += st.tp_packets;
  into.drops += st.tp_drops;
  into.freezes += st.tp_freeze_q_cnt;
  return true;
}

const KernelStats& RingCapture::ReadKernelStats() {
  AddPacketStatistics(fd_, stats_);
  return stats_;
}

CaptureFault RingCapture::SocketFault() {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);  // also clears it, so polling can go on
  const bool gone = config_.iface != "any" && if_nametoindex(config_.iface.c_str()) == 0;
  if (gone) return {"ENODEV", "Interface " + config_.iface + " disappeared during the capture", ""};
  if (err == ENETDOWN)
    return {"IFACE_DOWN", "Interface " + config_.iface + " went down during the capture", ""};
  return {"EIO", SyscallMessage("poll(AF_PACKET socket)", err != 0 ? err : EIO), ""};
}

bool RingCapture::Assemble(const struct tpacket3_hdr* h, RingPacket& out) {
  const auto* base = reinterpret_cast<const uint8_t*>(h);
  const auto* sll =
      reinterpret_cast<const struct sockaddr_ll*>(base + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
  // Loopback shows every packet twice, going out and coming in: keep one, as libpcap does.
  if (sll->sll_pkttype == PACKET_OUTGOING && sll->sll_ifindex == loIfindex_ && loIfindex_ != 0) return false;
  const uint8_t* data = base + h->tp_mac;
  uint32_t caplen = h->tp_snaplen;
  uint32_t len = h->tp_len;
  out.tsSec = h->tp_sec;
  out.tsNsec = h->tp_nsec;
  const bool tagged = !link_.cooked && (h->tp_status & TP_STATUS_VLAN_VALID) != 0 && caplen >= kMacAddrsBytes;
  if (link_.cooked) {
    struct sll2_header s {};
    s.sll2_protocol = sll->sll_protocol;
    s.sll2_if_index = htonl(static_cast<uint32_t>(sll->sll_ifindex));
    s.sll2_hatype = htons(sll->sll_hatype);
    s.sll2_pkttype = sll->sll_pkttype;
    s.sll2_halen = sll->sll_halen;
    std::memcpy(s.sll2_addr, sll->sll_addr, std::min<size_t>(sll->sll_halen, SLL_ADDRLEN));
    const uint32_t body = std::min<uint32_t>(caplen, static_cast<uint32_t>(scratch_.size() - SLL2_HDR_LEN));
    std::memcpy(scratch_.data(), &s, SLL2_HDR_LEN);
    std::memcpy(scratch_.data() + SLL2_HDR_LEN, data, body);
    data = scratch_.data();
    caplen = body + SLL2_HDR_LEN;
    len += SLL2_HDR_LEN;
  } else if (tagged) {
    // The NIC or veth took the 802.1Q tag off into the ring's metadata: put it back after the MACs.
    const uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : kEthP8021Q;
    const uint16_t tag[2] = {htons(tpid), htons(static_cast<uint16_t>(h->hv1.tp_vlan_tci))};
    const uint32_t body = std::min<uint32_t>(caplen, static_cast<uint32_t>(scratch_.size() - kVlanTagBytes));
    std::memcpy(scratch_.data(), data, kMacAddrsBytes);
    std::memcpy(scratch_.data() + kMacAddrsBytes, tag, kVlanTagBytes);
    std::memcpy(scratch_.data() + kMacAddrsBytes + kVlanTagBytes, data + kMacAddrsBytes,
                body - kMacAddrsBytes);
    data = scratch_.data();
    caplen = body + kVlanTagBytes;
    len += kVlanTagBytes;
  }
  caplen = std::min(caplen, config_.snaplen);
  if (filterAllInUserland_ || (tagged && filterVlanInUserland_)) {
    struct pcap_pkthdr ph {};
    ph.caplen = caplen;
    ph.len = len;
    if (pcap_offline_filter(&program_, &ph, data) == 0) return false;
  }
  out.bytes = data;
  out.capLen = caplen;
  out.origLen = len;
  return true;
}

}  // namespace trawl
