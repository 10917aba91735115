"""Text a user types is data: HTML, CSS and template syntax print literally, and nothing is fetched."""
from __future__ import annotations

import copy
import re

import pytest

from iepkit import api
from iepkit.render.pdf import html_to_pdf
from iepkit.testing import normalise, pdf_text

HOSTILE = [
    "<script>alert('x')</script>",
    "{{ 7*7 }} {% raw %}",
    "</style><b>bold</b>",
    "**not bold** _not em_ [link](http://127.0.0.1/)",
    '<img src="http://127.0.0.1:9/track.png">',
    "& &amp; &lt;tag&gt;",
]


def _text_fields(data, path=""):
    """Every free-text field of the example case, as (container, key) pairs."""
    skip = {"date_of_birth", "date", "phone", "email", "zip", "state", "homeless", "type", "issue_types", "answers"}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in skip:
                continue
            if isinstance(value, str):
                yield data, key
            else:
                yield from _text_fields(value)
    elif isinstance(data, list):
        for item in data:
            yield from _text_fields(item)


@pytest.fixture(scope="module")
def hostile_case():
    import yaml

    with open("examples/mississippi-case.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data = copy.deepcopy(data)
    fields = list(_text_fields(data))
    assert len(fields) >= 15, "the example case should exercise many text fields"
    for i, (container, key) in enumerate(fields):
        container[key] = f"F{i} " + HOSTILE[i % len(HOSTILE)]
    return api.parse_case(data, "hostile.yaml"), len(fields)


def _unescape_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("kind", ["mediation-request", "state-complaint", "due-process-complaint"])
def test_hostile_strings_print_literally(hostile_case, kind):
    case, _ = hostile_case
    txt = normalise(api.render_letter(kind, case=case, fmt="txt"))
    md = normalise(_unescape_md(api.render_letter(kind, case=case, fmt="md")))
    html = api.render_letter(kind, case=case, fmt="html")
    pdf = pdf_text(api.render_letter(kind, case=case, fmt="pdf"))
    printed = 0
    for hostile in HOSTILE:
        if hostile.replace("<", "") not in txt.replace("<", "") and hostile not in txt:
            continue  # this letter does not print the field that holds it
        printed += 1
        assert hostile in txt
        assert hostile in md
        assert hostile in pdf
    assert printed >= 3
    # In HTML every tag a user typed is escaped: no live script, img or style break-out.
    assert "<script>" not in html and "<img" not in html and "</style><b>" not in html
    assert "&lt;script&gt;" in html
    assert "49" not in re.sub(r"\d{3}-\d{4}|\d{5}", "", txt)  # {{ 7*7 }} was never evaluated


def _png(path):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00\x00\x00\x00"  # one row: filter byte + one RGB pixel
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def test_pdf_renderer_fetches_nothing(tmp_path):
    png = _png(tmp_path / "pixel.png")
    image = tmp_path / "pixel.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                     '<rect width="10" height="10"/></svg>', encoding="utf-8")
    page = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head><body>'
            f'<p>Hello</p><img src="{image.as_uri()}"><img src="{png.as_uri()}"><img src="http://127.0.0.1:9/t.png">'
            f'<p style="background: url({image.as_uri()})">x</p></body></html>')
    pdf = html_to_pdf(page)
    assert b"/Image" not in pdf and b"/XObject" not in pdf.replace(b"/XObject <<>>", b"")
    assert "Hello" in pdf_text(pdf)


def test_hostile_strings_in_the_kit_print_literally(hostile_case):
    case, _ = hostile_case
    html = api.kit_html(case=case, answers={"school_willing_to_talk": True, "relationship": "working",
                                            "bad_faith_evidence": False, "want_formal_finding": False})
    assert "<script>" not in html and "<img" not in html and "</style><b>" not in html
    from iepkit.testing import parent_prose
    # The worksheet is filled from dispute fields, which hold hostile text.
    text = parent_prose(html)
    assert sum(h in text for h in HOSTILE) >= 3, "typed text must come out exactly as typed"
    assert "{{ 7*7 }}" in html  # template syntax typed by a user is printed, never evaluated


def _text_paths(data, path=""):
    """Every free-text field of the example case as (container, key, field path)."""
    skip = {"date_of_birth", "date", "phone", "email", "zip", "state", "homeless", "type", "issue_types", "answers"}
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else key
            if key in skip:
                continue
            if isinstance(value, str):
                yield data, key, where
            else:
                yield from _text_paths(value, where)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _text_paths(item, f"{path}[{i}]")


@pytest.mark.parametrize("control", ["\x00", "\x1b[2J", "\x07", "\r", "\x7f", "\x85"])
def test_control_characters_are_refused_in_every_text_field(example_data, control):
    # No family means a NUL byte in a name, and an escape sequence would drive the terminal or
    # printer an error or a letter is shown on (#7 point 9). Each field is named; the value is not shown.
    data = copy.deepcopy(example_data)
    targets = list(_text_paths(data))
    assert len(targets) >= 20
    for container, key, _ in targets:
        container[key] = "Jordan" + control + "Rivers"
    with pytest.raises(api.InputError) as info:
        api.parse_case(data, "case.yaml")
    message = str(info.value)
    for _, _, where in targets:
        assert f"{where}: holds " in message and "invisible control character" in message, where
    assert control not in message and "Jordan" not in message
    assert f"has {len(targets)} problems" in message


def test_newlines_and_tabs_are_fine_in_long_text_but_not_in_a_name(example_data):
    data = copy.deepcopy(example_data)
    data["dispute"]["summary"] = "First line.\n\tAn indented second line."
    assert api.parse_case(data, "case.yaml").get("dispute.summary").endswith("\tAn indented second line.")
    data["student"]["name"] = "Jordan\tRivers"
    with pytest.raises(api.InputError) as info:
        api.parse_case(data, "case.yaml")
    assert "student.name: holds a tab or an invisible control character" in str(info.value)


def test_a_nul_byte_written_as_an_escape_in_yaml_is_refused(tmp_path, cli):
    path = tmp_path / "case.yaml"
    path.write_text('state: MS\nstudent:\n  name: "Jordan\\0Rivers"\n', encoding="utf-8")
    result = cli("letter", "mediation-request", "--case", str(path), "--blanks", "--format", "txt")
    assert result.returncode == 2
    assert "student.name: holds a tab or an invisible control character (such as a NUL byte)" in result.stderr
    assert "Jordan" not in result.stderr and result.stdout == ""


def test_an_unknown_key_with_control_characters_is_shown_escaped(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["nick\x1b[31mname"] = "J"
    with pytest.raises(api.InputError) as info:
        api.parse_case(data, "case.yaml")
    assert "student.nick\\x1b[31mname: is not a known field" in str(info.value)
    assert "\x1b" not in str(info.value)
