"""Reference data and demo data.

`seed_reference_data()` inserts the 8 categories and the seed OPD list (never overwriting what
admins have edited since). `seed_demo()` fills a database with realistic demo UMKM of Kota
Malang: named demo accounts for every role, stores in all 5 kecamatan in every verification
state with their audit trail and NIB documents, and products in all 8 categories with real
WebP images. Both are idempotent: running them again only adds what is missing.

Demo data is recognised by its owners' email domain (@demo.malpro.id). At benchmark scale
(thousands of stores, tens of thousands of products) rows go in with bulk INSERTs, the shared
password is hashed once, and only the first IMAGE_LIMIT products get an image of their own;
later ones share images of their category from that pool.
"""
from __future__ import annotations

import os
import random
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator

from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from malpro.extensions import db
from malpro.models import (
    Category,
    Opd,
    Product,
    ProductImage,
    Store,
    StoreDecision,
    StoreDocument,
    User,
    utcnow,
)
from malpro.reference import categories, opds, regions
from malpro.slugs import slugify, unique_slug

DEMO_DOMAIN = "demo.malpro.id"
DEMO_PASSWORD = "malpro123"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
ADMIN_PASSWORD = "malpro-admin"
BUYER_EMAIL = f"pembeli@{DEMO_DOMAIN}"

# Products beyond this many share images from the pool, so a big seed stays fast.
IMAGE_LIMIT = 400
BATCH_SIZE = 5000
THUMB_SIZE, LARGE_SIZE = 400, 1000
PRODUCT_DAYS = 90  # products are spread over this many days before now

CATEGORY_ICONS = {
    "makanan-minuman": "🍱",
    "fashion-pria": "👔",
    "fashion-wanita": "👗",
    "peralatan": "🔧",
    "kriya": "🎭",
    "perlengkapan-rumah": "🏠",
    "jasa": "🛠️",
    "wedding": "💍",
}
# Image background per category (the shape is drawn in a lighter tone of it).
CATEGORY_COLORS = {
    "makanan-minuman": (214, 88, 44),
    "fashion-pria": (29, 53, 87),
    "fashion-wanita": (176, 36, 90),
    "peralatan": (73, 80, 87),
    "kriya": (128, 78, 36),
    "perlengkapan-rumah": (31, 126, 116),
    "jasa": (94, 66, 140),
    "wedding": (168, 120, 64),
}


# --- Reference data -----------------------------------------------------------------------

def seed_reference_data() -> None:
    """Insert the categories and OPDs that are missing (matched on slug and code)."""
    known_slugs = set(db.session.scalars(select(Category.slug)))
    for position, category in enumerate(categories()):
        if category["slug"] not in known_slugs:
            db.session.add(Category(
                slug=category["slug"], name=category["name"], name_en=category["name_en"],
                position=position, icon=CATEGORY_ICONS.get(category["slug"], ""),
            ))
    known_codes = set(db.session.scalars(select(Opd.code)))
    for opd in opds():
        if opd["code"] not in known_codes:
            db.session.add(Opd(code=opd["code"], name=opd["name"]))
    db.session.commit()


# --- Demo vocabulary ----------------------------------------------------------------------

FEMALE_NAMES = (
    "Sri", "Siti", "Dewi", "Ani", "Rina", "Yuliana", "Endang", "Wahyuni", "Lestari", "Ratna",
    "Sulastri", "Nur", "Indah", "Fitri", "Rahayu", "Suharti", "Kartini", "Ayu", "Mega", "Novi",
)
MALE_NAMES = (
    "Karyono", "Slamet", "Bambang", "Agus", "Budi", "Joko", "Eko", "Hadi", "Imam", "Teguh",
    "Sugeng", "Rudi", "Yusuf", "Bayu", "Dwi", "Arif", "Heru", "Supriyadi", "Wahyu", "Fajar",
)
FAMILY_NAMES = (
    "Santoso", "Wibowo", "Susanto", "Hidayat", "Setiawan", "Purnomo", "Wulandari", "Lestari",
    "Rahmawati", "Kurniawan", "Prasetyo", "Handayani", "Saputra", "Utami", "Nugroho", "Pratama",
)
WORDS = ("Barokah", "Sejahtera", "Makmur", "Jaya", "Abadi", "Sentosa", "Berkah", "Lancar", "Mulia")
PLACES = ("Celaket", "Dinoyo", "Sawojajar", "Tlogomas", "Kayutangan", "Ijen", "Sanan", "Blimbing",
          "Tidar", "Merjosari", "Polowijen", "Kotalama", "Bareng", "Arjosari", "Batu Sari")
STREETS = {
    "Blimbing": ("Jl. Borobudur", "Jl. Letjen Sutoyo", "Jl. Ahmad Yani", "Jl. Tenaga",
                 "Jl. Raden Intan", "Jl. Cakalang"),
    "Kedungkandang": ("Jl. Danau Toba", "Jl. Mayjen Sungkono", "Jl. Ki Ageng Gribig",
                      "Jl. Muharto", "Jl. Danau Kerinci", "Jl. Kolonel Sugiono"),
    "Klojen": ("Jl. Kawi", "Jl. Basuki Rahmat", "Jl. Semeru", "Jl. Jaksa Agung Suprapto",
               "Jl. Trunojoyo", "Jl. Kahuripan"),
    "Lowokwaru": ("Jl. Soekarno Hatta", "Jl. MT Haryono", "Jl. Sumbersari", "Jl. Gajayana",
                  "Jl. Bendungan Sutami", "Jl. Candi Panggung"),
    "Sukun": ("Jl. Raya Langsep", "Jl. S. Supriadi", "Jl. Janti", "Jl. Raya Bandulan",
              "Jl. Raya Tidar", "Jl. Mergan Lori"),
}
OPENING_HOURS = ("Senin-Sabtu 08.00-17.00", "Setiap hari 07.00-21.00", "Senin-Jumat 09.00-16.00",
                 "Selasa-Minggu 10.00-20.00", "Senin-Sabtu 08.00-16.00, Minggu libur")
