"""JUnit XML that every parser reads: hostile learner text, parsed with ElementTree and lxml (strict),
validated against Jenkins' JUnit schema (tests/fixtures/junit/junit-10.xsd), escaped as pytest's own
junitxml escapes."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _pytest.junitxml import bin_xml_escape

from tests.hostile import HOSTILE, HOSTILE_IDS, hostile_learner
from tests.test_exporters import make_class
from torchkata.exporters import export
from torchkata.exporters.text import xml_escape

etree = pytest.importorskip("lxml.etree")
XSD = Path(__file__).parent / "fixtures" / "junit" / "junit-10.xsd"


def hostile_class():
    learners, _ = make_class()
    return learners + [hostile_learner(learner) for learner in HOSTILE_IDS]


@pytest.fixture(scope="module")
def xml_text() -> str:
    return export(hostile_class(), "junit")


def test_the_export_is_well_formed_for_elementtree_and_lxml(xml_text):
    ET.fromstring(xml_text)
    etree.fromstring(xml_text.encode("utf-8"), etree.XMLParser(recover=False, huge_tree=True))


def test_the_export_is_valid_against_jenkins_junit_schema(xml_text):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(xml_text.encode("utf-8"), etree.XMLParser(huge_tree=True))
    assert schema.validate(document), schema.error_log


def test_the_schema_check_can_fail():
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert not schema.validate(etree.fromstring(b'<testsuites><testsuite name="x"/></testsuites>'))


@pytest.mark.parametrize("text", HOSTILE + HOSTILE_IDS)
def test_illegal_characters_are_escaped_as_pytest_escapes_them(text):
    assert xml_escape(text) == bin_xml_escape(text)


def test_learner_text_survives_as_text(xml_text):
    root = ET.fromstring(xml_text)
    texts = [element.text or "" for element in root.iter()] + \
        [value for element in root.iter() for value in element.attrib.values()]
    joined = "\n".join(texts)
    # Learner text was cleaned where it arrived (torchkata.text: controls gone, words kept); a learner id,
    # the instructor's folder name, is escaped as pytest's junitxml escapes it.
    assert "[31mred[0m and" in joined and "a NUL byte, a bell, a backspace" in joined and "\x1b" not in joined
    assert "a#x1B[31mb#xD800" in joined
    assert "]]> ends a CDATA section" in joined and "<script>alert(1)</script>" in joined
    assert any(name.startswith("::error::learner/") for name in (s.get("name") for s in root.iter("testsuite")))


def test_counts_agree_with_the_cases(xml_text):
    for suite in ET.fromstring(xml_text).iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for case in cases if case.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for case in cases if case.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for case in cases if case.find("skipped") is not None)
        for case in cases:
            for verdict in ("failure", "error", "skipped"):
                found = case.find(verdict)
                if found is not None:
                    assert len(found.get("message")) <= 500
