#!/usr/bin/env python3
"""RapidOCR 1.4.4 (the reference scanfit's OCR engine follows) on pictures: one JSON line
per picture, in the shape `cargo run --example ocr_eval` prints. Run it with the Python
of a venv holding `rapidocr_onnxruntime==1.4.4` (scripts/ocr-eval makes one)."""
import json
import sys
import time

import numpy as np
from PIL import Image
from rapidocr_onnxruntime import RapidOCR

engine = RapidOCR()
for path in sys.argv[1:]:
    try:
        img = np.array(Image.open(path).convert("RGB"))[:, :, ::-1].copy()
    except Exception as e:  # a picture PIL cannot open is skipped, as the example does
        print(f"{path}: {e}", file=sys.stderr)
        continue
    start = time.perf_counter()
    result, _ = engine(img)
    ms = (time.perf_counter() - start) * 1000
    lines = [{"text": text, "score": float(score), "quad": box} for box, text, score in (result or [])]
    print(json.dumps({"path": path, "ms": ms, "lines": lines}, ensure_ascii=False))
