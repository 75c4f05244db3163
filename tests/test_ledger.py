"""The ledger holds every printed output of the lecture, and its comparisons can fail."""

import re
from pathlib import Path

import numpy as np
import pytest

from nncourse.repro import ledger

def test_ledger_covers_every_printed_block_of_the_lecture(lecture_ledger, lecture_text):
    # Every printed NumPy array in the lecture is an entry's printed text, and no entry invents one.
    printed_arrays = re.findall(r"^```\n(array\(.*?\))\n```", lecture_text, flags=re.S | re.M)
    ledger_arrays = [e.printed for e in lecture_ledger if e.format == "numpy"]
    assert sorted(ledger.normalise(a) for a in printed_arrays) == sorted(ledger.normalise(a) for a in ledger_arrays)
    # Every R expression printed on a slide has an entry.
    for expression in ("and_pred", "and_pred_binary", "summary(xor_lm_fit)", "xor_lm_pred", "summary(xor_glm_fit)", "xor_glm_pred"):
        assert any(e.expression == expression and e.language == "r" for e in lecture_ledger), expression


LISTING = re.compile(r"^\d+ [A-Za-z_][\w.]* *(<-|\()")  # a numbered line of a code listing: "1 x <- ..."


def r_output_after(lines: list[str], expression: str) -> str:
    """What the lecture prints after the listing whose numbered line is ``expression``: its
    fenced blocks and the lines between them (R's headings and tables), up to the next
    listing or the lecture's prose (a bullet, or a title: no colon, no digit, no table bar)."""
    numbered = next(line for line in lines if re.fullmatch(rf"\d+ {re.escape(expression)}", line))
    out, fenced = [], False
    for i in range(lines.index(numbered) + 2, len(lines)):  # past the listing's closing fence
        line = lines[i]
        if line.strip() == "```":
            fenced = not fenced
            if fenced and i + 1 < len(lines) and LISTING.match(lines[i + 1]):
                break
            continue
        prose = line.startswith("- ") or not (":" in line or line.startswith("|") or re.search(r"\d", line))
        if not fenced and line.strip() and prose:
            break
        out.append(line)
    return "\n".join(out)


def test_each_r_entry_is_the_lectures_printed_text(lecture_ledger, lecture_text):
    # issue 20: the six R entries held to the lecture's own text, as the NumPy arrays are
    lines = lecture_text.splitlines()
    r_entries = [e for e in lecture_ledger if e.language == "r"]
    assert len(r_entries) == 6
    for entry in r_entries:
        printed = r_output_after(lines, entry.expression)
        assert ledger.normalise(printed, entry.rules) == ledger.normalise(entry.printed, entry.rules), entry.id
        assert [n.text for n in ledger.parse_r(printed, entry.rules)] == [n.text for n in entry.numbers], entry.id


def test_ledger_numbers_are_the_lectures_hundred(lecture_ledger):
    assert sum(len(e.numbers) for e in lecture_ledger) == 96
    assert len(lecture_ledger["xor_lm_summary"].numbers) == 24
    assert len(lecture_ledger["xor_glm_summary"].numbers) == 19
    zeros = [n.text for e in lecture_ledger for n in e.numbers if n.zero]
    assert zeros == ["1.11e-16", "0.00e+00", "3.698e-32", "1.849e-32", "-4.441e-16", "4.441e-16", "8.882e-16"]


def test_every_entry_names_its_slide_and_code(lecture_ledger, lecture_text):
    for entry in lecture_ledger:
        for slide in entry.slide.split("; "):
            assert slide in lecture_text, (entry.id, slide)


def test_every_erratum_names_an_existing_test(lecture_ledger):
    root = Path(__file__).resolve().parents[1]
    assert len(lecture_ledger.errata) == 5
    for erratum in lecture_ledger.errata:
        path, name = erratum.test.split("::")
        assert f"def {name}(" in (root / path).read_text(), erratum.test


def test_parse_numpy_reads_precision_from_printoptions():
    numbers = ledger.parse_numpy("array([ 1.470222 , -2.02156959e-03, 0.  ])")
    assert [n.value for n in numbers] == [1.470222, -2.02156959e-03, 0.0]
    assert [n.decimals for n in numbers] == [8, 11, 8]


