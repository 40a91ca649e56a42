"""The demo's words: names of people and places in Kota Malang, lines of business, and the
products each category sells (with sizes and price ranges)."""
from __future__ import annotations

from dataclasses import dataclass

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