REJECTION_REASONS = (
    "Foto sertifikat NIB tidak terbaca, mohon unggah ulang dengan jelas.",
    "Nama usaha pada sertifikat NIB berbeda dengan nama toko, mohon disesuaikan.",
    "Alamat usaha belum lengkap (nomor rumah dan RT/RW), mohon dilengkapi.",
)


@dataclass(frozen=True)
class StoreType:
    """A line of business: store name patterns ({owner} is e.g. "Cak Slamet") and the
    categories it sells in, the first being its main one."""

    names: tuple[str, ...]
    categories: tuple[str, ...]
    description: str


STORE_TYPES = (
    StoreType(("Bakso {owner}", "Kripik Apel {place} Sari", "Dapur {owner}", "Kopi {place}",
               "Oleh-oleh {place} {word}", "Sambal {owner}"), ("makanan-minuman",),
              "Makanan dan minuman rumahan khas Malang, dibuat segar setiap hari."),
    StoreType(("Batik {place}", "Batik Malangan {owner}", "Konveksi {place} {word}"),
              ("fashion-pria", "fashion-wanita"),
              "Batik Malangan dan busana pria buatan penjahit lokal."),
    StoreType(("Butik {owner}", "Hijab {place}", "Tenun Ikat {owner}"), ("fashion-wanita",),
              "Busana muslim, hijab dan kain tenun pilihan untuk wanita."),
    StoreType(("Pande Besi {owner}", "Toko Perkakas {place}", "Peralatan Dapur {word}"), ("peralatan",),
              "Perkakas tempa dan peralatan dapur buatan perajin Malang."),
    StoreType(("Topeng Malangan {owner}", "Sanggar Kriya {place}", "Anyaman Bambu {owner}"), ("kriya",),
              "Kerajinan tangan khas Malang: topeng, anyaman dan hiasan."),
    StoreType(("Keramik {place}", "Mebel Rotan {owner}", "Gorden {owner}"),
              ("perlengkapan-rumah", "kriya"),
              "Perlengkapan rumah dan dekorasi buatan perajin lokal."),
    StoreType(("Jahit {owner}", "Servis AC {owner}", "Foto Studio {place}", "Laundry {place} {word}"),
              ("jasa",),
              "Jasa terpercaya untuk warga Kota Malang, bisa konsultasi lewat WhatsApp."),
    StoreType(("Rias Pengantin {owner}", "Dekorasi {place}", "Sewa Tenda {word}",
               "Souvenir Nikah {owner}"), ("wedding", "jasa"),
              "Segala kebutuhan pernikahan: dekorasi, rias, sewa dan suvenir."),
)


@dataclass(frozen=True)
class ProductLine:
    """A kind of product; names combine base, variant and size. Sizes go from small to
    large and the price grows with them. kind: food (may carry halal/P-IRT/BPOM numbers),
    goods, or service (unlimited stock)."""

    base: str
    variants: tuple[str, ...]
    sizes: tuple[str, ...]
    unit: str
    price: tuple[int, int]
    kind: str = "goods"


def _food(base, variants, sizes, unit, price) -> ProductLine:
    return ProductLine(base, variants, sizes, unit, price, "food")


def _service(base, variants, sizes, unit, price) -> ProductLine:
    return ProductLine(base, variants, sizes, unit, price, "service")


