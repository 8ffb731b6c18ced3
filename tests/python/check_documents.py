"""Word and PDF files written by other people's software, opened by Sorot.

python-docx writes a Word file and ReportLab a PDF (an embedded TrueType
font, justified paragraphs, page footers), as newsroom tools do; Sorot
must open each as its paragraphs in order with the page map, and refuse a
scanned (text-less) and a password-protected PDF with its message and no
annotation file. The text is read back through Sorot's JSONL export.

Usage: check_documents.py SOROT
"""

import json
import os
import subprocess
import sys
import tempfile

import docx
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

SOROT = os.path.abspath(sys.argv[1])
failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(what)


def opened(dir, name):
    """`sorot init` on a file, then its text and meta from the JSONL export."""
    run = subprocess.run([SOROT, "init", name], cwd=dir, capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr
    stem = name.rsplit(".", 1)[0]
    out = os.path.join(dir, stem + ".jsonl")
    subprocess.run([SOROT, "export", "--format", "jsonl", "--out", out, stem + ".sorot.ron"], cwd=dir, check=True)
    with open(out, encoding="utf-8") as f:
        return json.loads(f.readline()), ""


def word(dir):
    d = docx.Document()
    d.core_properties.title = "Rilis Kremlin"
    d.core_properties.author = "Tim Redaksi"
    d.add_heading("Rusia Bantah Kirim Senjata", level=1)
    p = d.add_paragraph("Juru bicara Kremlin, Dmitry Peskov, berkata: ")
    p.add_run("“Tidak ada pengiriman,”").bold = True
    p.add_run(" kata résumé naïve.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate([["Negara", "Klaim"], ["Rusia", "membantah"]]):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    d.add_page_break()
    d.add_paragraph("Halaman dua: 한국어 🇰🇷 dan e\u0301.")
    d.save(os.path.join(dir, "rilis.docx"))
    line, err = opened(dir, "rilis.docx")
    expected = (
        "Rusia Bantah Kirim Senjata\n"
        "Juru bicara Kremlin, Dmitry Peskov, berkata: “Tidak ada pengiriman,” kata résumé naïve.\n"
        "Negara\tKlaim\nRusia\tmembantah\n"
        "Halaman dua: 한국어 🇰🇷 dan e\u0301."
    )
    check("python-docx: opened", line is not None, err)
    if line:
        check("python-docx: paragraphs and table rows in order", line["text"] == expected, repr(line["text"]))
        check(
            "python-docx: the page break is in the page map (code points)",
            line["meta"].get("page_starts") == [0, expected.index("Halaman dua")],
            line["meta"],
        )
        check("python-docx: title and author", (line["meta"].get("title"), line["meta"].get("byline"))
              == ("Rilis Kremlin", "Tim Redaksi"), line["meta"])


PARAGRAPHS = [
    "Kementerian Luar Negeri Rusia membantah laporan bahwa Moskow mengirim senjata ke Korea Utara. "
    "Juru bicara Kremlin, Dmitry Peskov, menyebut laporan itu “tidak berdasar” dan meminta wartawan "
    "menunggu pernyataan resmi dari kementerian pertahanan.",
    "Dilansir BBC, para pejabat Amerika mengatakan bahwa pertukaran hadiah antara kedua pemimpin "
    "menyimbolkan kesepakatan yang lebih luas, termasuk kerja sama teknologi satelit.",
    "Laporan lengkap akan diterbitkan pekan depan, kata seorang diplomat yang tidak mau disebut namanya.",
]


def footer(c, _doc):
    c.setFont("Vera", 8)
    c.drawString(280, 30, f"Halaman {c.getPageNumber()}")


def pdf(dir):
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    style = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=13, alignment=TA_JUSTIFY, spaceAfter=8)
    heading = ParagraphStyle("h", fontName="Vera", fontSize=16, leading=20, spaceAfter=10)
    story = [Paragraph("Bantahan Kremlin", heading)]
    story += [Paragraph(p, style) for p in PARAGRAPHS[:2]]
    story += [PageBreak(), Paragraph(PARAGRAPHS[2], style)]
    path = os.path.join(dir, "bantahan.pdf")
    SimpleDocTemplate(path, pagesize=A4, title="Bantahan Kremlin", author="Tim Redaksi").build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    line, err = opened(dir, "bantahan.pdf")
    expected = "\n".join(["Bantahan Kremlin"] + PARAGRAPHS)
    check("ReportLab: opened", line is not None, err)
    if line:
        check("ReportLab: justified paragraphs, no page footers", line["text"] == expected, repr(line["text"]))
        check(
            "ReportLab: the page map",
            line["meta"].get("page_starts") == [0, expected.index("Laporan lengkap")],
            line["meta"],
        )
        check("ReportLab: title", line["meta"].get("title") == "Bantahan Kremlin", line["meta"])


def refused(dir):
    scan = canvas.Canvas(os.path.join(dir, "pindaian.pdf"), pagesize=A4)
    scan.rect(72, 72, 400, 600, fill=1)  # a scanned page: pixels, no text
    scan.showPage()
    scan.save()
    locked = canvas.Canvas(os.path.join(dir, "terkunci.pdf"), pagesize=A4, encrypt="rahasia")
    locked.drawString(72, 700, "Rahasia negara")
    locked.showPage()
    locked.save()
    for name, message in [("pindaian.pdf", "no text in this PDF"), ("terkunci.pdf", "protected by a password")]:
        run = subprocess.run([SOROT, "init", name], cwd=dir, capture_output=True, text=True)
        written = os.path.exists(os.path.join(dir, name.replace(".pdf", ".sorot.ron")))
        check(
            f"ReportLab: {name} refused with its message, nothing written",
            run.returncode == 1 and message in run.stderr and name in run.stderr and not written,
            (run.returncode, run.stderr, written),
        )


with tempfile.TemporaryDirectory() as dir:
    word(dir)
    pdf(dir)
    refused(dir)

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
