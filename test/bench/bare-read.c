/*
 * bare-read: the floor for reading a capture file. Opens FILE with pcap_open_offline, calls
 * pcap_next_ex over every record and does nothing else but sum the captured lengths (and touch
 * the first byte of each packet), so the compiler cannot drop the loop.
 *
 *   cc -O2 bare-read.c -lpcap -o out/bare-read      (run.mjs does this when needed)
 *   out/bare-read FILE   ->   {"packets":N,"bytes":B,"check":C}
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(argv[1], errbuf);
  if (p == NULL) {
    fprintf(stderr, "bare-read: %s\n", errbuf);
    return 1;
  }
  struct pcap_pkthdr *hdr;
  const u_char *data;
  uint64_t packets = 0, bytes = 0;
  unsigned check = 0;
  int rc;
  while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
    packets++;
    bytes += hdr->caplen;
    if (hdr->caplen > 0) check += data[0];
  }
  if (rc == PCAP_ERROR) {
    fprintf(stderr, "bare-read: %s\n", pcap_geterr(p));
    pcap_close(p);
    return 1;
  }
  pcap_close(p);
  printf("{\"packets\":%llu,\"bytes\":%llu,\"check\":%u}\n", (unsigned long long)packets,
         (unsigned long long)bytes, check);
  return 0;
}
