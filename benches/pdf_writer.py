"""Typesets plan texts as PDFs, the way a government office's word processor would: A4, 12pt,
a running header (the plan's title), a footer "— N —", an embedded CJK font subset, long lines
wrapped by the typesetter. Used by the PDF benchmark (benches/pdf.rs) to make a PDF corpus from
the scale generator's plans.

  python3 benches/pdf_writer.py IN_DIR OUT_DIR     every IN_DIR/*.txt to OUT_DIR/*.pdf

Needs reportlab (pip install reportlab) and fonts-wqy-microhei.
"""
import pathlib
import sys
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
rl_config.invariant = 1
pdfmetrics.registerFont(TTFont("WQY", FONT_FILE, subfontIndex=0))
W, H = A4
PARA = ParagraphStyle("p", fontName="WQY", fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
HEAD = ParagraphStyle("h", fontName="WQY", fontSize=14, leading=24, alignment=1, wordWrap="CJK")


def write(src: pathlib.Path, dst: pathlib.Path) -> None:
    lines = [l.strip() for l in src.read_text(encoding="utf-8").splitlines()]
    title = next((l for l in lines if l), src.stem)[:40]

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont("WQY", 9)
        canvas.drawCentredString(W / 2, H - 1.5 * cm, title)
        canvas.drawCentredString(W / 2, 1.2 * cm, f"— {doc.page} —")
        canvas.restoreState()

    doc = BaseDocTemplate(str(dst), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                          topMargin=2.5 * cm, bottomMargin=2.5 * cm)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=furniture)])
    story = []
    for l in lines:
        if not l:
            continue
        heading = l.startswith("第") and ("章" in l[:6] or "节" in l[:6])
        text = escape(l.replace("\t", "    "))
        story.append(Paragraph(text, HEAD if heading else PARA))
    doc.build(story)


def main() -> None:
    src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.glob("*.txt")):
        write(f, dst / (f.stem + ".pdf"))


if __name__ == "__main__":
    main()
