#!/usr/bin/env python3
"""Decodes a PNG (8-bit RGB or RGBA, as Chromium's screenshots are) and prints
`size W H colors N ink F`: the number of distinct colours and the share of pixels that are not
the page's background (the most common colour). Used by Tests/CLITests/ReportTests.swift to
tell a rendered report from a blank page."""
import struct, sys, zlib
from collections import Counter

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and color in (2, 6) and interlace == 0, "unsupported PNG layout"
        channels = 3 if color == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * channels
previous = bytearray(stride)
counts = Counter()
for y in range(height):
    offset = y * (stride + 1)
    kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b = previous[i]
        c = previous[i - channels] if i >= channels else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 2:
            line[i] = (line[i] + b) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    previous = line
    # Every 4th pixel of every 4th row: enough to tell a drawing from a blank page, and fast.
    if y % 4 == 0:
        for x in range(0, width, 4):
            counts[bytes(line[x * channels:x * channels + 3])] += 1
total = sum(counts.values())
background = counts.most_common(1)[0][1]
print("size %d %d colors %d ink %.4f" % (width, height, len(counts), 1 - background / total))
