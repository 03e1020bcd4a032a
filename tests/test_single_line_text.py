"""Names people type are one line: every control, line or paragraph separator character is refused (the check
has a fast path for printable text, which must never let one through)."""
import sys
import unicodedata

from aidcoord.common.validation import LINE_BREAKING, has_control_characters


def test_every_line_breaking_character_is_found_anywhere_in_a_name():
    breaking = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) in LINE_BREAKING]
    assert "\n" in breaking and "\u2028" in breaking and "\u2029" in breaking
    assert [c for c in breaking if not has_control_characters(f"Ani{c}Petrosyan")] == []


def test_names_in_any_script_and_format_characters_pass():
    for name in ("Ani Petrosyan", "Ани Петросян", "Անի Պետրոսյան", "می\u200cخواهم", "Zoë\u00a0O'Neil"):
        assert not has_control_characters(name)
