/**
 * @file
 * lwIP's options for cpp-sel4 (libs/lwip): one network interface per protection domain, the
 * raw API only, no operating system (NO_SYS), every allocation from bounded static memory.
 *
 * Memory (all in the PD's .bss, fixed at link time):
 * - MEM_SIZE, the heap of PBUF_RAM buffers (outgoing TCP segments, ICMP replies, UDP sends):
 *   384 KiB; it bounds the bytes all connections have queued for sending together, while
 *   TCP_SND_BUF bounds one connection's;
 * - PBUF_POOL_SIZE 320 buffers of PBUF_POOL_BUFSIZE (1516) bytes, about 0.5 MiB: every
 *   received frame is copied into one (see sel4/lwip/netif.hpp), and stays there until the
 *   application has taken its data. 32 connections with full receive windows
 *   (TCP_WND = 8 * TCP_MSS, 8 segments each) hold 256 of them, leaving 64 for the rest;
 * - memp pools sized for 32 concurrent TCP connections plus listeners and TIME_WAIT.
 * lwIP's statistics (LWIP_STATS) count every pool's use and high-water mark.
 */
#ifndef SEL4_LWIP_LWIPOPTS_H
#define SEL4_LWIP_LWIPOPTS_H

/* --- The system: none. The PD's event loop calls into lwIP, one thread. --- */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS 1 /* sys_check_timeouts(), run by the stack from the PD's timers */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_ALTCP 0

/* --- Memory: static pools and one static heap, never malloc. --- */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_USE_POOLS 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (384 * 1024)
#define PBUF_POOL_SIZE 320
/* PBUF_POOL_BUFSIZE: lwIP's default, one Ethernet frame of TCP_MSS (1460 + 40 + 14 bytes). */

#if defined(SEL4_LWIP_HOST) && SEL4_LWIP_HOST
/* libs/net's host tests run both ends of each connection in this one lwIP (a loopback):
 * 32 connections are 64 pcbs. */
#define MEMP_NUM_TCP_PCB 96
#else
#define MEMP_NUM_TCP_PCB 48        /* 32 connections, and TIME_WAIT (recycled when short) */
#endif
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_TCP_SEG 512       /* >= TCP_SND_QUEUELEN; also the out-of-order queue */
#define MEMP_NUM_UDP_PCB 8         /* DHCP and DNS take one each */
#define MEMP_NUM_RAW_PCB 4
#define MEMP_NUM_PBUF 64           /* PBUF_REF/ROM headers */
#define MEMP_NUM_ARP_QUEUE 32
#define MEMP_NUM_REASSDATA 4
#define MEMP_NUM_FRAG_PBUF 16
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

/* --- Protocols. --- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ARP_TABLE_SIZE 16
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 1
#define DNS_TABLE_SIZE 4
#define DNS_MAX_SERVERS 2
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 16
#define SO_REUSE 1 /* SOF_REUSEADDR: listen again on a port with connections in TIME_WAIT */

/* --- TCP: windows of several segments; no window scaling (the windows fit 16 bits). --- */
#define TCP_MSS 1460
#define TCP_WND (8 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + (TCP_MSS - 1)) / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 1
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_WND_SCALE 0
#define LWIP_TCP_TIMESTAMPS 0

/* --- The network interface. --- */
#define LWIP_NETIF_STATUS_CALLBACK 1 /* the stack learns of DHCP's address changes */
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0
#define LWIP_SINGLE_NETIF 0
#define ETH_PAD_SIZE 0

/* --- Checksums: all in software (the virtio-net driver negotiates no offloads). --- */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define LWIP_CHECKSUM_ON_COPY 0

/* --- Statistics: every pool's use (tests check for leaks with them), no printing. --- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define SYS_STATS 0

/* --- Checks. Assertions stay on everywhere (arch/cc.h: log and stop); the host build also
 * guards every pool element and heap block (ASan cannot see inside lwIP's static pools). --- */
#if defined(SEL4_LWIP_HOST) && SEL4_LWIP_HOST
#define MEMP_OVERFLOW_CHECK 1
#define MEMP_SANITY_CHECK 1
#define MEM_OVERFLOW_CHECK 1
#define MEM_SANITY_CHECK 1
#endif
#define LWIP_DEBUG_TIMERNAMES 0

/* --- Random numbers: the hook that sel4::lwip::set_random() installs (arch/cc.h). --- */
#define LWIP_RAND() (sel4_lwip_rand())
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
/* TCP's initial sequence numbers from it too (lwIP's own are a counter plus its ticks:
 * predictable, so an off-path peer could guess them). */
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) (sel4_lwip_rand())

#endif /* SEL4_LWIP_LWIPOPTS_H */
