"""A fake camera for Chromium: a one-frame .y4m (YUV4MPEG2, 4:2:0) showing a QR code, written in pure Python.

Chromium loops the single frame: ``--use-file-for-fake-video-capture=<path>``.
"""
from __future__ import annotations

from pathlib import Path


def qr_matrix(text: str) -> list[list[bool]]:
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()  # includes the quiet zone


def write_y4m(path: Path, text: str, width: int = 640, height: int = 480) -> Path:
    """Draw the QR of ``text`` black on white, centred, and write one 4:2:0 frame."""
    assert width % 2 == 0 and height % 2 == 0
    matrix = qr_matrix(text)
    modules = len(matrix)
    box = max(1, min(width, height) * 8 // 10 // modules)
    size = modules * box
    left, top = (width - size) // 2, (height - size) // 2
    y_plane = bytearray(b"\xeb" * (width * height))  # video white (235)
    for my, row in enumerate(matrix):
        for mx, dark in enumerate(row):
            if not dark:
                continue
            for py in range(top + my * box, top + (my + 1) * box):
                start = py * width + left + mx * box
                y_plane[start:start + box] = b"\x10" * box  # video black (16)
    chroma = b"\x80" * ((width // 2) * (height // 2))  # neutral U and V
    header = f"YUV4MPEG2 W{width} H{height} F1:1 Ip A1:1 C420jpeg\n".encode()
    path = Path(path)
    path.write_bytes(header + b"FRAME\n" + bytes(y_plane) + chroma + chroma)
    return path
