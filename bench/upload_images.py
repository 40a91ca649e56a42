"""Image upload benchmark: `make bench-upload` (or `.venv/bin/python -m bench.upload_images`).

Measures what one worst-case upload costs a worker in the real pipeline
(malpro.services.images.save_image: identify, check, decode, turn, convert, two WebP files):
wall-clock and CPU time (on a busy machine CPU time is the better estimate of an idle
one's wall clock) and the peak memory it adds. Each case runs in a fresh process: the process's
peak-RSS mark (VmHWM) is reset just before the upload (Linux /proc/self/clear_refs) and read
after it, minus the RSS before. Cases:

- the review's decompression bomb: a 131 KB 6320 x 6320 PNG (40 MP, refused now);
- the largest PNG and JPEG the 24 MP cap accepts and the largest WebP its 12 MP cap accepts, in the costliest form (RGBA for PNG
  and WebP: 4 bytes a pixel to decode, no draft mode);
- a typical 12 MP phone photo (JPEG, noisy content);
- the largest PNG again without the early reduction (images._reduce), for comparison.

Options: --rounds N (runs per case, the medians are printed; default 3); --json.
"""
from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _png_bomb() -> bytes:
    import struct
    import zlib

    width = height = 6320
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * (width * 3)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _image(fmt: str, size: tuple[int, int], mode: str, noise: bool = False, **save) -> bytes:
    from PIL import Image

    if noise:
        picture = Image.merge("RGB", [Image.effect_noise(size, 25) for _ in range(3)]).convert(mode)
    else:
        picture = Image.new(mode, size, (200, 120, 40, 255)[:len(mode)])
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **save)
    return buffer.getvalue()


def cases() -> list[tuple[str, bytes, bool]]:
    """(label, file, early reduction on)."""
    return [
        ("PNG bomb 6320x6320 (40 MP, 131 KB in the review)", _png_bomb(), True),
        ("PNG 5999x4000 RGBA (24 MP, the largest accepted)", _image("PNG", (5999, 4000), "RGBA"), True),
        ("WebP 4242x2828 RGBA lossless (12 MP, WebP's cap)", _image("WEBP", (4242, 2828), "RGBA", lossless=True),
         True),
        ("WebP 5999x4000 RGBA lossless (24 MP, refused)", _image("WEBP", (5999, 4000), "RGBA", lossless=True), True),
        ("JPEG 5999x4000 (24 MP)", _image("JPEG", (5999, 4000), "RGB", quality=90), True),
        ("JPEG 4000x3000 noisy (12 MP phone photo)", _image("JPEG", (4000, 3000), "RGB", noise=True, quality=85),
         True),
        ("PNG 5999x4000 RGBA without the early reduction", _image("PNG", (5999, 4000), "RGBA"), False),
    ]


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _run_one(data: bytes, reduce: bool, queue) -> None:
    from werkzeug.datastructures import FileStorage

    from malpro import create_app
    from malpro.services import images
    from malpro.services.errors import ValidationError

    workdir = Path(tempfile.mkdtemp(prefix="malpro-upload-bench-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir / "instance"),
                      "UPLOAD_DIR": str(workdir / "uploads"), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/b.db"})
    if not reduce:
        images._reduce = lambda image, size: image
    with app.app_context():
        # Warm up the codecs on a small picture so their one-off set-up is not counted.
        images.save_image(FileStorage(io.BytesIO(_image("PNG", (64, 64), "RGB")), "w.png"), "products")
        before = _rss_kb("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            images.save_image(FileStorage(io.BytesIO(data), "upload"), "products")
            outcome = "saved"
        except ValidationError as error:
            outcome = "refused: " + next(iter(error.fields.values()))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        peak = _rss_kb("VmHWM")
    queue.put({"seconds": seconds, "cpu": cpu, "extra_mb": max(0, peak - before) / 1024, "outcome": outcome})


def measure(data: bytes, reduce: bool) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run_one, args=(data, reduce, queue))
    process.start()
    result = queue.get(timeout=300)
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object per case")
    parser.add_argument("--only", help="run only the cases whose label contains this text")
    args = parser.parse_args()
    print(f"{'case':52} {'file':>9} {'wall':>8} {'CPU':>8} {'peak extra':>11}  outcome")
    for label, data, reduce in cases():
        if args.only and args.only not in label:
            continue
        runs = [measure(data, reduce) for _ in range(args.rounds)]
        seconds = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        extra = statistics.median(r["extra_mb"] for r in runs)
        outcome = runs[0]["outcome"]
        if args.json:
            print(json.dumps({"case": label, "bytes": len(data), "seconds": seconds, "cpu_seconds": cpu, "extra_mb": extra,
                              "outcome": outcome}))
        else:
            print(f"{label[:52]:52} {len(data) / 1024:>7.0f}KB {seconds:>6.2f} s {cpu:>6.2f} s {extra:>8.0f} MB  "
                  f"{outcome[:40]}")


if __name__ == "__main__":
    main()
