"""Renders one MRZ line crop as a camera would see it: OCR-B glyphs on a security background,
then geometry (perspective, slant, rotation, bend), light (uneven, glare), optics (defocus,
motion blur), the sensor (low resolution, noise, moire) and JPEG. Returns the crop at the model's
input height and its text."""
import math
import os
import random
import zlib

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mrz_text import ALPHABET, random_mrz

INPUT_HEIGHT = 24
_OCRB, _DEJAVU = "/usr/share/fonts/opentype/ocr-b/", "/usr/share/fonts/truetype/dejavu/"
_LIBERATION, _NOTO, _FREE = "/usr/share/fonts/truetype/liberation/", "/usr/share/fonts/truetype/noto/", "/usr/share/fonts/truetype/freefont/"
FONT_MIXES = {  # (file, share)
    # The first three runs: OCR-B cuts, a little DejaVu Mono so other MRZ print cuts are not foreign.
    "ocrb": [(_OCRB + "OCRB.otf", 0.72), (_OCRB + "OCRBS.otf", 0.18),
             (_DEJAVU + "DejaVuSansMono.ttf", 0.05), (_DEJAVU + "DejaVuSansMono-Bold.ttf", 0.05)],
    # The fourth: a third of the lines in other monospace cuts, as sample documents and some issuers
    # print their MRZs (serifed I and 1, narrower pitch). Debian fonts-liberation.
    "wide": [(_OCRB + "OCRB.otf", 0.5), (_OCRB + "OCRBS.otf", 0.15),
             (_DEJAVU + "DejaVuSansMono.ttf", 0.0875), (_DEJAVU + "DejaVuSansMono-Bold.ttf", 0.0875),
             (_LIBERATION + "LiberationMono-Regular.ttf", 0.0875), (_LIBERATION + "LiberationMono-Bold.ttf", 0.0875)],
    # Never trained on: how the model does on a cut it has not seen (fonts-noto-mono, fonts-freefont-ttf).
    "held-out": [(_NOTO + "NotoSansMono-Regular.ttf", 0.25), (_NOTO + "NotoSansMono-Bold.ttf", 0.25),
                 (_FREE + "FreeMono.ttf", 0.25), (_FREE + "FreeMonoBold.ttf", 0.25)],
}
FONTS = list(FONT_MIXES["ocrb"])


def use_fonts(mix):
    """Draws lines in the named FONT_MIXES mix from now on (in this process)."""
    missing = [p for p, _ in FONT_MIXES[mix] if not os.path.exists(p)]
    if missing:
        raise SystemExit(f"fonts missing: {missing}; apt-get install fonts-ocr-b fonts-dejavu-core fonts-liberation fonts-noto-mono fonts-freefont-ttf")
    FONTS[:] = FONT_MIXES[mix]


RENDER_SIZE = 36  # font px at render scale, before the camera scales it down
_font_cache = {}


def font(path):
    if path not in _font_cache:
        _font_cache[path] = ImageFont.truetype(path, RENDER_SIZE)
    return _font_cache[path]


_textures = {}


