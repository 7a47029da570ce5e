"""JUnit XML, as pytest's --junitxml writes it: one testsuite per learner and kata.

Every string goes through :func:`~torchkata.exporters.text.xml_escape`, pytest's own rule for the
characters XML 1.0 cannot hold, so one learner's ANSI colour, NUL or lone surrogate never makes
the class's file unreadable; ElementTree escapes the markup characters. The ``message``
attribute is the first line of the feedback, capped as pytest caps it.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from torchkata.batch import LearnerResult
from torchkata.exporters.text import xml_escape

MESSAGE_LIMIT = 500          # pytest's budget for the message attribute
TEXT_LIMIT = 64 * 1024       # one element's text


def render(learners: list[LearnerResult]) -> str:
    root = ET.Element("testsuites", name="torchkata")
    for learner in learners:
        who = xml_escape(learner.learner, 200)
        for result in learner.results:
            totals = result.totals
            suite = ET.SubElement(root, "testsuite", name=f"{who}/{xml_escape(result.kata, 200)}",
                                  tests=str(len(result.tests)), failures=str(totals.failed + totals.timeout),
                                  errors=str(totals.error), skipped=str(totals.skipped),
                                  time=f"{sum(t.duration for t in result.tests):.3f}")
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="integrity",
                          value=xml_escape(learner.integrity.get("status", "unknown"), 100))
            if learner.integrity.get("modified"):
                ET.SubElement(properties, "property", name="modified",
                              value=xml_escape(" ".join(learner.integrity["modified"]), TEXT_LIMIT))
            for test in result.tests:
                case = ET.SubElement(suite, "testcase", classname=f"{who}.{xml_escape(result.kata, 200)}",
                                     name=xml_escape(test.name, 500), time=f"{test.duration:.3f}")
                feedback = xml_escape(test.feedback, TEXT_LIMIT)
                first = xml_escape((test.feedback.splitlines() or [test.status])[0], MESSAGE_LIMIT)
                if test.status == "failed":
                    ET.SubElement(case, "failure", message=first).text = feedback
                elif test.status == "timeout":
                    ET.SubElement(case, "failure", message=first, type="timeout").text = feedback
                elif test.status == "error":
                    ET.SubElement(case, "error", message=first).text = feedback
                elif test.status == "skipped":
                    ET.SubElement(case, "skipped", message=first)
                if test.output:
                    ET.SubElement(case, "system-out").text = xml_escape(test.output, TEXT_LIMIT)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
