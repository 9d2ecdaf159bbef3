"""A local news site for fetch tests: a real HTTP server on 127.0.0.1 serving pages made to look like Indonesian
outlets (navigation, ads, "Baca Juga" blocks, share bars, JSON-LD and Open Graph), their AMP and tracking-link
copies, a syndicated copy on another "outlet", and the bad cases (404/500, a redirect loop, a 50 MB page, a PDF,
an image, a page without article text, a slow page)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STORY = [
    "Kementerian Komunikasi dan Digital menjatuhkan denda administratif kepada platform video Zebraungu karena "
    "iklan judi online yang terus tayang di aplikasinya selama sebulan terakhir.",
    "Menurut kementerian, Zebraungu sudah dua kali ditegur tetapi iklan serupa kembali muncul dengan nama akun "
    "yang berbeda, sehingga denda dijatuhkan sesuai aturan penyelenggara sistem elektronik.",
    "Juru bicara Zebraungu mengatakan perusahaan akan menghapus seluruh iklan tersebut dalam tujuh hari dan "
    "menambah tim moderasi konten berbahasa Indonesia.",
    "Kementerian menyatakan akses aplikasi dapat diputus apabila dalam tiga puluh hari platform tidak mematuhi "
    "kewajiban tersebut.",
]

OTHER_STORY = [
    "Pemerintah mewajibkan platform media sosial memverifikasi usia pengguna sebelum membuka akun baru mulai "
    "tahun depan, menurut rancangan peraturan yang dibahas pekan ini.",
    "Rancangan itu mengatur batas usia minimal tiga belas tahun dan mewajibkan persetujuan orang tua bagi "
    "pengguna di bawah tujuh belas tahun yang ingin membuat akun.",
    "Kelompok masyarakat sipil meminta agar verifikasi usia tidak mengumpulkan data pribadi secara berlebihan "
    "dan menyarankan audit independen terhadap penyimpanan data.",
]


def outlet_page(
    title: str,
    paragraphs: list[str],
    *,
    outlet: str = "Kabar Tekno",
    canonical: str | None = None,
    date: str | None = "2024-08-21T10:15:00+07:00",
    author: str = "Ana Lestari",
    dateline: str = "Jakarta - ",
    metadata: bool = True,
) -> str:
    head = [f"<title>{title} | {outlet}</title>"]
    if metadata:
        if canonical:
            head.append(f'<link rel="canonical" href="{canonical}">')
        head.append(f'<meta property="og:site_name" content="{outlet}">')
        head.append(f'<meta property="og:title" content="{title}">')
        if date:
            head.append(f'<meta property="article:published_time" content="{date}">')
        head.append(
            '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
            f'"headline":"{title}",' + (f'"datePublished":"{date}",' if date else "") + '"author":{"@type":"Person",'
            f'"name":"{author}"}},"publisher":{{"@type":"Organization","name":"{outlet}"}}}}</script>'
        )
    body = [f"<p>{dateline}{paragraphs[0]}</p>"]
    for n, text in enumerate(paragraphs[1:], start=1):
        if n == 1:
            body.append(
                '<div class="baca-juga"><p>Baca Juga</p><ul><li><a href="/x">Harga Cabai Naik Jelang Lebaran</a></li>'
                '<li><a href="/y">Timnas Menang Tipis atas Vietnam</a></li></ul></div>'
            )
        if n == 2:
            body.append('<div class="ads"><p>Advertisement</p><p>Scroll to continue with content</p></div>')
        body.append(f"<p>{text}</p>")
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        + "".join(head)
        + '</head><body><header><nav><a href="/">Beranda</a> <a href="/tekno">Tekno</a> <a href="/bisnis">Bisnis</a>'
        + "</nav></header><main><article><h1>"
        + title
        + "</h1>"
        + (f'<div class="byline">Oleh {author}</div>' if metadata else "")
        + "".join(body)
        + '<div class="share">Bagikan: Facebook · X · WhatsApp · Salin tautan</div></article>'
        + '<aside><h3>Terpopuler</h3><ol><li><a href="/a">Resep Rendang</a></li><li><a href="/b">Jadwal KRL</a></li>'
        + "</ol></aside></main><footer>© 2024 "
        + outlet
        + " · Pedoman Media Siber · Kontak</footer></body></html>"
    )


class Newsroom:
    """Serves `pages` (path → (status, content type, body)) plus the built-in bad cases; counts requests."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.robots = "User-agent: *\nDisallow: /rahasia/\n"
        self._server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **headers: str):
        self.pages[path] = (200, content_type, body.encode() if isinstance(body, str) else body, headers)

    def start(self) -> Newsroom:
        newsroom = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                newsroom.requests.append((self.path, dict(self.headers)))
                newsroom._respond(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _respond(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path == "/robots.txt":
            return self._send(handler, 200, "text/plain", self.robots.encode())
        if path.startswith("/loop"):
            return self._send(handler, 302, "text/plain", b"", {"Location": "/loop-b" if path == "/loop" else "/loop"})
        if path == "/pindah":
            return self._send(handler, 301, "text/plain", b"", {"Location": "/berita/zebraungu-didenda"})
        if path == "/besar":  # 50 MB, streamed without a length: the fetcher must stop reading
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            chunk = b"<p>" + b"isi " * 16_000 + b"</p>"
            try:
                for _ in range(50 * 2**20 // len(chunk)):
                    handler.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if path == "/lambat":
            time.sleep(3)
            return self._send(handler, 200, "text/html", outlet_page("Lambat", STORY).encode())
        if path == "/500":
            return self._send(handler, 500, "text/plain", b"server error")
        found = self.pages.get(path)
        if found is None:
            return self._send(handler, 404, "text/html", b"<h1>404 Halaman tidak ditemukan</h1>")
        status, content_type, body, headers = found
        if headers.get("ETag") and handler.headers.get("If-None-Match") == headers["ETag"]:
            return self._send(handler, 304, content_type, b"", headers)
        self._send(handler, status, content_type, body, headers)

    @staticmethod
    def _send(handler, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        if body:
            handler.wfile.write(body)


def standard_site(newsroom: Newsroom) -> dict[str, str]:
    """The pages most tests use; returns their URLs by name."""
    main = newsroom.url("/berita/zebraungu-didenda")
    newsroom.add(
        "/berita/zebraungu-didenda", outlet_page("Kominfo Denda Zebraungu karena Iklan Judi", STORY, canonical=main)
    )
    newsroom.add(
        "/amp/berita/zebraungu-didenda",
        outlet_page("Kominfo Denda Zebraungu karena Iklan Judi", STORY, canonical=main),
    )
    syndicated = STORY[:3] + ["Artikel ini telah tayang di Kabar Tekno dengan judul serupa."]
    newsroom.add(
        "/sindikasi/zebraungu",
        outlet_page(
            "Zebraungu Didenda Kominfo gara-gara Iklan Judi",
            syndicated,
            outlet="Portal Nusantara",
            canonical=newsroom.url("/sindikasi/zebraungu"),
            dateline="JAKARTA, KOMPAS - ",
        ),
    )
    newsroom.add(
        "/tanpa-metadata",
        outlet_page(
            "Verifikasi Usia Pengguna Media Sosial",
            OTHER_STORY,
            metadata=False,
            dateline="JAKARTA, Kamis (22/8/2024) - ",
        ),
    )
    newsroom.add("/rahasia/laporan", outlet_page("Laporan Rahasia", OTHER_STORY))
    newsroom.add(
        "/tekno",
        '<html><body><nav><a href="/">Beranda</a></nav><ul>'
        + "".join(f'<li><a href="/berita/{n}">Berita {n}</a></li>' for n in range(20))
        + "</ul></body></html>",
    )
    newsroom.add("/dokumen.pdf", b"%PDF-1.4 " + b"x" * 2000, "application/pdf")
    newsroom.add("/gambar.png", b"\x89PNG\r\n\x1a\n" + b"x" * 2000, "image/png")
    return {
        "main": main,
        "amp": newsroom.url("/amp/berita/zebraungu-didenda"),
        "utm": main + "?utm_source=twitter&utm_medium=social",
        "syndicated": newsroom.url("/sindikasi/zebraungu"),
        "undated": newsroom.url("/tanpa-metadata"),
    }


_TOPIC_WORDS = (
    "pemerintah kominfo aplikasi platform konten judi online pornografi akun pengguna data moderasi pemblokiran "
    "ancaman perusahaan layanan digital internet media sosial video streaming regulasi kebijakan keamanan privasi "
    "laporan menteri kementerian teguran sanksi denda hukum startup investor pajak iklan server pusat wilayah "
    "provinsi kota desa sekolah mahasiswa pelajar guru orang tua anak remaja keluarga pasar harga beras cabai"
).split()


def generated_story(number: int) -> tuple[str, list[str]]:
    """A distinct made-up story (title, paragraphs): its own words in its own order, so no two resemble."""
    import random

    rng = random.Random(number)
    title = f"Berita {number}: " + " ".join(rng.sample(_TOPIC_WORDS, 4)).capitalize()
    paragraphs = [
        " ".join(rng.choice(_TOPIC_WORDS) for _ in range(28)).capitalize() + f" pada laporan nomor {number}-{p}."
        for p in range(3)
    ]
    return title, paragraphs


def add_story_pages(newsroom: Newsroom, numbers: range, outlet: str = "Kabar Tekno") -> list[str]:
    urls = []
    for number in numbers:
        title, paragraphs = generated_story(number)
        path = f"/berita/cerita-{number}"
        newsroom.add(path, outlet_page(title, paragraphs, outlet=outlet, canonical=newsroom.url(path)))
        urls.append(newsroom.url(path))
    return urls


def rss(urls: list[str], title: str = "Kabar Tekno") -> str:
    items = "".join(
        f'<item><title>Berita {n}</title><link>{url}</link><guid isPermaLink="true">{url}</guid>'
        f"<pubDate>Wed, 21 Aug 2024 10:{n % 60:02d}:00 +0700</pubDate></item>"
        for n, url in enumerate(urls)
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">'
    return f"{head}<channel><title>{title}</title>{items}</channel></rss>"


def atom(urls: list[str]) -> str:
    entries = "".join(
        f'<entry><id>tag:portal.example,2024:{n}</id><title>Berita {n}</title><link rel="alternate" href="{url}"/>'
        f"<updated>2024-08-21T10:00:00Z</updated></entry>"
        for n, url in enumerate(urls)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    return f"{head}<title>Portal</title>{entries}</feed>"


def sitemap(urls: list[str]) -> str:
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    head = '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return f"{head}{locs}</urlset>"