def _texture_bank(kind):
    """Security-print textures drawn once per process (seeded) and sampled by random crops."""
    if kind in _textures:
        return _textures[kind]
    rng = random.Random(zlib.crc32(kind.encode()))  # hash() of a str is salted per process
    bank = []
    for _ in range(24):
        h, w = 360, 1800
        canvas = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(canvas)
        xs = np.arange(0, w + 8, 4, dtype=np.float32)
        if kind == "guilloche":  # families of phase-shifted sinusoids
            period, amp = rng.uniform(40, 260), rng.uniform(5, 60)
            step, phase = rng.uniform(4, 14), rng.uniform(0, 6.28)
            for k in range(int(h / step) + 8):
                ys = (k - 4) * step + amp * np.sin(xs * 2 * math.pi / period + phase + k * 0.35) * np.cos(xs / (period * 2.7))
                draw.line(list(zip(xs.tolist(), ys.tolist())), fill=int(rng.uniform(60, 255)), width=rng.choice([1, 1, 2]))
        elif kind == "wavy":
            period = rng.uniform(20, 90)
            for y0 in np.arange(rng.uniform(0, 12), h, rng.uniform(6, 16)):
                ys = y0 + rng.uniform(1, 5) * np.sin(xs * 2 * math.pi / period)
                draw.line(list(zip(xs.tolist(), ys.tolist())), fill=int(rng.uniform(60, 200)), width=1)
        else:  # microprint rows
            small = ImageFont.truetype(FONTS[rng.randrange(len(FONTS))][0], rng.randint(7, 12))
            for y0 in range(rng.randint(-4, 4), h, rng.randint(9, 16)):
                draw.text((rng.randint(-20, 0), y0), "".join(rng.choice(ALPHABET) for _ in range(w // 5)), fill=int(rng.uniform(80, 220)), font=small)
        bank.append(np.asarray(canvas, np.float32) / 255.0)
    _textures[kind] = bank
    return bank


def _texture(rng, kind, h, w):
    t = rng.choice(_texture_bank(kind))
    scale = rng.uniform(0.6, 1.6)
    th, tw = int(t.shape[0] / scale), int(t.shape[1] / scale)
    if th < h or tw < w:
        scale = min(t.shape[0] / h, t.shape[1] / w) * 0.999
        th, tw = int(t.shape[0] / scale), int(t.shape[1] / scale)
    y, x = rng.randint(0, t.shape[0] - int(h * scale)), rng.randint(0, t.shape[1] - int(w * scale))
    return cv2.resize(t[y:y + int(h * scale) + 1, x:x + int(w * scale) + 1], (w, h))


def background(rng, h, w, strength):
    """Paper tint plus security print: guilloche curves, wavy lines, microprint, texture."""
    img = np.full((h, w), rng.uniform(0.72, 1.0), np.float32)
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    img += rng.uniform(-0.08, 0.08) * (gx / w) + rng.uniform(-0.06, 0.06) * (gy / h)
    for kind, p in (("guilloche", 0.75 * strength + 0.15), ("wavy", 0.5 * strength + 0.1), ("micro", 0.4 * strength + 0.05)):
        if rng.random() < p:
            img -= _texture(rng, kind, h, w) * rng.uniform(0.05, 0.15 + 0.45 * strength)
    return img


_glyphs = {}


def glyph(path, stroke, c):
    """A character's ink mask and its offset from the pen position (cached)."""
    key = (path, stroke, c)
    if key not in _glyphs:
        f = font(path)
        l, t, r, b = f.getbbox(c, stroke_width=stroke)
        im = Image.new("L", (r - l + 2, b - t + 2), 0)
        ImageDraw.Draw(im).text((1 - l, 1 - t), c, fill=255, font=f, stroke_width=stroke, stroke_fill=255)
        _glyphs[key] = (np.asarray(im, np.float32) / 255.0, l - 1, t - 1)
    return _glyphs[key]


def render_block(rng, lines, target, strength):
    """The target line with its neighbours above and below (they show in a crop's margins)."""
    path = rng.choices([p for p, _ in FONTS], [s for _, s in FONTS])[0]
    f = font(path)
    pitch = f.getlength("0") * rng.uniform(0.9, 1.1)
    asc = f.getbbox("E")[1]
    glyph_h = f.getbbox("E")[3] - asc
    line_pitch = glyph_h * rng.uniform(1.45, 2.1)
    n = len(lines[target])
    margin_x, margin_y = int(pitch * 3), int(line_pitch * 1.2)
    w = int(n * pitch + 2 * margin_x)
    h = int(glyph_h + 2 * margin_y)
    bg = background(rng, h, w, strength)
    ink = np.zeros((h, w), np.float32)
    stroke = rng.choice([0, 0, 0, 1, 1, 2]) if strength > 0.3 else rng.choice([0, 0, 1])
    wobble = rng.uniform(0, 0.04) * glyph_h
    for li, text in enumerate(lines):
        y = margin_y + (li - target) * line_pitch
        if y < -glyph_h * 2 or y > h + glyph_h:
            continue
        for ci, c in enumerate(text):
            m, dx, dy = glyph(path, stroke, c)
            x0 = int(round(margin_x + ci * pitch + rng.gauss(0, wobble) + dx))
            y0 = int(round(y - asc + rng.gauss(0, wobble) + dy))
            ys, xs = max(0, y0), max(0, x0)
            ye, xe = min(h, y0 + m.shape[0]), min(w, x0 + m.shape[1])
            if ye > ys and xe > xs:
                np.maximum(ink[ys:ye, xs:xe], m[ys - y0:ye - y0, xs - x0:xe - x0], out=ink[ys:ye, xs:xe])
    if rng.random() < 0.3:  # thin print: erode a little
        ink = cv2.erode(ink, np.ones((2, 2), np.uint8))
    if rng.random() < 0.3 * strength + 0.1:  # print bleed: ink spreads into the paper
        ink = np.clip(cv2.GaussianBlur(ink, (0, 0), rng.uniform(0.8, 2.0)) * rng.uniform(1.2, 1.8), 0, 1)
    dark = rng.uniform(0.0, 0.25 + 0.2 * strength)
    img = bg * (1 - ink) + dark * ink
    return img, (margin_x, margin_y, margin_x + n * pitch, margin_y + glyph_h), glyph_h, pitch


def warp(rng, img, box, strength, glyph_h):
    """Perspective, slant, small rotation and page bend; the target box follows."""
    h, w = img.shape
    x0, y0, x1, y1 = box
    src = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    k = 0.015 + 0.05 * strength
    jitter = lambda: rng.uniform(-k, k) * glyph_h * 3
    dst = src + np.float32([[jitter(), jitter()] for _ in range(4)])
    shear = rng.uniform(-0.08, 0.08) * (0.5 + strength)  # slant: x moves with y
    dst[:, 0] += shear * (dst[:, 1] - (y0 + y1) / 2)
    angle = math.radians(rng.uniform(-2.5, 2.5) * (0.4 + strength))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rot = np.float32([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    dst = (dst - [cx, cy]) @ rot.T + [cx, cy]
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    fill = float(np.median(img))
    out = cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.3 * strength + 0.05:  # page bend: rows shift along the line
        amp = rng.uniform(0.5, 2.5) * glyph_h * 0.1 * (1 + strength)
        period = rng.uniform(0.8, 3.0) * (x1 - x0)
        mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        my = my + amp * np.sin(mx * 2 * math.pi / period + rng.uniform(0, 6.28))
        out = cv2.remap(out, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    pts = cv2.perspectiveTransform(src[None], m)[0]
    del fill
    return out, (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max())


def light(rng, img, strength):
    h, w = img.shape
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.6:  # uneven light: a tilted plane times a soft vignette
        plane = 1 + rng.uniform(-0.35, 0.35) * (gx / w - 0.5) * (0.5 + strength) + rng.uniform(-0.3, 0.3) * (gy / h - 0.5)
        img = img * plane * rng.uniform(0.55, 1.1)
    if rng.random() < 0.35 * strength + 0.05:  # glare: a bright soft band across the line
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        ang = rng.uniform(0, math.pi)
        d = (gx - cx) * math.sin(ang) - (gy - cy) * math.cos(ang)
        width = rng.uniform(0.05, 0.4) * w
        img = img + rng.uniform(0.25, 0.45 + 0.4 * strength) * np.exp(-(d / width) ** 2)
    return np.clip(img, 0, 1.2)


def camera(rng, crop, glyph_h, strength):
    """Down to the camera's resolution, then blur, sensor noise, moire and JPEG at that size."""
    target_glyph = math.exp(rng.uniform(math.log(7.5), math.log(36)))
    scale = target_glyph / glyph_h
    h, w = crop.shape
    small = cv2.resize(crop, (max(8, int(w * scale)), max(6, int(h * scale))), interpolation=cv2.INTER_AREA)
    r = rng.random()
    if r < 0.3 + 0.3 * strength:
        small = cv2.GaussianBlur(small, (0, 0), rng.uniform(0.3, 0.7 + 1.0 * strength) * max(1, target_glyph / 14))
    elif r < 0.45 + 0.35 * strength:
        length = rng.uniform(2, 3 + 4 * strength) * max(1, target_glyph / 16)
        ang = rng.uniform(0, math.pi)
        size = int(math.ceil(length)) | 1
        kernel = np.zeros((size, size), np.float32)
        c = size // 2
        cv2.line(kernel, (int(c - math.cos(ang) * length / 2), int(c - math.sin(ang) * length / 2)),
                 (int(c + math.cos(ang) * length / 2), int(c + math.sin(ang) * length / 2)), 1.0, 1)
        small = cv2.filter2D(small, -1, kernel / max(kernel.sum(), 1e-6))
    if rng.random() < 0.2 * strength + 0.05:  # moire: a fine grating beating with the pixel grid
        sh, sw = small.shape
        gy, gx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        ang, freq = rng.uniform(0, math.pi), rng.uniform(0.3, 0.5)
        small = small * (1 - rng.uniform(0.05, 0.12 + 0.15 * strength) * (0.5 + 0.5 * np.sin(2 * math.pi * freq * (gx * math.cos(ang) + gy * math.sin(ang)))))
    nrng = np.random.default_rng(rng.getrandbits(32))
    small = small + nrng.normal(0, rng.uniform(0, 0.02 + 0.06 * strength), small.shape).astype(np.float32)
    u8 = np.clip(small * 255, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        q = int(rng.uniform(18 if strength > 0.3 else 35, 95))
        u8 = cv2.imdecode(cv2.imencode(".jpg", u8, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_GRAYSCALE)
    return u8


def normalise(u8):
    """The model's input scaling, the same in vision/ocr/mrz-recognizer.ts: 1st..99th percentile to 0..1, height 24."""
    h, w = u8.shape
    out = cv2.resize(u8, (max(4, round(w * INPUT_HEIGHT / h)), INPUT_HEIGHT), interpolation=cv2.INTER_AREA if h > INPUT_HEIGHT else cv2.INTER_LINEAR).astype(np.float32)
    lo, hi = np.percentile(out, 1), np.percentile(out, 99)
    return np.clip((out - lo) / max(hi - lo, 8.0), 0, 1)


def sample(rng, strength=None, window=None):
    """One training example: (float32 image 24 x W in 0..1, text). With `window`, a run of that
    many characters cut from the lines (neighbour lines cut alike): cheaper to train on, and the
    network is convolutional, so it reads whole lines the same way."""
    if strength is None:
        strength = rng.random() ** 1.5
    _, lines = random_mrz(rng)
    target = rng.randrange(len(lines))
    if window:
        start = rng.randrange(0, len(lines[0]) - window + 1)
        lines = [l[start:start + window] for l in lines]
    img, box, glyph_h, pitch = render_block(rng, lines, target, strength)
    img, box = warp(rng, img, box, strength, glyph_h)
    img = light(rng, img, strength)
    x0, y0, x1, y1 = box
    h, w = img.shape
    mt, mb = glyph_h * rng.uniform(0.12, 0.75), glyph_h * rng.uniform(0.12, 0.75)
    ml, mr = pitch * rng.uniform(0.05, 2.5), pitch * rng.uniform(0.05, 2.5)
    crop = img[max(0, int(y0 - mt)):min(h, int(y1 + mb)), max(0, int(x0 - ml)):min(w, int(x1 + mr))]
    return normalise(camera(rng, crop, glyph_h, strength)), lines[target]


if __name__ == "__main__":
    import sys, time
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    t = time.time()
    rows = []
    for i in range(12):
        x, text = sample(rng)
        rows.append((x, text))
    print("%.1f ms/sample" % ((time.time() - t) * 1000 / 12))
    width = max(x.shape[1] for x, _ in rows)
    sheet = np.vstack([np.pad(x, ((2, 2), (0, width - x.shape[1])), constant_values=0.5) for x, _ in rows])
    cv2.imwrite("/tmp/mrz_samples.png", (sheet * 255).astype(np.uint8))
    for _, t in rows:
        print(t)
