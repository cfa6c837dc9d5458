"""Time the processing of a 24-megapixel JPEG upload, end to end, and its peak memory.

Usage: `make bench` (or `.venv/bin/python bench/photo_processing.py [--runs N]`).

A 6000 x 4000 JPEG with GPS and camera EXIF is generated once. Each run is a fresh process
that opens it as Django's upload handler leaves a large upload (a file on disk), then does
what saving it in the admin does: validation and re-encoding (`prepare_upload`), storing the
original, and making every rendition (`make_renditions`), all through the default storage
in a temporary MEDIA_ROOT. Reported: wall seconds of that work, and the process's peak RSS.
Targets on the project's 2-core machine: under 3 s and under 400 MB.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 6000, 4000
TARGET_SECONDS, TARGET_MB = 3.0, 400


def make_sample(path):
    """A photo-like 24 MP JPEG: smooth light with fine grain, and private EXIF."""
    from PIL import Image

    light = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    # Detail at several scales, as in foliage or a crowd, so renditions have work to do.
    texture = Image.effect_noise((WIDTH // 8, HEIGHT // 8), 70).resize((WIDTH, HEIGHT))
    grain = Image.effect_noise((WIDTH, HEIGHT), 18)
    base = Image.blend(light, texture, 0.45)
    red = Image.blend(base, grain, 0.2)
    green = Image.blend(base.rotate(180), grain, 0.2)
    blue = Image.blend(base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grain, 0.2)
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    exif.get_ifd(0x8825)[2] = (2.0, 53.0, 45.12)
    Image.merge("RGB", [red, green, blue]).save(path, "JPEG", quality=92, exif=exif)


def peak_rss_mb():
    # VmHWM starts afresh with each program (ru_maxrss would carry the parent's peak).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("No VmHWM in /proc/self/status (Linux only)")


def measure(path):
    """One run, in this process: print a JSON line with seconds and peak RSS in MB."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcities.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    media = tempfile.mkdtemp(prefix="lc-bench-media-")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import UploadedFile

    from cities import images

    size = Path(path).stat().st_size
    with open(path, "rb") as stream:
        upload = UploadedFile(stream, name="photo.jpg", content_type="image/jpeg", size=size)
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        clean = images.prepare_upload(upload)
        name = default_storage.save(f"photos/{clean.name}", clean)
        renditions = images.make_renditions(name)
        seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    stored = sum(Path(media, r.name).stat().st_size for r in renditions)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(peak_mb, 1),
                "rss_before_mb": round(rss_before, 1),
                "renditions": len(renditions),
                "renditions_kb": round(stored / 1024),
                "original_kb": round(Path(media, name).stat().st_size / 1024),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return

    with tempfile.TemporaryDirectory(prefix="lc-bench-") as folder:
        sample = Path(folder, "sample-24mp.jpg")
        make_sample(sample)
        print(f"Sample: {WIDTH} x {HEIGHT} JPEG, {sample.stat().st_size / 1e6:.1f} MB")
        results = []
        for run in range(1, args.runs + 1):
            output = subprocess.run(
                [sys.executable, __file__, "--measure", str(sample)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            print(f"run {run}: {json.dumps(result)}")
    seconds = statistics.median(r["seconds"] for r in results)
    peak = max(r["peak_rss_mb"] for r in results)
    print(
        f"median {seconds:.2f} s (target < {TARGET_SECONDS} s), "
        f"peak RSS {peak:.0f} MB (target < {TARGET_MB} MB), on {os.cpu_count()} CPUs"
    )
    if seconds >= TARGET_SECONDS or peak >= TARGET_MB:
        sys.exit("Over target.")


if __name__ == "__main__":
    main()