PRODUCT_LINES = {
    "makanan-minuman": (
        _food("Keripik Tempe", ("Original", "Pedas Daun Jeruk", "Balado", "Bawang Gurih"),
              ("100 gr", "250 gr", "500 gr", "1 kg"), "bungkus", (8000, 55000)),
        _food("Keripik Apel", ("Original", "Manalagi", "Rome Beauty"), ("100 gr", "200 gr", "500 gr"),
              "bungkus", (12000, 60000)),
        _food("Sambal Bawang", ("Original", "Cumi", "Teri", "Ebi"), ("150 gr", "250 gr"), "botol",
              (18000, 45000)),
        _food("Kopi Dampit", ("Robusta", "Arabika", "Lanang"), ("100 gr", "200 gr", "500 gr", "1 kg"),
              "bungkus", (20000, 180000)),
        _food("Bakpia", ("Kacang Hijau", "Cokelat", "Keju", "Ubi Ungu"), ("isi 10", "isi 20"), "kotak",
              (25000, 60000)),
        _food("Sari Apel", ("Original", "Jahe"), ("isi 6 gelas", "isi 24 gelas"), "dus", (12000, 48000)),
        _food("Kerupuk Samiler", ("Original", "Pedas"), ("250 gr", "500 gr"), "bungkus", (10000, 25000)),
        _food("Strudel Apel", ("Original", "Keju", "Cokelat"), ("",), "kotak", (35000, 65000)),
        _food("Madu Kelengkeng", ("Murni",), ("250 gr", "500 gr", "1 kg"), "botol", (45000, 200000)),
        _food("Jenang", ("Ketan", "Apel", "Durian"), ("250 gr", "500 gr"), "bungkus", (15000, 35000)),
        _food("Nasi Kotak", ("Ayam Bakar", "Rendang", "Ayam Geprek", "Rawon"), ("",), "kotak",
              (15000, 35000)),
        _food("Teh Rosela Kering", ("Merah", "Ungu"), ("50 gr", "100 gr"), "bungkus", (15000, 35000)),
    ),
    "fashion-pria": (
        ProductLine("Kemeja Batik Malangan", ("Motif Topeng", "Motif Teratai", "Motif Kawung",
                    "Motif Tugu"), ("M", "L", "XL", "XXL"), "pcs", (120000, 350000)),
        ProductLine("Kaos Oleh-oleh Malang", ("Tugu Malang", "Singo Edan", "Bromo", "Aksara Jawa"),
                    ("M", "L", "XL"), "pcs", (60000, 95000)),
        ProductLine("Kemeja Tenun Ikat", ("Lengan Panjang", "Lengan Pendek"), ("M", "L", "XL"), "pcs",
                    (180000, 400000)),
        ProductLine("Celana Chino", ("Krem", "Hitam", "Navy"), ("30", "32", "34"), "pcs",
                    (120000, 200000)),
        ProductLine("Songkok", ("Hitam Polos", "Bordir"), ("No. 7", "No. 8", "No. 9"), "pcs",
                    (35000, 75000)),
        ProductLine("Sarung Tenun", ("Motif Kotak", "Motif Songket"), ("",), "pcs", (150000, 350000)),
        ProductLine("Sandal Kulit Pria", ("Cokelat", "Hitam"), ("40", "41", "42", "43"), "pasang",
                    (85000, 180000)),
    ),
    "fashion-wanita": (
        ProductLine("Blouse Batik Malangan", ("Motif Teratai", "Motif Topeng", "Motif Parang"),
                    ("S", "M", "L", "XL"), "pcs", (110000, 280000)),
        ProductLine("Kain Batik Tulis Malangan", ("Motif Bunga Teratai", "Motif Tugu"),
                    ("2 meter", "2,5 meter"), "lembar", (250000, 750000)),
        ProductLine("Hijab Segi Empat", ("Voal Polos", "Motif Bunga", "Paris"), ("",), "pcs",
                    (25000, 85000)),
        ProductLine("Gamis", ("Katun Rayon", "Toyobo"), ("S", "M", "L", "XL"), "pcs", (150000, 350000)),
        ProductLine("Tas Rajut", ("Krem", "Hitam", "Merah Bata"), ("Kecil", "Sedang", "Besar"), "pcs",
                    (45000, 185000)),
        ProductLine("Mukena Bordir", ("Putih", "Krem"), ("Dewasa",), "set", (150000, 400000)),
        ProductLine("Kebaya Kutubaru", ("Hijau Botol", "Marun", "Hitam"), ("M", "L"), "pcs",
                    (175000, 325000)),
    ),
    "peralatan": (
        ProductLine("Pisau Dapur Stainless", ("Serbaguna", "Daging"), ("15 cm", "20 cm"), "pcs",
                    (35000, 95000)),
        ProductLine("Cangkul Tempa", ("Gagang Kayu",), ("",), "pcs", (75000, 150000)),
        ProductLine("Golok Tempa", ("Sarung Kayu", "Sarung Kulit"), ("",), "pcs", (90000, 250000)),
        ProductLine("Wajan Besi", ("Cor", "Tempa"), ("24 cm", "30 cm", "36 cm"), "pcs", (60000, 180000)),
        ProductLine("Dandang Aluminium", ("",), ("24 cm", "30 cm", "40 cm"), "pcs", (95000, 350000)),
        ProductLine("Cobek Batu", ("Gunung",), ("Kecil", "Sedang", "Besar"), "pcs", (25000, 120000)),
        ProductLine("Rak Besi Serbaguna", ("Hitam", "Putih"), ("3 susun", "4 susun", "5 susun"), "pcs",
                    (120000, 300000)),
        ProductLine("Sabit Rumput", ("Tempa",), ("",), "pcs", (40000, 85000)),
    ),
    "kriya": (
        ProductLine("Topeng Malangan", ("Panji Asmorobangun", "Klono Sewandono", "Dewi Sekartaji",
                    "Bapang"), ("Miniatur", "20 cm", "35 cm"), "pcs", (35000, 600000)),
        ProductLine("Gerabah Hias", ("Vas Bunga", "Guci Mini", "Celengan"), ("Kecil", "Sedang"), "pcs",
                    (15000, 150000)),
        ProductLine("Anyaman Bambu", ("Tudung Saji", "Keranjang Parsel", "Tempat Tisu"), ("",), "pcs",
                    (20000, 95000)),
        ProductLine("Wayang Kulit", ("Arjuna", "Gatotkaca", "Semar"), ("30 cm", "50 cm"), "pcs",
                    (150000, 750000)),
        ProductLine("Lukisan Kaca", ("Tugu Malang", "Candi Singosari", "Topeng Panji"),
                    ("30x40 cm", "40x60 cm"), "pcs", (150000, 500000)),
        ProductLine("Gantungan Kunci Topeng", ("Kayu", "Resin"), ("isi 1", "isi 10"), "paket",
                    (8000, 60000)),
        ProductLine("Miniatur Candi Badut", ("Batu Paras", "Resin"), ("",), "pcs", (75000, 300000)),
    ),
    "perlengkapan-rumah": (
        ProductLine("Keset Kain Perca", ("Motif Bunga", "Polos"), ("40x60 cm",), "pcs", (15000, 35000)),
        ProductLine("Sprei Batik", ("Cokelat Sogan", "Biru Indigo"), ("Single", "Queen", "King"), "set",
                    (150000, 400000)),
        ProductLine("Gorden Jendela", ("Polos", "Motif Daun"), ("100x150 cm", "150x220 cm"), "pcs",
                    (85000, 300000)),
        ProductLine("Taplak Meja Batik", ("Bundar", "Persegi"), ("",), "pcs", (45000, 120000)),
        ProductLine("Kursi Rotan", ("Teras", "Santai"), ("",), "pcs", (350000, 750000)),
        ProductLine("Lampu Hias Bambu", ("Gantung", "Meja"), ("",), "pcs", (60000, 200000)),
        ProductLine("Vas Keramik Dinoyo", ("Putih", "Motif Bunga"), ("Kecil", "Sedang", "Besar"), "pcs",
                    (35000, 250000)),
        ProductLine("Sapu Ijuk", ("Gagang Kayu", "Gagang Besi"), ("",), "pcs", (12000, 35000)),
    ),
    "jasa": (
        _service("Jasa Jahit", ("Kebaya", "Seragam Kantor", "Gamis"), ("",), "paket", (85000, 350000)),
        _service("Jasa Permak", ("Celana", "Kemeja"), ("",), "pcs", (15000, 40000)),
        _service("Servis AC", ("Cuci AC 1/2-1 PK", "Isi Freon", "Bongkar Pasang"), ("",), "paket",
                 (75000, 350000)),
        _service("Fotografi", ("Produk UMKM", "Wisuda", "Keluarga"), ("",), "jam", (150000, 450000)),
        _service("Desain Logo UMKM", ("Basic", "Lengkap"), ("",), "paket", (150000, 500000)),
        _service("Laundry Kiloan", ("Reguler", "Kilat"), ("",), "kg", (6000, 12000)),
        _service("Les Privat", ("Matematika SD", "Bahasa Inggris", "Mengaji"), ("",), "jam",
                 (50000, 100000)),
        _service("Pijat Tradisional", ("Refleksi", "Urut"), ("",), "jam", (60000, 120000)),
    ),
    "wedding": (
        _service("Dekorasi Pelaminan", ("Adat Jawa", "Rustic", "Minimalis"), ("",), "paket",
                 (3500000, 15000000)),
        _service("Sewa Gaun Pengantin", ("Kebaya Modern", "Gaun Internasional", "Beskap Jawa"), ("",),
                 "paket", (500000, 2500000)),
        _service("Rias Pengantin", ("Paes Malangan", "Modern Hijab"), ("",), "paket",
                 (1500000, 6000000)),
        _service("Sewa Tenda", ("Dekorasi", "Sarnafil"), ("5x5 m", "10x10 m"), "paket",
                 (750000, 4000000)),
        _service("Catering Prasmanan", ("Menu Jawa", "Menu Nusantara"), ("",), "porsi", (25000, 65000)),
        ProductLine("Souvenir Pernikahan", ("Gantungan Kunci Topeng", "Kipas Batik", "Tas Anyaman Mini"),
                    ("isi 50", "isi 100"), "paket", (150000, 900000)),
        ProductLine("Undangan Cetak", ("Hardcover", "Softcover"), ("",), "pcs", (3000, 15000)),
        ProductLine("Box Seserahan Akrilik", ("Bening", "Gold"), ("isi 5", "isi 7"), "set",
                    (150000, 450000)),
    ),
}

