"""Demo product pictures, drawn with Pillow so that each one looks like what it sells: a plate
of chips, a jar of sambal, a batik shirt, a knife, a Malangan mask, a rattan chair, ...

`picture_kind(name, category)` picks the drawing from the product's name (its product line),
falling back to one per category; `ImagePool` draws PICTURES_PER_KIND pictures of each kind
(in colours that follow the product's name) and gives later products of that kind one of
them, so a seed of any size draws at most about 120 pictures and stays fast. Colours vary with the product's name, the same name always
giving the same picture."""
from __future__ import annotations

import math
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import Category, Product, ProductImage, Store
from malpro.seed.common import LARGE_SIZE, THUMB_SIZE, demo_owner
from malpro.services.images import MEDIUM_SIZE, medium_path

Color = tuple[int, int, int]
PICTURES_PER_KIND = 3

# The first matching word of the product's name decides the picture.
KIND_BY_WORD = (
    ("keripik", "chips"), ("kerupuk", "chips"), ("bakso", "bowl"), ("jenang", "chips"),
    ("sambal", "jar"), ("madu", "bottle"), ("sari apel", "cups"), ("kopi", "pouch"),
    ("teh", "pouch"), ("bakpia", "cake_box"), ("strudel", "cake_box"), ("nasi kotak", "rice_box"),
    ("catering", "rice_box"), ("kemeja", "shirt"), ("kaos", "shirt"), ("blouse", "shirt"),
    ("celana", "trousers"), ("songkok", "cap"), ("sandal", "sandals"), ("gamis", "dress"),
    ("kebaya", "dress"), ("mukena", "dress"), ("gaun", "dress"), ("beskap", "shirt"),
    ("hijab", "fabric"), ("kain", "fabric"), ("sarung", "fabric"), ("sprei", "fabric"),
    ("taplak", "fabric"), ("gorden", "fabric"), ("keset", "fabric"), ("tas", "bag"),
    ("pisau", "knife"), ("golok", "knife"), ("sabit", "knife"), ("cangkul", "hoe"),
    ("wajan", "pan"), ("dandang", "pot"), ("cobek", "mortar"), ("rak", "shelf"),
    ("topeng", "mask"), ("wayang", "mask"), ("gerabah", "vase"), ("vas", "vase"),
    ("anyaman", "basket"), ("laundry", "basket"), ("lukisan", "painting"), ("candi", "temple"),
    ("gantungan", "keychain"), ("kursi", "chair"), ("lampu", "lamp"), ("sapu", "broom"),
    ("jahit", "scissors"), ("permak", "scissors"), ("servis ac", "aircon"), ("fotografi", "camera"),
    ("desain", "palette"), ("les", "book"), ("pijat", "stones"), ("dekorasi", "arch"),
    ("rias", "brush"), ("tenda", "tent"), ("souvenir", "gift"), ("box", "gift"), ("paket", "gift"),
    ("undangan", "card"),
)
KIND_BY_CATEGORY = {
    "makanan-minuman": "chips", "fashion-pria": "shirt", "fashion-wanita": "dress",
    "peralatan": "knife", "kriya": "mask", "perlengkapan-rumah": "vase", "jasa": "scissors",
    "wedding": "gift",
}
# Soft backgrounds, like a product photo on a plain table or wall.
BACKGROUNDS = ((247, 241, 229), (236, 242, 236), (240, 236, 245), (233, 240, 246), (248, 236, 230),
               (244, 244, 238))


def picture_kind(name: str, category: str) -> str:
    lowered = f" {name.lower()} "
    for word, kind in KIND_BY_WORD:
        if f" {word}" in lowered:
            return kind
    return KIND_BY_CATEGORY.get(category, "gift")


