"""Draws the app icons: a white barbell on the brand green, as SVG and PNG.

Run from the project root after changing the drawing: `python static/icons/make_icons.py`.
The PNGs are written with the standard library alone (zlib and struct), so drawing them needs
no imaging package. The shapes are given once, in a 0..1 square, and used for both formats.
"""

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BRAND = (0x1F, 0x6F, 0x5C)  # --brand in static/css/app.css
WHITE = (0xFF, 0xFF, 0xFF)
CORNER = 0.2  # radius of the background's corners, as a share of the side

# (left, top, right, bottom, corner radius): bar, inner plates, outer plates.
BARBELL = [
    (0.08, 0.45, 0.92, 0.55, 0.0),
    (0.22, 0.26, 0.33, 0.74, 0.03),
    (0.67, 0.26, 0.78, 0.74, 0.03),
    (0.13, 0.35, 0.21, 0.65, 0.03),
    (0.79, 0.35, 0.87, 0.65, 0.03),
]
SAMPLES = 4  # per pixel side: 16 samples give smooth edges


def inside(x: float, y: float, box: tuple[float, float, float, float, float]) -> bool:
    left, top, right, bottom, radius = box
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def pixels(size: int, *, rounded: bool) -> bytes:
    background = (0.0, 0.0, 1.0, 1.0, CORNER if rounded else 0.0)
    rows = bytearray()
    for row in range(size):
        rows.append(0)  # PNG filter: none
        for column in range(size):
            paper = mark = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (column + (sx + 0.5) / SAMPLES) / size
                    y = (row + (sy + 0.5) / SAMPLES) / size
                    if inside(x, y, background):
                        paper += 1
                        mark += any(inside(x, y, box) for box in BARBELL)
            if not paper:
                rows += bytes(4)
                continue
            share = mark / paper
            rows += bytes(round(b + (w - b) * share) for b, w in zip(BRAND, WHITE, strict=True))
            rows.append(round(255 * paper / SAMPLES**2))
    return bytes(rows)


def png(size: int, *, rounded: bool = True) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels(size, rounded=rounded), 9))
        + chunk(b"IEND", b"")
    )


def ico(png_data: bytes, size: int) -> bytes:
    """An .ico holding one PNG image, which every current browser reads."""
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png_data), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + png_data


def svg() -> str:
    def rect(box: tuple[float, float, float, float, float]) -> str:
        left, top, right, bottom, radius = (round(v * 100, 2) for v in box)
        corner = f' rx="{radius:g}"' if radius else ""
        return (
            f'<rect x="{left:g}" y="{top:g}" width="{right - left:g}" '
            f'height="{bottom - top:g}"{corner}/>'
        )

    brand = "#{:02x}{:02x}{:02x}".format(*BRAND)
    marks = "".join(rect(box) for box in BARBELL)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="{CORNER * 100:g}" fill="{brand}"/>'
        f'<g fill="#fff">{marks}</g></svg>\n'
    )


def main() -> None:
    (HERE / "favicon.svg").write_text(svg())
    (HERE / "apple-touch-icon.png").write_bytes(png(180, rounded=False))  # iOS rounds it
    (HERE / "icon-192.png").write_bytes(png(192))
    (HERE / "icon-512.png").write_bytes(png(512))
    (HERE / "favicon.ico").write_bytes(ico(png(32), 32))


if __name__ == "__main__":
    main()