DESCRIPTIONS = {
    "food": ("{name} buatan {store}, dibuat setiap hari dari bahan pilihan.",
             "Tanpa bahan pengawet dan penyedap buatan.",
             "Cocok untuk oleh-oleh khas Malang maupun camilan keluarga.",
             "Dikemas rapat agar tetap segar sampai di tangan pembeli.",
             "Resep turun-temurun khas Kota Malang."),
    "goods": ("{name} dari {store}, dikerjakan oleh perajin lokal Kota Malang.",
              "Bahan berkualitas dan jahitan/penyelesaian rapi.",
              "Bisa dipesan dalam jumlah banyak untuk acara kantor.",
              "Warga Malang bisa mengambil langsung di toko.",
              "Foto asli produk; warna bisa sedikit berbeda karena pencahayaan."),
    "service": ("Layanan {name} dari {store} untuk warga Kota Malang.",
                "Harga dapat menyesuaikan kebutuhan; silakan konsultasi lewat WhatsApp dulu.",
                "Dikerjakan oleh tenaga berpengalaman.",
                "Jadwal menyesuaikan ketersediaan; pesan minimal 2 hari sebelumnya."),
}


@dataclass(frozen=True)
class StoreSpec:
    """Everything needed to create one demo seller, their store and its history."""

    email: str
    owner_name: str
    phone: str
    name: str
    nib: str
    kecamatan: str
    kelurahan: str
    address: str
    description: str
    categories: tuple[str, ...]
    status: str
    days_ago: float  # when the store applied
    decided_after_days: float  # when an admin decided, after applying (verified/rejected)
    opening_hours: str
    offers_delivery: bool = True
    offers_pickup: bool = True
    delivery_fee: int = 10000
    status_reason: str | None = None


