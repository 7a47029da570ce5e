"""JUnit XML, as pytest's --junitxml writes it: one testsuite per learner and kata."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from torchkata.batch import LearnerResult


def render(learners: list[LearnerResult]) -> str:
    root = ET.Element("testsuites", name="torchkata")
    for learner in learners:
        for result in learner.results:
            totals = result.totals
            suite = ET.SubElement(root, "testsuite", name=f"{learner.learner}/{result.kata}",
                                  tests=str(len(result.tests)), failures=str(totals.failed + totals.timeout),
                                  errors=str(totals.error), skipped=str(totals.skipped),
                                  time=f"{sum(t.duration for t in result.tests):.3f}")
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="integrity", value=learner.integrity.get("status", "unknown"))
            if learner.integrity.get("modified"):
                ET.SubElement(properties, "property", name="modified", value=" ".join(learner.integrity["modified"]))
            for test in result.tests:
                case = ET.SubElement(suite, "testcase", classname=f"{learner.learner}.{result.kata}",
                                     name=test.name, time=f"{test.duration:.3f}")
                first = test.feedback.splitlines()[0] if test.feedback else test.status
                if test.status == "failed":
                    ET.SubElement(case, "failure", message=first).text = test.feedback
                elif test.status == "timeout":
                    ET.SubElement(case, "failure", message=first, type="timeout").text = test.feedback
                elif test.status == "error":
                    ET.SubElement(case, "error", message=first).text = test.feedback
                elif test.status == "skipped":
                    ET.SubElement(case, "skipped", message=first)
                if test.output:
                    ET.SubElement(case, "system-out").text = test.output
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
