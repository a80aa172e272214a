"""The article's language: a declaration checked against the text, detection when there is none."""

from __future__ import annotations

from crawler.extract.language import MIN_OVERRULE_CHARS, page_language

ENGLISH = (
    "The council approved the new bridge on Tuesday after a debate that lasted well into the "
    "night, with residents from both banks of the river filling the public gallery. "
) * 3
SPANISH = (
    "El ayuntamiento aprobó el nuevo puente el martes después de un debate que duró hasta bien "
    "entrada la noche, con vecinos de ambas orillas del río llenando la tribuna del público. "
) * 3
DANISH = (
    "Byrådet godkendte den nye bro i tirsdags efter en debat, der varede langt ud på natten, "
    "og beboere fra begge sider af åen fyldte tilhørerpladserne for at høre den. "
) * 3


def test_no_declaration_the_text_decides() -> None:
    assert page_language(None, SPANISH) == "es"
    assert page_language(None, ENGLISH) == "en"


def test_too_little_text_to_tell() -> None:
    assert page_language(None, "Short.") is None
    assert page_language("es", ENGLISH[: MIN_OVERRULE_CHARS - 1]) == "es"


def test_a_template_declaration_is_overruled_by_a_long_text() -> None:
    assert len(SPANISH) >= MIN_OVERRULE_CHARS
    assert page_language("en", SPANISH) == "es"
    assert page_language("es", SPANISH) == "es"


def test_a_close_neighbour_does_not_overrule_the_declaration() -> None:
    assert page_language("no", DANISH) == "no"
    assert page_language(None, DANISH) == "da"


def test_a_declared_code_the_detector_does_not_know_stands() -> None:
    assert page_language("nb", ENGLISH) == "nb"