FEATURED_STORES = (
    StoreSpec(email=f"penjual@{DEMO_DOMAIN}", owner_name="Sri Wahyuni", phone="6285712340001",
              name="Keripik Tempe Bu Sri", nib="9120301010001", kecamatan="Sukun",
              kelurahan="Pisang Candi", address="Jl. Raya Langsep No. 12",
              description="Keripik tempe renyah resep keluarga sejak 1998, tanpa pengawet. "
                          "Melayani pesanan oleh-oleh dan hajatan.",
              categories=("makanan-minuman",), status="verified", days_ago=200,
              decided_after_days=2, opening_hours="Senin-Sabtu 08.00-17.00", delivery_fee=8000),
    StoreSpec(email=f"pending@{DEMO_DOMAIN}", owner_name="Bambang Susilo", phone="6285712340002",
              name="Sanggar Topeng Polowijen", nib="9120301010002", kecamatan="Blimbing",
              kelurahan="Polowijen", address="Jl. Cakalang No. 45",
              description="Topeng Malangan ukir tangan dari Kampung Budaya Polowijen.",
              categories=("kriya",), status="pending", days_ago=2, decided_after_days=0,
              opening_hours="Setiap hari 09.00-17.00", offers_delivery=False, delivery_fee=0),
    StoreSpec(email=f"ditolak@{DEMO_DOMAIN}", owner_name="Yuliana Putri", phone="6285712340003",
              name="Hijab Ayu Dinoyo", nib="9120301010003", kecamatan="Lowokwaru",
              kelurahan="Dinoyo", address="Jl. MT Haryono No. 88",
              description="Hijab dan gamis jahitan sendiri dengan bahan adem.",
              categories=("fashion-wanita",), status="rejected", days_ago=9, decided_after_days=3,
              opening_hours="Senin-Sabtu 09.00-18.00", delivery_fee=7000,
              status_reason=REJECTION_REASONS[0]),
)

# Bu Sri's own products, so the demo seller's dashboard looks real.
FEATURED_PRODUCTS = (
    ("Keripik Tempe Original 250 gr", 15000, "bungkus", 120),
    ("Keripik Tempe Pedas Daun Jeruk 250 gr", 16000, "bungkus", 85),
    ("Keripik Tempe Original 500 gr", 28000, "bungkus", 60),
    ("Keripik Tempe Balado 1 kg", 52000, "bungkus", 0),
    ("Sambal Bawang Bu Sri 150 gr", 22000, "botol", 40),
    ("Paket Oleh-oleh Malang Keripik Tempe dan Keripik Apel", 65000, "paket", 25),
)


def _generated_store(n: int) -> StoreSpec:
    """The n-th generated demo store (n >= 1); the same n always gives the same store."""
    rng = random.Random(f"malpro-store-{n}")
    store_type = STORE_TYPES[(n - 1) % len(STORE_TYPES)]
    kecamatan = tuple(regions())[(n - 1) % len(regions())]
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    honorific = rng.choice(("Bu", "Mbak", "Ning") if female else ("Cak", "Pak", "Mas"))
    name = rng.choice(store_type.names).format(
        owner=f"{honorific} {first}", place=rng.choice(PLACES), word=rng.choice(WORDS))
    # About 3 of the default 40 stores wait for verification and 2 were rejected.
    if n % 15 == 0:
        status, days_ago = "pending", rng.uniform(0.5, 14)
    elif n % 25 == 12:
        status, days_ago = "rejected", rng.uniform(5, 40)
    else:
        status, days_ago = "verified", rng.uniform(20, 365)
    offers_delivery, offers_pickup = rng.choice(
        ((True, True), (True, True), (True, True), (True, False), (False, True)))
    return StoreSpec(
        email=f"toko{n}@{DEMO_DOMAIN}",
        owner_name=f"{first} {rng.choice(FAMILY_NAMES)}",
        phone=f"628123{n:07d}",
        name=name,
        nib=f"9120{n:09d}",
        kecamatan=kecamatan,
        kelurahan=rng.choice(regions()[kecamatan]),
        address=f"{rng.choice(STREETS[kecamatan])} No. {rng.randint(1, 250)}",
        description=store_type.description,
        categories=store_type.categories,
        status=status,
        days_ago=days_ago,
        decided_after_days=min(rng.uniform(1, 5), days_ago * 0.8),
        opening_hours=rng.choice(OPENING_HOURS),
        offers_delivery=offers_delivery,
        offers_pickup=offers_pickup,
        delivery_fee=rng.randrange(5000, 15001, 1000) if offers_delivery else 0,
        status_reason=rng.choice(REJECTION_REASONS) if status == "rejected" else None,
    )


def _store_categories(email: str) -> tuple[str, ...]:
    """What an existing demo store sells, recovered from its owner's email (top-up runs)."""
    for spec in FEATURED_STORES:
        if spec.email == email:
            return spec.categories
    match = re.fullmatch(rf"toko(\d+)@{re.escape(DEMO_DOMAIN)}", email)
    return STORE_TYPES[(int(match.group(1)) - 1) % len(STORE_TYPES)].categories if match else ()


# --- Demo data ----------------------------------------------------------------------------

