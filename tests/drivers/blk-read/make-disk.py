#!/usr/bin/env python3
"""Writes blk.read's disk image: 8 MiB, an MBR of two partitions in sector 0 (disk id
0xc0ffee00; entry 0 type 0x0c, sectors 2048..8191; entry 1 type 0x83, bootable, sectors
8192..16383), every other byte disk_byte(offset) of disk.hpp: byte (offset % 4) of the
little-endian word pattern(offset // 4)."""
import struct
import sys
from array import array

SIZE = 8 * 1024 * 1024
M = 0xFFFFFFFF


def pattern(w):
    x = (w * 0x9E3779B1) & M
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & M
    x ^= x >> 13
    return x ^ (w >> 10)


def main(path):
    words = array("I", map(pattern, range(SIZE // 4)))
    if sys.byteorder != "little":
        words.byteswap()
    disk = bytearray(words.tobytes())
    sector = bytearray(512)
    struct.pack_into("<I", sector, 440, 0xC0FFEE00)
    for index, (boot, kind, first, count) in enumerate([(0x00, 0x0C, 2048, 6144), (0x80, 0x83, 8192, 8192)]):
        # status, CHS of the first sector (unused: 0xfe 0xff 0xff), type, CHS of the last, LBA, sectors
        struct.pack_into("<B3sB3sII", sector, 446 + 16 * index, boot, b"\xfe\xff\xff", kind, b"\xfe\xff\xff",
                         first, count)
    sector[510:512] = b"\x55\xaa"
    disk[0:512] = sector
    with open(path, "wb") as out:
        out.write(disk)


if __name__ == "__main__":
    main(sys.argv[1])