def test_parse_r_skips_named_vector_names_but_keeps_numbers_in_prose():
    numbers = ledger.parse_r("   1    2    3 \n-0.5 0.5 2e-3\nResidual standard error: 1 on 12 degrees of freedom")
    assert [n.text for n in numbers] == ["-0.5", "0.5", "2e-3", "1", "12"]
    assert [n.decimals for n in numbers] == [1, 1, 3, 0, 0]


def test_altered_value_differs_and_noise_is_numerically_zero(lecture_ledger):
    entry = lecture_ledger["ols_betas"]
    assert [c.status for c in ledger.check_numbers(entry, [1.470222, -2.02156959])] == ["equal", "equal"]
    assert [c.status for c in ledger.check_numbers(entry, [1.4702221, -2.02156959])] == ["differs", "equal"]
    summary = lecture_ledger["xor_lm_summary"]
    values = summary.values.copy()
    values[8] = -2.2e-16  # another noise for X1's estimate: still numerically zero
    checks = ledger.check_numbers(summary, values)
    assert checks[8].status == "zero" and all(c.ok for c in checks)
    values[8] = 1e-3
    assert ledger.check_numbers(summary, values)[8].status == "differs"


def test_check_numbers_names_a_count_mismatch(lecture_ledger):
    with pytest.raises(ValueError, match=r"actual: expected 2 values for entry ols_betas, got 3"):
        ledger.check_numbers(lecture_ledger["ols_betas"], [1, 2, 3])


def test_markdown_and_pvalue_rules_turn_r_text_into_the_lectures(lecture_ledger):
    r_text = """
Coefficients:
            Estimate Std. Error t value Pr(>|t|)
(Intercept) 5.00e-01   8.66e-01   0.577    0.667
"""
    lecture_text = """
Coefficients:

| | Estimate | Std. Error | t value | Pr(> t) |
|-------------|----------|------------|---------|----------|
| (Intercept) | 5.00e-01 | 8.66e-01 | 0.577 | 0.667 |
"""
    rules = ledger.rules_for("r")
    assert ledger.normalise(r_text, rules) == ledger.normalise(lecture_text, rules)
    assert ledger.normalise(r_text) != ledger.normalise(lecture_text)  # each rule is needed


def test_deviance_residuals_rule_applies_only_before_r_4_3(lecture_ledger):
    assert "r-deviance-residuals" in ledger.rules_for("r", (4, 2))
    assert "r-deviance-residuals" not in ledger.rules_for("r", (4, 3))
    assert ledger.rules_for("python", (4, 2)) == ()
    old_r = """Call:
glm(formula = Y ~ X1)

Deviance Residuals: 
     1       2       3       4  
-1.177   1.177   1.177  -1.177  

Coefficients:
"""
    assert ledger.normalise(old_r, ledger.rules_for("r", (4, 2))) == "Call: glm(formula = Y ~ X1) Coefficients:"
    assert "Deviance Residuals" in ledger.normalise(old_r, ledger.rules_for("r", (4, 3)))


def test_band_places_printed_values_among_runs(lecture_ledger):
    entry = lecture_ledger["sgd_betas"]
    runs = np.column_stack([np.linspace(1.40, 1.50, 101), np.linspace(-2.05, -1.95, 101)])
    first, second = ledger.check_band(entry, runs)
    assert first.inside and first.percentile == pytest.approx(63.0, abs=1.0)
    far = ledger.check_band(entry, runs + 1.0)
    assert not far[0].inside and far[0].percentile == 0.0


def test_ledger_rejects_a_zero_mark_that_names_no_printed_token(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[meta]\nnumpy_precision = 8\nzero_tolerance = 1e-10\n'
        '[[entry]]\nid = "x"\nslide = "s"\nlanguage = "r"\nexpression = "x"\ncode = "x"\n'
        'format = "r"\nkind = "deterministic"\nzero = ["1e-99"]\nprinted = "1 2"\n'
    )
    with pytest.raises(ValueError, match=r"entry x: zero names tokens not printed: \['1e-99'\]"):
        ledger.load(bad)