def seed_demo(stores: int = 40, products: int = 400, log: Callable[[str], object] = print) -> dict:
    """Create (or top up to) `stores` demo stores and `products` demo products, with the
    demo accounts. Returns the totals of demo users, stores and products afterwards."""
    seed_reference_data()
    now = utcnow()
    # Hashing is deliberately slow: hash each demo password once and share the hash.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    admin = _ensure_user(ADMIN_EMAIL, "Admin Diskominfo", generate_password_hash(ADMIN_PASSWORD),
                         now - timedelta(days=400), is_admin=True, kecamatan="Klojen")
    _ensure_user(BUYER_EMAIL, "Rina Wulandari", password_hash, now - timedelta(days=120),
                 phone="6281333000001", kecamatan="Lowokwaru")
    db.session.commit()

    created_stores = _create_stores(stores, admin.id, password_hash, now, log)
    created_products = _create_products(products, now, log)
    from malpro.seed_qris import seed_qris_demo; seed_qris_demo(BUYER_EMAIL, DEMO_DOMAIN, log)  # noqa: E702,I001
    totals = _demo_totals()
    log(f"Data demo: {created_stores} toko dan {created_products} produk baru; total {totals}.")
    return totals


def _demo_owner():
    """Condition on User: the account belongs to the demo data."""
    return User.email.like(f"%@{DEMO_DOMAIN}")


def _demo_totals() -> dict:
    return {
        "users": db.session.scalar(select(func.count(User.id)).where(_demo_owner())),
        "stores": db.session.scalar(
            select(func.count(Store.id)).join(Store.owner).where(_demo_owner())),
        "products": db.session.scalar(
            select(func.count(Product.id)).join(Product.store).join(Store.owner).where(_demo_owner())),
    }


def _ensure_user(email: str, name: str, password_hash: str, created_at: datetime, **fields) -> User:
    """The account with this email, created if missing (an existing one is left as it is)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash, created_at=created_at, **fields)
        db.session.add(user)
        db.session.flush()
    return user


def _create_stores(total: int, admin_id: int, password_hash: str, now: datetime, log) -> int:
    """Create the featured stores and generated ones up to `total` demo stores, skipping
    owners that already exist. Returns how many were created."""
    generated = range(1, total - len(FEATURED_STORES) + 1)
    wanted = [*FEATURED_STORES, *(_generated_store(n) for n in generated)]
    existing = set(db.session.scalars(select(User.email).where(_demo_owner())))
    specs = [spec for spec in wanted if spec.email not in existing]
    if not specs:
        log("Toko demo sudah lengkap.")
        return 0
    taken_slugs = set(db.session.scalars(select(Store.slug)))
    taken_nibs = set(db.session.scalars(select(Store.nib)))
    documents_dir = Path(current_app.config["UPLOAD_DIR"]) / "documents"
    documents_dir.mkdir(parents=True, exist_ok=True)

    for start in range(0, len(specs), BATCH_SIZE):
        batch = specs[start:start + BATCH_SIZE]
        applied = [now - timedelta(days=spec.days_ago) for spec in batch]
        owner_ids = _bulk_insert(User, [
            {"name": spec.owner_name, "email": spec.email, "phone": spec.phone,
             "password_hash": password_hash, "is_admin": False, "kecamatan": spec.kecamatan,
             "created_at": at - timedelta(hours=1)} for spec, at in zip(batch, applied)])

        store_rows = []
        for spec, owner_id, at in zip(batch, owner_ids, applied):
            decided = at + timedelta(days=spec.decided_after_days)
            store_rows.append({
                "owner_id": owner_id, "name": spec.name,
                "slug": _unique(slugify(spec.name, 130), taken_slugs),
                "nib": spec.nib if spec.nib not in taken_nibs else _random_nib(taken_nibs),
                "phone": spec.phone, "address": spec.address,
                "kecamatan": spec.kecamatan, "kelurahan": spec.kelurahan,
                "description": spec.description, "offers_delivery": spec.offers_delivery,
                "offers_pickup": spec.offers_pickup, "delivery_fee": spec.delivery_fee,
                "opening_hours": spec.opening_hours, "status": spec.status,
                "status_reason": spec.status_reason, "submitted_at": at,
                "verified_at": decided if spec.status == "verified" else None,
                "created_at": at, "updated_at": at if spec.status == "pending" else decided,
            })
            taken_nibs.add(store_rows[-1]["nib"])
        store_ids = _bulk_insert(Store, store_rows)

        decisions, documents = [], []
        for spec, row, store_id in zip(batch, store_rows, store_ids):
            at = row["submitted_at"]
            decisions.append({"store_id": store_id, "actor_id": row["owner_id"], "from_status": None,
                              "to_status": "pending", "reason": None, "created_at": at})
            if spec.status != "pending":
                decisions.append({"store_id": store_id, "actor_id": admin_id, "from_status": "pending",
                                  "to_status": spec.status, "reason": spec.status_reason,
                                  "created_at": at + timedelta(days=spec.decided_after_days)})
            documents.append(_write_nib_document(documents_dir, store_id, row, at))
        _bulk_insert(StoreDecision, decisions)
        _bulk_insert(StoreDocument, documents)
        db.session.commit()
        log(f"Toko demo: {start + len(batch)}/{len(specs)} dibuat.")
    return len(specs)


def _write_nib_document(directory: Path, store_id: int, store: dict, at: datetime) -> dict:
    """Write a small real PDF standing in for the store's OSS NIB certificate."""
    stored_name = secrets.token_hex(16) + ".pdf"
    content = _minimal_pdf([
        "Perizinan Berusaha Berbasis Risiko - Nomor Induk Berusaha",
        f"NIB: {store['nib']}",
        f"Nama usaha: {store['name']}",
        f"Alamat: {store['address']}, {store['kelurahan']}, {store['kecamatan']}, Kota Malang",
        "Dokumen contoh untuk data demo Malpro.",
    ])
    (directory / stored_name).write_bytes(content)
    return {"store_id": store_id, "kind": "nib", "filename": "sertifikat-nib.pdf",
            "stored_name": stored_name, "content_type": "application/pdf", "size": len(content),
            "uploaded_at": at}


