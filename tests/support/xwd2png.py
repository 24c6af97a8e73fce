#!/usr/bin/python3
"""Converts an X window dump (xwd -root) of a TrueColor screen to PNG, with the standard
library only: the screenshots of the package check and the demo need no ImageMagick.

  xwd2png.py IN.xwd OUT.png [--crop WxH]   prints "WxH colours=N" (N: distinct colours, to
                                           tell a drawn window from a blank screen)
"""
import struct
import sys
import zlib


def read_xwd(data):
    fields = struct.unpack(">25I", data[:100])
    header_size, version, fmt, depth, width, height = fields[0:6]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    red_mask, green_mask, blue_mask = fields[14], fields[15], fields[16]
    ncolors = fields[19]
    if version != 7 or fmt != 2 or bits_per_pixel not in (24, 32):
        raise SystemExit(f"unsupported xwd: version {version}, format {fmt}, {bits_per_pixel} bits per pixel (TrueColor ZPixmap expected)")
    offset = header_size + ncolors * 12
    step = bits_per_pixel // 8
    order = "<" if byte_order == 0 else ">"

    def shift(mask):
        return (mask & -mask).bit_length() - 1
    rs, gs, bs = shift(red_mask), shift(green_mask), shift(blue_mask)
    rows = []
    for y in range(height):
        line = data[offset + y * bytes_per_line: offset + y * bytes_per_line + width * step]
        if step == 4:
            pixels = struct.unpack(f"{order}{width}I", line)
        else:
            pixels = [int.from_bytes(line[i:i + 3], "little" if order == "<" else "big") for i in range(0, len(line), 3)]
        row = bytearray()
        for p in pixels:
            row += bytes(((p & red_mask) >> rs, (p & green_mask) >> gs, (p & blue_mask) >> bs))
        rows.append(bytes(row))
    return width, height, rows


def write_png(path, width, height, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + r[: width * 3] for r in rows[:height])
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main():
    args = sys.argv[1:]
    crop = None
    if "--crop" in args:
        i = args.index("--crop")
        crop = tuple(int(v) for v in args[i + 1].split("x"))
        del args[i:i + 2]
    with open(args[0], "rb") as f:
        width, height, rows = read_xwd(f.read())
    if crop:
        width, height = min(width, crop[0]), min(height, crop[1])
    write_png(args[1], width, height, rows)
    colours = {r[i:i + 3] for r in rows[:height] for i in range(0, width * 3, 3 * 7)}  # every 7th pixel
    print(f"{width}x{height} colours={len(colours)}")


if __name__ == "__main__":
    main()