class ImagePool:
    """Gives each product a (thumb_path, large_path) pair relative to UPLOAD_DIR: a freshly
    drawn picture while its kind has fewer than PICTURES_PER_KIND, else one of them."""

    def __init__(self, directory: Path, category_ids: dict[str, int]):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.pool: dict[str, list[tuple[str, str]]] = {}
        rows = db.session.execute(
            select(ProductImage.thumb_path, ProductImage.large_path, Product.name, Category.slug)
            .join(ProductImage.product).join(Product.category).join(Product.store).join(Store.owner)
            .where(demo_owner()).order_by(ProductImage.id).limit(1000))
        seen = set()
        for thumb, large, name, slug in rows:
            if thumb not in seen:
                seen.add(thumb)
                self.pool.setdefault(picture_kind(name, slug), []).append((thumb, large))
        self.count = len(seen)
        self.generated = 0
        self.rng = random.Random(self.count)

    def assign(self, executor: ThreadPoolExecutor, products: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Paths for each (name, category slug), drawing the new pictures in parallel."""
        paths, jobs = [], []
        for name, slug in products:
            kind = picture_kind(name, slug)
            shared = self.pool.get(kind)
            if not shared or len(shared) < PICTURES_PER_KIND:
                stem = secrets.token_hex(16)
                pair = (f"products/{stem}_t.webp", f"products/{stem}_l.webp")
                jobs.append((self.directory / f"{stem}_t.webp", self.directory / f"{stem}_l.webp", name, kind))
                self.pool.setdefault(kind, []).append(pair)
                self.count += 1
                self.generated += 1
            else:
                pair = self.rng.choice(shared)
            paths.append(pair)
        for _ in executor.map(lambda job: draw_product_image(*job), jobs):
            pass  # consume the results so a drawing error is raised here
        return paths


def draw_product_image(thumb: Path, large: Path, name: str, kind: str) -> None:
    image = render_picture(name, kind)
    # method=0 is the fastest WebP encoder setting; these drawings compress well anyway.
    image.save(large, "WEBP", quality=80, method=0)
    # The medium version the product page's gallery loads on phones (services.images).
    image.resize((MEDIUM_SIZE, MEDIUM_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0).save(
        large.with_name(medium_path(large.name)), "WEBP", quality=80, method=0)
    image.resize((THUMB_SIZE, THUMB_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0).save(
        thumb, "WEBP", quality=80, method=0)


def render_picture(name: str, kind: str, size: int = LARGE_SIZE) -> Image.Image:
    """The picture of a product of this kind, on a soft background with a shadow."""
    rng = random.Random(name)
    image = Image.new("RGB", (1000, 1000), rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    # A table edge and the object's shadow give the drawing a little depth.
    draw.rectangle((0, 780, 1000, 1000), fill=_shade(image.getpixel((0, 0)), 0.93))
    draw.ellipse((200, 800, 800, 880), fill=_shade(image.getpixel((0, 0)), 0.82))
    DRAWERS.get(kind, _gift)(draw, rng)
    return image if size == 1000 else image.resize((size, size), Image.Resampling.LANCZOS)


# --- Colours --------------------------------------------------------------------------------

def _shade(color: Color, factor: float) -> Color:
    return tuple(max(0, min(255, round(c * factor))) for c in color)


def _light(color: Color, amount: float = 0.4) -> Color:
    return tuple(round(c + (255 - c) * amount) for c in color)


def _pick(rng: random.Random, *colors: Color) -> Color:
    return rng.choice(colors)


BATIK = ((120, 72, 36), (32, 56, 110), (128, 30, 40), (40, 90, 60), (90, 50, 110), (30, 30, 36))
BRIGHT = ((214, 88, 44), (29, 110, 160), (176, 36, 90), (46, 140, 90), (230, 170, 40), (110, 70, 160))


def _dots(draw: ImageDraw.ImageDraw, box, color: Color, rng: random.Random, step: int = 46, r: int = 9) -> None:
    """A batik-like motif (dots and small diamonds) over a box; the caller draws on top after."""
    x0, y0, x1, y1 = box
    for y in range(y0 + step // 2, y1, step):
        for x in range(x0 + step // 2, x1, step):
            if (x // step + y // step) % 2:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
            else:
                draw.polygon(((x, y - r - 3), (x + r + 3, y), (x, y + r + 3), (x - r - 3, y)), fill=color)


# --- Food -----------------------------------------------------------------------------------

def _chips(draw, rng):
    draw.ellipse((150, 330, 850, 830), fill=(250, 250, 250), outline=(210, 210, 210), width=8)
    draw.ellipse((230, 400, 770, 760), fill=(240, 240, 236))
    gold = _pick(rng, (222, 170, 70), (206, 140, 50), (190, 110, 40), (230, 190, 110))
    for _ in range(34):
        cx, cy = rng.randint(270, 730), rng.randint(420, 720)
        points = [(cx + math.cos(a) * rng.randint(35, 70), cy + math.sin(a) * rng.randint(25, 50))
                  for a in sorted(rng.uniform(0, 2 * math.pi) for _ in range(7))]
        draw.polygon(points, fill=_shade(gold, rng.uniform(0.85, 1.1)), outline=_shade(gold, 0.7))


def _bowl(draw, rng):
    draw.ellipse((170, 380, 830, 560), fill=(200, 120, 60))
    draw.chord((170, 220, 830, 800), 0, 180, fill=(245, 245, 240), outline=(200, 200, 200), width=6)
    draw.ellipse((200, 400, 800, 540), fill=(196, 130, 70))
    for x in (330, 450, 570, 670):
        draw.ellipse((x - 55, 410, x + 55, 500), fill=(150, 110, 90), outline=(110, 80, 60), width=4)
    draw.ellipse((260, 430, 330, 470), fill=(70, 140, 60))


def _jar(draw, rng):
    color = _pick(rng, (190, 30, 30), (170, 50, 20), (200, 70, 20))
    draw.rounded_rectangle((330, 330, 670, 780), radius=50, fill=color)
    draw.rectangle((350, 270, 650, 340), fill=_pick(rng, (40, 40, 40), (200, 160, 40), (30, 90, 60)))
    draw.rounded_rectangle((370, 470, 630, 640), radius=16, fill=(250, 240, 210))
    draw.ellipse((450, 510, 550, 600), fill=color)


def _bottle(draw, rng):
    amber = _pick(rng, (200, 130, 30), (180, 100, 20))
    draw.rounded_rectangle((360, 380, 640, 790), radius=60, fill=amber)
    draw.rectangle((440, 250, 560, 400), fill=_light(amber, 0.2))
    draw.rectangle((425, 210, 575, 260), fill=(60, 40, 20))
    draw.rounded_rectangle((390, 520, 610, 660), radius=12, fill=(250, 244, 220))
    draw.ellipse((470, 560, 530, 620), fill=(230, 180, 40))


def _cups(draw, rng):
    for i, x in enumerate((230, 410, 590)):
        draw.polygon(((x, 420), (x + 170, 420), (x + 150, 760), (x + 20, 760)), fill=(255, 255, 255),
                     outline=(200, 200, 200))
        draw.polygon(((x + 8, 500), (x + 162, 500), (x + 150, 760), (x + 20, 760)), fill=(236, 210, 120))
        draw.rectangle((x - 5, 400, x + 175, 425), fill=(60, 150, 70) if i % 2 else (200, 40, 40))


def _pouch(draw, rng):
    color = _pick(rng, (90, 55, 30), (40, 40, 40), (120, 30, 50), (60, 90, 50))
    draw.polygon(((320, 260), (680, 260), (700, 790), (300, 790)), fill=color)
    draw.rectangle((320, 240, 680, 290), fill=_shade(color, 0.7))
    draw.rounded_rectangle((370, 430, 630, 650), radius=20, fill=(245, 235, 210))
    for i in range(5):  # beans or leaves on the label
        x, y = 420 + (i % 3) * 80, 480 + (i // 3) * 90
        draw.ellipse((x - 28, y - 20, x + 28, y + 20), fill=_light(color, 0.1))
        draw.line((x - 18, y, x + 18, y), fill=(245, 235, 210), width=4)


def _cake_box(draw, rng):
    color = _pick(rng, (200, 60, 50), (230, 150, 40), (60, 120, 170))
    draw.polygon(((200, 420), (500, 320), (800, 420), (500, 520)), fill=_light(color, 0.35))
    draw.polygon(((200, 420), (500, 520), (500, 800), (200, 700)), fill=color)
    draw.polygon(((500, 520), (800, 420), (800, 700), (500, 800)), fill=_shade(color, 0.8))
    draw.line(((350, 370), (650, 470)), fill=(250, 250, 250), width=14)
    for x, y in ((310, 560), (380, 600)):
        draw.ellipse((x - 40, y - 30, x + 40, y + 30), fill=(235, 200, 140), outline=(190, 140, 80), width=4)


def _rice_box(draw, rng):
    draw.rounded_rectangle((200, 380, 800, 780), radius=24, fill=(245, 235, 215), outline=(200, 180, 150), width=6)
    draw.line((500, 390, 500, 770), fill=(200, 180, 150), width=6)
    draw.ellipse((240, 430, 480, 740), fill=(252, 252, 250))  # rice
    draw.ellipse((530, 430, 760, 590), fill=_pick(rng, (150, 70, 30), (120, 50, 30), (200, 120, 50)))
    draw.ellipse((540, 610, 640, 740), fill=(60, 140, 60))
    draw.ellipse((650, 620, 760, 730), fill=(220, 60, 40))


# --- Clothes --------------------------------------------------------------------------------

def _shirt(draw, rng):
    color = _pick(rng, *BATIK)
    body = [(300, 300), (420, 260), (580, 260), (700, 300), (820, 420), (740, 490), (690, 450),
            (690, 800), (310, 800), (310, 450), (260, 490), (180, 420)]
    draw.polygon(body, fill=color)
    _dots(draw, (310, 300, 690, 800), _light(color, 0.45), rng)
    draw.polygon(((420, 260), (500, 360), (580, 260)), fill=_light(color, 0.7))  # collar
    for y in range(400, 780, 80):
        draw.ellipse((490, y, 510, y + 20), fill=(240, 240, 240))


def _trousers(draw, rng):
    color = _pick(rng, (200, 180, 140), (40, 40, 45), (30, 40, 80))
    draw.polygon(((330, 240), (670, 240), (720, 800), (540, 800), (500, 420), (460, 800), (280, 800)), fill=color)
    draw.rectangle((330, 240, 670, 290), fill=_shade(color, 0.8))


def _dress(draw, rng):
    color = _pick(rng, (128, 30, 60), (30, 90, 70), (40, 40, 50), (240, 240, 235), (176, 36, 90))
    draw.polygon(((420, 220), (580, 220), (640, 330), (600, 450), (760, 810), (240, 810), (400, 450),
                  (360, 330)), fill=color)
    draw.polygon(((360, 330), (260, 520), (300, 540), (400, 400)), fill=color)
    draw.polygon(((640, 330), (740, 520), (700, 540), (600, 400)), fill=color)
    motif = _light(color, 0.5) if sum(color) < 600 else (200, 170, 100)
    for x in range(300, 720, 50):
        draw.ellipse((x, 730, x + 24, 754), fill=motif)
    draw.line((400, 450, 600, 450), fill=motif, width=10)


def _cap(draw, rng):
    draw.rounded_rectangle((260, 380, 740, 700), radius=40, fill=(30, 30, 34))
    draw.ellipse((260, 640, 740, 760), fill=(24, 24, 28))
    draw.ellipse((270, 330, 730, 440), fill=(45, 45, 50))
    if rng.random() < 0.5:
        for x in range(300, 720, 40):
            draw.ellipse((x, 560, x + 18, 578), fill=(210, 170, 60))


def _sandals(draw, rng):
    color = _pick(rng, (120, 70, 30), (40, 30, 25))
    for x in (250, 520):
        draw.rounded_rectangle((x, 300, x + 220, 800), radius=100, fill=_light(color, 0.25))
        draw.rounded_rectangle((x + 10, 420, x + 210, 520), radius=30, fill=color)
        draw.rounded_rectangle((x + 10, 580, x + 210, 650), radius=24, fill=color)


def _fabric(draw, rng):
    color = _pick(rng, *BATIK)
    for i, y in enumerate((600, 470, 340)):
        layer = _shade(color, 1 - i * 0.12)
        draw.rounded_rectangle((220, y, 780, y + 150), radius=20, fill=layer)
        _dots(draw, (230, y + 10, 770, y + 140), _light(layer, 0.45), rng, step=40, r=7)
        draw.line((220, y + 150, 780, y + 150), fill=_shade(layer, 0.7), width=6)


def _bag(draw, rng):
    color = _pick(rng, (230, 215, 180), (40, 40, 40), (170, 80, 60))
    draw.arc((340, 180, 660, 520), 180, 360, fill=_shade(color, 0.7), width=28)
    draw.rounded_rectangle((250, 380, 750, 790), radius=70, fill=color)
    for y in range(410, 770, 36):  # knitted rows
        draw.line((280, y, 720, y), fill=_shade(color, 0.85), width=8)


# --- Tools and kitchen ----------------------------------------------------------------------

def _knife(draw, rng):
    draw.polygon(((160, 560), (640, 430), (690, 470), (660, 520), (170, 610)), fill=(200, 206, 212),
                 outline=(140, 146, 152))
    draw.line((200, 570, 630, 455), fill=(240, 244, 248), width=6)
    draw.rounded_rectangle((640, 440, 880, 520), radius=30, fill=_pick(rng, (110, 60, 30), (40, 40, 40)))
    for x in (700, 780):
        draw.ellipse((x, 468, x + 22, 490), fill=(220, 200, 150))


def _hoe(draw, rng):
    draw.line((260, 800, 700, 220), fill=(140, 90, 50), width=36)
    draw.polygon(((560, 300), (820, 330), (800, 560), (620, 520)), fill=(120, 126, 132), outline=(80, 84, 90))


def _pan(draw, rng):
    draw.ellipse((160, 400, 720, 740), fill=(40, 40, 44))
    draw.ellipse((200, 430, 680, 700), fill=(70, 70, 76))
    draw.rounded_rectangle((700, 520, 900, 580), radius=20, fill=(110, 70, 40))


def _pot(draw, rng):
    draw.rounded_rectangle((260, 340, 740, 780), radius=40, fill=(190, 196, 202))
    draw.ellipse((250, 300, 750, 400), fill=(210, 216, 222))
    draw.rectangle((200, 420, 260, 460), fill=(90, 90, 96))
    draw.rectangle((740, 420, 800, 460), fill=(90, 90, 96))
    draw.ellipse((460, 260, 540, 320), fill=(90, 90, 96))


def _mortar(draw, rng):
    stone = _pick(rng, (90, 90, 92), (110, 104, 96))
    draw.chord((200, 300, 800, 800), 0, 180, fill=stone)
    draw.ellipse((200, 470, 800, 630), fill=_shade(stone, 0.7))
    draw.ellipse((350, 520, 450, 580), fill=(200, 40, 30))
    draw.ellipse((470, 530, 540, 580), fill=(230, 80, 40))
    draw.line((560, 520, 760, 300), fill=_shade(stone, 1.2), width=60)


def _shelf(draw, rng):
    color = _pick(rng, (40, 40, 44), (235, 235, 235))
    for x in (280, 720):
        draw.rectangle((x - 12, 220, x + 12, 800), fill=_shade(color, 0.8) if sum(color) > 300 else color)
    for y in (300, 480, 660):
        draw.rectangle((260, y, 740, y + 26), fill=color if sum(color) < 300 else (190, 190, 190))
        draw.rounded_rectangle((320, y - 80, 420, y), radius=10, fill=_pick(rng, *BRIGHT))
        draw.rounded_rectangle((520, y - 60, 650, y), radius=10, fill=_pick(rng, *BRIGHT))


# --- Crafts and home ------------------------------------------------------------------------

def _mask(draw, rng):
    face = _pick(rng, (240, 236, 224), (200, 60, 40), (230, 190, 60), (60, 110, 70))
    draw.ellipse((280, 200, 720, 790), fill=face, outline=(60, 40, 30), width=10)
    draw.pieslice((280, 130, 720, 420), 180, 360, fill=(180, 140, 40))  # crown
    for x in (330, 420, 510, 600):
        draw.polygon(((x, 270), (x + 45, 180), (x + 90, 270)), fill=(200, 160, 50))
    for x in (380, 560):
        draw.ellipse((x - 50, 430, x + 50, 480), fill=(255, 255, 255), outline=(30, 30, 30), width=6)
        draw.ellipse((x - 16, 438, x + 16, 472), fill=(20, 20, 20))
    draw.arc((350, 380, 430, 420), 200, 340, fill=(30, 30, 30), width=8)
    draw.arc((510, 380, 590, 420), 200, 340, fill=(30, 30, 30), width=8)
    draw.polygon(((500, 470), (470, 590), (530, 590)), fill=_shade(face, 0.85))
    draw.chord((420, 620, 580, 700), 0, 180, fill=(170, 30, 40))
    draw.line((430, 630, 380, 610), fill=(30, 30, 30), width=8)
    draw.line((570, 630, 620, 610), fill=(30, 30, 30), width=8)


def _vase(draw, rng):
    color = _pick(rng, (180, 100, 60), (240, 240, 236), (40, 90, 130), (150, 60, 40))
    draw.polygon(((430, 230), (570, 230), (560, 300), (680, 430), (690, 600), (610, 790), (390, 790),
                  (310, 600), (320, 430), (440, 300)), fill=color)
    draw.ellipse((420, 215, 580, 255), fill=_shade(color, 0.6))
    band = (60, 90, 150) if sum(color) > 600 else _light(color, 0.5)
    draw.rectangle((318, 480, 682, 520), fill=band)
    for x in range(350, 660, 60):
        draw.ellipse((x, 560, x + 30, 590), fill=band)


def _basket(draw, rng):
    straw = _pick(rng, (210, 170, 100), (190, 150, 90))
    draw.arc((300, 200, 700, 600), 180, 360, fill=_shade(straw, 0.75), width=26)
    draw.polygon(((220, 420), (780, 420), (700, 790), (300, 790)), fill=straw)
    for y in range(440, 780, 40):
        draw.line((230, y, 770, y), fill=_shade(straw, 0.8), width=6)
    for x in range(260, 760, 50):
        draw.line((x, 430, 300 + (x - 220) * 400 // 560, 790), fill=_shade(straw, 0.85), width=5)


def _painting(draw, rng):
    draw.rectangle((200, 220, 800, 760), fill=(120, 80, 40))
    draw.rectangle((240, 260, 760, 720), fill=_pick(rng, (120, 180, 220), (240, 180, 120), (40, 40, 70)))
    draw.polygon(((240, 720), (420, 420), (560, 620), (640, 520), (760, 720)), fill=(60, 110, 70))
    draw.ellipse((600, 300, 680, 380), fill=(250, 220, 90))


def _temple(draw, rng):
    stone = _pick(rng, (150, 140, 130), (120, 120, 115))
    for i, (w, y) in enumerate(((500, 700), (400, 580), (300, 470), (200, 370))):
        draw.rectangle((500 - w // 2, y, 500 + w // 2, y + 100 + (i == 0) * 20), fill=_shade(stone, 1 - i * 0.08))
    draw.polygon(((420, 370), (500, 220), (580, 370)), fill=_shade(stone, 0.8))
    draw.rectangle((460, 620, 540, 720), fill=(60, 50, 45))


def _keychain(draw, rng):
    draw.ellipse((400, 160, 600, 360), outline=(180, 180, 186), width=18)
    draw.line((500, 350, 500, 420), fill=(180, 180, 186), width=10)
    draw.ellipse((370, 410, 630, 760), fill=_pick(rng, (200, 60, 40), (240, 236, 224)), outline=(60, 40, 30), width=8)
    for x in (445, 555):
        draw.ellipse((x - 25, 530, x + 25, 560), fill=(255, 255, 255), outline=(30, 30, 30), width=4)
    draw.chord((450, 620, 550, 680), 0, 180, fill=(170, 30, 40))


def _chair(draw, rng):
    rattan = _pick(rng, (190, 140, 80), (150, 100, 50))
    draw.rounded_rectangle((300, 220, 700, 520), radius=60, fill=rattan)
    for x in range(330, 690, 40):
        draw.line((x, 240, x, 500), fill=_shade(rattan, 0.8), width=6)
    draw.rounded_rectangle((260, 500, 740, 600), radius=30, fill=_shade(rattan, 0.9))
    for x in (290, 690):
        draw.rectangle((x, 590, x + 24, 800), fill=_shade(rattan, 0.7))


def _lamp(draw, rng):
    draw.line((500, 120, 500, 300), fill=(60, 60, 60), width=8)
    bamboo = (200, 170, 100)
    draw.polygon(((380, 300), (620, 300), (740, 620), (260, 620)), fill=bamboo)
    for x in range(300, 720, 36):
        draw.line((x, 620, 380 + (x - 260) * 240 // 480, 300), fill=_shade(bamboo, 0.8), width=5)
    draw.ellipse((440, 600, 560, 700), fill=(255, 230, 120))


def _broom(draw, rng):
    draw.line((500, 140, 500, 520), fill=(120, 80, 40), width=30)
    draw.polygon(((420, 500), (580, 500), (700, 800), (300, 800)), fill=(60, 50, 40))
    for x in range(320, 690, 24):
        draw.line((500 + (x - 500) // 3, 510, x, 800), fill=(90, 75, 60), width=4)


# --- Services and wedding -------------------------------------------------------------------

def _scissors(draw, rng):
    draw.line((300, 300, 700, 700), fill=(170, 176, 182), width=34)
    draw.line((700, 300, 300, 700), fill=(150, 156, 162), width=34)
    for x in (250, 750):
        draw.ellipse((x - 80, 640, x + 80, 800), outline=_pick(rng, (200, 40, 40), (30, 90, 160)), width=26)
    draw.line((180, 260, 820, 260), fill=(230, 200, 60), width=20)  # measuring tape
    for x in range(190, 820, 40):
        draw.line((x, 250, x, 270), fill=(40, 40, 40), width=3)


def _aircon(draw, rng):
    draw.rounded_rectangle((160, 300, 840, 560), radius=40, fill=(248, 248, 250), outline=(200, 200, 205), width=6)
    for y in (480, 510):
        draw.line((200, y, 800, y), fill=(190, 190, 196), width=6)
    draw.ellipse((720, 340, 750, 370), fill=(60, 200, 120))
    for x in (300, 450, 600):  # cold air
        for i in range(3):
            draw.arc((x, 600 + i * 50, x + 100, 660 + i * 50), 0, 180, fill=(90, 170, 230), width=8)


def _camera(draw, rng):
    body = _pick(rng, (40, 40, 44), (70, 70, 76))
    draw.rounded_rectangle((200, 360, 800, 740), radius=40, fill=body)
    draw.rounded_rectangle((300, 300, 460, 380), radius=16, fill=body)
    draw.ellipse((380, 420, 620, 660), fill=(200, 200, 205))
    draw.ellipse((420, 460, 580, 620), fill=(30, 50, 80))
    draw.ellipse((470, 490, 510, 530), fill=(200, 220, 240))
    draw.rectangle((680, 400, 740, 430), fill=(230, 80, 40))


def _palette(draw, rng):
    draw.rounded_rectangle((220, 260, 780, 740), radius=30, fill=(250, 250, 250), outline=(200, 200, 205), width=6)
    for i, color in enumerate(rng.sample(BRIGHT, 4)):
        x, y = 290 + (i % 2) * 220, 320 + (i // 2) * 200
        [draw.ellipse, draw.rectangle][i % 2]((x, y, x + 160, y + 160), fill=color)
    draw.line((640, 740, 840, 480), fill=(40, 40, 44), width=26)
    draw.polygon(((630, 745), (660, 720), (615, 790)), fill=(230, 180, 60))


def _book(draw, rng):
    color = _pick(rng, *BRIGHT)
    draw.polygon(((180, 380), (500, 440), (500, 800), (180, 740)), fill=(250, 250, 250), outline=color, width=10)
    draw.polygon(((820, 380), (500, 440), (500, 800), (820, 740)), fill=(245, 245, 245), outline=color, width=10)
    for y in range(480, 720, 50):
        draw.line((230, y, 460, y + 40), fill=(170, 170, 175), width=6)
        draw.line((540, y + 40, 770, y), fill=(170, 170, 175), width=6)
    draw.line((650, 200, 750, 420), fill=(230, 180, 40), width=26)


def _stones(draw, rng):
    for i, (w, y) in enumerate(((360, 640), (300, 540), (230, 455), (160, 385))):
        draw.ellipse((500 - w // 2, y, 500 + w // 2, y + 110 - i * 10), fill=_shade((70, 70, 74), 1 + i * 0.12))
    for x in (260, 740):
        draw.ellipse((x - 60, 700, x + 60, 760), fill=(70, 140, 80))


def _arch(draw, rng):
    draw.arc((200, 180, 800, 780), 180, 360, fill=_pick(rng, (200, 170, 100), (240, 240, 240)), width=40)
    for x in (200, 760):
        draw.rectangle((x, 470, x + 40, 800), fill=(200, 170, 100))
    for a in range(180, 361, 15):  # flowers along the arch
        x = 500 + 300 * math.cos(math.radians(a))
        y = 480 + 300 * math.sin(math.radians(a))
        draw.ellipse((x - 34, y - 34, x + 34, y + 34), fill=_pick(rng, (230, 90, 120), (250, 250, 250), (240, 180, 60)))
    draw.rounded_rectangle((360, 600, 640, 720), radius=20, fill=(160, 40, 60))


def _brush(draw, rng):
    draw.rounded_rectangle((260, 420, 420, 800), radius=20, fill=(40, 40, 44))
    draw.rounded_rectangle((270, 300, 410, 430), radius=30, fill=_pick(rng, (190, 30, 60), (220, 80, 90)))
    draw.line((520, 800, 760, 260), fill=(90, 60, 40), width=28)
    draw.polygon(((740, 300), (800, 160), (820, 310)), fill=(230, 200, 170))
    draw.ellipse((480, 560, 660, 740), fill=(240, 200, 180), outline=(200, 170, 150), width=6)


def _tent(draw, rng):
    cloth = _pick(rng, (250, 250, 250), (230, 220, 190))
    draw.polygon(((150, 500), (500, 240), (850, 500)), fill=cloth, outline=(190, 190, 190))
    draw.rectangle((180, 500, 820, 560), fill=_pick(rng, (200, 40, 60), (200, 160, 60)))
    for x in (190, 490, 790):
        draw.rectangle((x, 560, x + 20, 800), fill=(150, 150, 156))
    for x in range(200, 800, 60):
        draw.chord((x, 540, x + 60, 590), 0, 180, fill=(250, 250, 250))


def _gift(draw, rng):
    color = _pick(rng, *BRIGHT)
    draw.rectangle((260, 420, 740, 800), fill=color)
    draw.rectangle((230, 340, 770, 440), fill=_shade(color, 0.85))
    ribbon = (250, 230, 140)
    draw.rectangle((470, 340, 530, 800), fill=ribbon)
    draw.ellipse((360, 250, 500, 350), outline=ribbon, width=24)
    draw.ellipse((500, 250, 640, 350), outline=ribbon, width=24)


def _card(draw, rng):
    color = _pick(rng, (120, 30, 50), (200, 170, 100), (30, 70, 60))
    draw.rectangle((220, 320, 780, 760), fill=(250, 248, 240), outline=color, width=12)
    draw.polygon(((220, 320), (500, 540), (780, 320)), fill=_light(color, 0.75), outline=color)
    draw.ellipse((450, 500, 550, 600), fill=color)
    draw.ellipse((380, 640, 470, 720), outline=(210, 170, 60), width=12)
    draw.ellipse((530, 640, 620, 720), outline=(210, 170, 60), width=12)


DRAWERS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random], None]] = {
    "chips": _chips, "bowl": _bowl, "jar": _jar, "bottle": _bottle, "cups": _cups, "pouch": _pouch,
    "cake_box": _cake_box, "rice_box": _rice_box, "shirt": _shirt, "trousers": _trousers, "dress": _dress,
    "cap": _cap, "sandals": _sandals, "fabric": _fabric, "bag": _bag, "knife": _knife, "hoe": _hoe,
    "pan": _pan, "pot": _pot, "mortar": _mortar, "shelf": _shelf, "mask": _mask, "vase": _vase,
    "basket": _basket, "painting": _painting, "temple": _temple, "keychain": _keychain, "chair": _chair,
    "lamp": _lamp, "broom": _broom, "scissors": _scissors, "aircon": _aircon, "camera": _camera,
    "palette": _palette, "book": _book, "stones": _stones, "arch": _arch, "brush": _brush, "tent": _tent,
    "gift": _gift, "card": _card,
}