@dataclass(frozen=True)
class _Seller:
    """A demo store products may be added to (verified or pending)."""

    id: int
    name: str
    email: str
    categories: tuple[str, ...]
    opened: datetime
    verified: bool


def _create_products(total: int, now: datetime, log) -> int:
    """Top the demo products up to `total`. Returns how many were created."""
    existing = db.session.scalar(
        select(func.count(Product.id)).join(Product.store).join(Store.owner).where(_demo_owner()))
    missing = total - existing
    if missing <= 0:
        log("Produk demo sudah lengkap.")
        return 0
    category_ids = dict(db.session.execute(select(Category.slug, Category.id)).tuples().all())
    candidates = db.session.execute(
        select(Store.id, Store.name, User.email, Store.created_at, Store.status)
        .join(Store.owner).where(_demo_owner(), Store.status.in_(("verified", "pending")))
        .order_by(Store.id))
    sellers = [_Seller(store_id, name, email, _store_categories(email), opened, status == "verified")
               for store_id, name, email, opened, status in candidates]
    sellers = [seller for seller in sellers if seller.categories]
    if not sellers:
        log("Tidak ada toko demo untuk produk.")
        return 0

    images = _ImagePool(Path(current_app.config["UPLOAD_DIR"]) / "products", category_ids)
    rng = random.Random(f"malpro-products-{existing}")
    plan = _product_plan(rng, sellers, category_ids, now)
    created = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as executor:
        while created < missing:
            batch = [next(plan) for _ in range(min(BATCH_SIZE, missing - created))]
            paths = images.assign(executor, [(row["name"], slug) for row, slug in batch])
            rows = [row | {"cover_path": thumb} for (row, _), (thumb, _) in zip(batch, paths)]
            product_ids = _bulk_insert(Product, rows)
            _bulk_insert(ProductImage, [
                {"product_id": product_id, "position": 0, "thumb_path": thumb, "large_path": large,
                 "created_at": row["created_at"]}
                for product_id, row, (thumb, large) in zip(product_ids, rows, paths)])
            db.session.commit()
            created += len(batch)
            log(f"Produk demo: {created}/{missing} dibuat ({images.generated} gambar baru).")
    return created


def _product_plan(rng: random.Random, sellers: list[_Seller], category_ids: dict[str, int],
                  now: datetime) -> Iterator[tuple[dict, str]]:
    """Endless (product row, category slug) pairs: Bu Sri's own products first while her
    store has none, then random products of random demo stores."""
    featured = next((s for s in sellers if s.email == FEATURED_STORES[0].email), None)
    if featured and not db.session.scalar(select(Product.id).where(Product.store_id == featured.id)):
        for name, price, unit, stock in FEATURED_PRODUCTS:
            created_at = _random_time(rng, featured.opened, now)
            yield {
                "store_id": featured.id, "category_id": category_ids["makanan-minuman"],
                "name": name, "slug": slugify(name, 140),
                "description": _description(rng, "food", name, featured.name),
                "price": price, "stock": stock, "unit": unit, "is_active": True,
                "halal_number": _halal_number(rng), "pirt_number": _pirt_number(rng),
                "bpom_number": None, "created_at": created_at, "updated_at": created_at,
            }, "makanan-minuman"
    # Pending stores may prepare products, but most products belong to verified stores.
    weights = [1.0 if seller.verified else 0.3 for seller in sellers]
    while True:
        for seller in rng.choices(sellers, weights=weights, k=1000):
            yield _random_product(rng, seller, category_ids, now)


def _random_product(rng: random.Random, seller: _Seller, category_ids: dict[str, int],
                    now: datetime) -> tuple[dict, str]:
    main, *others = seller.categories
    slug = main if not others or rng.random() < 0.7 else rng.choice(others)
    line = rng.choice(PRODUCT_LINES[slug])
    size = rng.randrange(len(line.sizes))
    name = " ".join(part for part in (line.base, rng.choice(line.variants), line.sizes[size]) if part)
    low, high = line.price
    # Larger sizes cost more: each size gets its own slice of the price range.
    price = low + (high - low) * (size + rng.random()) / len(line.sizes)
    food = line.kind == "food"
    created_at = _random_time(rng, seller.opened, now)
    return {
        "store_id": seller.id, "category_id": category_ids[slug], "name": name,
        "slug": slugify(name, 140), "description": _description(rng, line.kind, name, seller.name),
        "price": max(500, round(price / 500) * 500),
        "stock": None if line.kind == "service" else (0 if rng.random() < 0.04 else rng.randint(1, 200)),
        "unit": line.unit, "is_active": rng.random() < 0.95,
        "halal_number": _halal_number(rng) if food and rng.random() < 0.65 else None,
        "pirt_number": _pirt_number(rng) if food and rng.random() < 0.6 else None,
        "bpom_number": _bpom_number(rng) if food and rng.random() < 0.15 else None,
        "created_at": created_at, "updated_at": created_at,
    }, slug


def _description(rng: random.Random, kind: str, name: str, store: str) -> str:
    first, *rest = DESCRIPTIONS[kind]
    return " ".join([first.format(name=name, store=store), *rng.sample(rest, rng.randint(0, 2))])


def _random_time(rng: random.Random, opened: datetime, now: datetime) -> datetime:
    """A time in the last PRODUCT_DAYS days, not before the store applied."""
    start = max(opened, now - timedelta(days=PRODUCT_DAYS))
    return start + (now - start) * rng.random()


def _halal_number(rng: random.Random) -> str:
    return f"ID3511{rng.randrange(10**13):013d}"


def _pirt_number(rng: random.Random) -> str:
    # 1 packaging digit, 2 food-type digits, 3573 (Kota Malang), product and serial digits, expiry year.
    digits = f"{rng.randint(1, 5)}{rng.randint(1, 16):02d}3573{rng.randrange(10**6):06d}"
    return f"P-IRT {digits}-{rng.randint(26, 30)}"


def _bpom_number(rng: random.Random) -> str:
    return f"BPOM RI MD {rng.randrange(10**12):012d}"


# --- Images -------------------------------------------------------------------------------

class _ImagePool:
    """Gives each product a (thumb_path, large_path) pair relative to UPLOAD_DIR: a freshly
    drawn image while fewer than IMAGE_LIMIT exist, else one of its category's images."""

    def __init__(self, directory: Path, category_ids: dict[str, int]):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        slug_of = {category_id: slug for slug, category_id in category_ids.items()}
        self.pool: dict[str, list[tuple[str, str]]] = {slug: [] for slug in category_ids}
        rows = db.session.execute(
            select(ProductImage.thumb_path, ProductImage.large_path, Product.category_id).distinct()
            .join(ProductImage.product).join(Product.store).join(Store.owner).where(_demo_owner())
            .limit(IMAGE_LIMIT * 2))
        for thumb, large, category_id in rows:
            self.pool[slug_of[category_id]].append((thumb, large))
        self.count = sum(len(paths) for paths in self.pool.values())
        self.generated = 0
        self.rng = random.Random(self.count)

    def assign(self, executor: ThreadPoolExecutor, products: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Paths for each (name, category slug), drawing the new images in parallel."""
        paths, jobs = [], []
        for name, slug in products:
            if self.count < IMAGE_LIMIT or not self.pool[slug]:
                stem = secrets.token_hex(16)
                pair = (f"products/{stem}_t.webp", f"products/{stem}_l.webp")
                jobs.append((self.directory / f"{stem}_t.webp", self.directory / f"{stem}_l.webp",
                             name, slug, len(jobs)))
                self.pool[slug].append(pair)
                self.count += 1
                self.generated += 1
            else:
                pair = self.rng.choice(self.pool[slug])
            paths.append(pair)
        for _ in executor.map(lambda job: _draw_product_image(*job), jobs):
            pass  # consume the results so a drawing error is raised here
        return paths


_fonts = threading.local()  # FreeType fonts are not shared between threads


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    cache = getattr(_fonts, "by_size", None)
    if cache is None:
        cache = _fonts.by_size = {}
    if size not in cache:
        cache[size] = ImageFont.load_default(size=size)
    return cache[size]


def _draw_product_image(thumb: Path, large: Path, name: str, category: str, shape: int) -> None:
    """A placeholder photo: category colour, a shape, the product's initials and name."""
    color = CATEGORY_COLORS.get(category, (90, 90, 90))
    light = tuple(c + (255 - c) * 35 // 100 for c in color)
    dark = tuple(c * 70 // 100 for c in color)
    image = Image.new("RGB", (LARGE_SIZE, LARGE_SIZE), color)
    draw = ImageDraw.Draw(image)
    box = (220, 130, 780, 690)
    if shape % 3 == 0:
        draw.ellipse(box, fill=light)
    elif shape % 3 == 1:
        draw.rounded_rectangle(box, radius=90, fill=light)
    else:
        draw.polygon(((500, 100), (810, 410), (500, 720), (190, 410)), fill=light)
    words = [w for w in re.split(r"\W+", name) if w and not w[0].isdigit()]
    initials = "".join(w[0] for w in words[:2]).upper()
    draw.text((500, 410), initials, font=_font(230), fill="white", anchor="mm")
    draw.rectangle((0, 790, LARGE_SIZE, LARGE_SIZE), fill=dark)
    draw.text((500, 895), _shorten(name, 26), font=_font(58), fill="white", anchor="mm")
    draw.text((40, 40), "MALPRO", font=_font(40), fill=light)
    # method=0 is the fastest WebP encoder setting; these flat images compress well anyway.
    image.save(large, "WEBP", quality=80, method=0)
    image.resize((THUMB_SIZE, THUMB_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0).save(
        thumb, "WEBP", quality=80, method=0)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."


# --- Small helpers ------------------------------------------------------------------------

def _bulk_insert(model, rows: list[dict]) -> list[int]:
    """INSERT many rows at once and return their new ids, in the order of `rows`.

    render_nulls sends None as NULL; without it SQLAlchemy groups the rows by which keys
    are None and, with RETURNING, splices the groups back together in quadratic time.
    """
    result = db.session.scalars(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows,
        execution_options={"render_nulls": True})
    return result.all()


def _unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, ... whichever is not in `taken`; marks it taken."""
    candidate = unique_slug(slug, taken.__contains__)
    taken.add(candidate)
    return candidate


def _random_nib(taken: set[str]) -> str:
    while (nib := f"9120{secrets.randbelow(10**9):09d}") in taken:
        pass
    return nib


def _minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` in Helvetica, with a correct xref table."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({escape(line)}) '" for line in lines)
    stream = f"BT /F1 12 Tf 18 TL 60 800 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
