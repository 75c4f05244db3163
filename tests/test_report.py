"""The report's statuses are right on cases built to fail, its pages hold every row and
figure, its JSON validates against the schema in the repo, its exit status follows."""

import html
import json
import re
import subprocess
import sys

import jsonschema
import pytest

from nncourse.repro import ledger
from nncourse.repro import report

RUNS = 20  # enough runs for every row to have a band; the bands' claims are tested elsewhere


@pytest.fixture(scope="module")
def built():
    return report.build(runs=RUNS, errata_sizes=(10**3, 10**4))


def altered_ledger(tmp_path, entry_id, printed):
    """The ledger with one entry's printed text replaced."""
    text = ledger.LEDGER_PATH.read_text()
    book = ledger.load()
    old = book[entry_id].printed
    assert text.count(old) == 1
    path = tmp_path / "altered.toml"
    path.write_text(text.replace(old, printed))
    return ledger.load(path)


def test_every_entry_has_a_row_and_the_lecture_reproduces_here(built):
    assert [r.entry.id for r in built.rows] == [e.id for e in ledger.load()]
    by_id = {r.entry.id: r for r in built.rows}
    assert by_id["ols_betas"].status == "as-printed" and by_id["gd_betas"].status == "as-printed"
    assert built.exit_status == 0
    assert all(r.status in ("in-band", "out-of-band") for r in built.rows if r.entry.kind == "stochastic")


@pytest.mark.r
def test_r_rows_compare_r_and_python(r, built):
    by_id = {row.entry.id: row for row in built.rows}
    assert by_id["xor_glm_summary"].r["rpy2"].status == "as-printed"
    assert by_id["xor_glm_summary"].python.status == "at-precision"  # fit_logistic's numbers
    assert by_id["xor_lm_summary"].python is None  # no Python twin of summary.lm
    assert by_id["ols_betas"].r["rpy2"].status == "at-precision"  # the R port
    assert built.environment["r"].startswith("R version")


def test_an_altered_entry_differs_and_fails_the_gate(tmp_path):
    book = altered_ledger(tmp_path, "ols_betas", "array([ 1.470223 , -2.02156959])")
    altered = report.build(runs=3, book=book, errata_sizes=(10**3,))
    row = next(r for r in altered.rows if r.entry.id == "ols_betas")
    assert row.status == "differs"
    assert row.python.detail == ["1.470223 -> 1.470221996 (off by -1e-06)"]
    assert altered.exit_status == 1


def test_a_stochastic_value_far_outside_is_flagged(tmp_path):
    book = altered_ledger(tmp_path, "sgd_betas", "array([ 5.0, -1.99624894])")
    altered = report.build(runs=5, book=book, errata_sizes=(10**3,))
    row = next(r for r in altered.rows if r.entry.id == "sgd_betas")
    assert row.status == "out-of-band"
    assert row.python.percentiles[0]["percentile"] == 100.0 and not row.python.percentiles[0]["inside"]
    assert "<-- outside" in row.python.detail[0]
    assert altered.exit_status == 0  # the gate is for deterministic entries


@pytest.mark.parametrize(
    ("rpy2", "webr", "expected"),
    [
        ("as-printed", "as-printed", "as-printed"),
        ("zero", "as-printed", "zero"),  # the worse of the two R engines
        ("as-printed", "differs", "differs"),
        ("not-run", "zero", "zero"),  # an R that did not run says nothing
        ("not-run", "not-run", "not-run"),
    ],
)
def test_an_r_entry_takes_the_worst_status_of_the_r_engines_that_ran(rpy2, webr, expected):
    entry = ledger.load()["xor_glm_summary"]
    row = report.Row(entry, None, {"rpy2": report.Side(rpy2), "webr": report.Side(webr)})
    assert row.status == expected


def test_a_python_entry_differs_when_an_r_port_differs():
    entry = ledger.load()["ols_betas"]
    row = report.Row(entry, report.Side("at-precision"), {"rpy2": report.Side("at-precision"), "webr": report.Side("differs")})
    assert row.status == "differs"


def test_noise_printed_differently_is_numerically_zero():
    entry = ledger.load()["xor_glm_summary"]
    other_machine = entry.printed.replace("-4.441e-16", "-2.220e-16").replace("| X1 | 4.441e-16", "| X1 | 0.000e+00")
    side = report.judge_printed(entry, other_machine, entry.rules, 1e-10)
    assert side.status == "zero"
    assert "-4.441e-16 is numerically zero here, printed as -2.220e-16" in side.detail
    assert "8.882e-16 is numerically zero here" in side.detail  # the same noise


def test_r_output_with_a_wrong_number_differs():
    entry = ledger.load()["xor_glm_summary"]
    side = report.judge_printed(entry, entry.printed.replace("AIC: 11.545", "AIC: 11.546"), entry.rules, 1e-10)
    assert side.status == "differs" and side.detail[0] == "11.545 -> 11.546 (off by 0.001)"


def test_json_validates_against_the_schema_and_matches_the_rows(built):
    document = json.loads(json.dumps(report.as_json(built)))
    schema = json.loads(report.SCHEMA_PATH.read_text())
    jsonschema.validate(document, schema)
    assert [row["id"] for row in document["rows"]] == [r.entry.id for r in built.rows]
    assert document["exit_status"] == 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "exit_status": 2}, schema)


def test_html_has_every_row_errata_and_figure(built):
    page = report.as_html(built)
    for row in built.rows:
        assert f'<tr id="{row.entry.id}">' in page
    for evidence in built.evidence:
        assert html.escape(evidence.erratum.title) in page
    figures = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(figures) == len(report.STUDIES)
    assert all(len(f) > 10_000 for f in figures)
    assert not re.search(r'(?:src|href)="https?:', page)  # opens offline


def test_errata_evidence_is_measured(built):
    evidence = {e.erratum.id: e for e in built.evidence}
    assert set(evidence) == {e.id for e in ledger.load().errata}
    assert "z at (1, 0) = 0.14 + (-0.14) = 0.0" in evidence["and-boundary"].measured[0]
    assert len(evidence["sgd-draw-costs-n"].measured) == 3  # header and two sizes


def test_cli_exit_status_follows_the_gate(tmp_path):
    out = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "nncourse.cli", "report", "--runs", "3", "--format", "json", "--output", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["exit_status"] == 0
    bad = subprocess.run([sys.executable, "-m", "nncourse.cli", "report", "--runs", "1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--runs: expected at least 2 seeded runs, got 1" in bad.stderr


@pytest.mark.r
def test_each_r_entry_has_a_result_per_engine_named_with_its_r(r, webr, built):
    assert [e.name for e in built.engines] == ["rpy2", "webr"]
    engines = built.environment["r_engines"]
    assert engines["rpy2"]["label"].startswith("R 4.2") and engines["webr"]["label"] == "R 4.6.0 via webR 0.6.0"
    assert engines["webr"]["r"].startswith("R version 4.6.0") and engines["webr"]["available"] is True
    for row in built.rows:
        if row.entry.language == "r":
            assert set(row.r) == {"rpy2", "webr"} and all(side.status == "as-printed" for side in row.r.values())
    glm = next(row for row in built.rows if row.entry.id == "xor_glm_summary")
    # the R-version rule is applied to the R that needs it, and only there
    assert any(d.startswith("rule r-deviance-residuals") for d in glm.r["rpy2"].detail) == (r.version < (4, 3))
    assert not any(d.startswith("rule r-deviance-residuals") for d in glm.r["webr"].detail)
    assert "R 4.6.0 (webR) prints 6 of the lecture's 6 R outputs verbatim" in report.verbatim(built)
    text = report.as_text(built)
    assert "R 4.6.0 (webR)" in text and "R 4.2.2 (rpy2)" in text


@pytest.mark.r
def test_one_engine_may_be_chosen(r):
    only = report.build(runs=RUNS, errata_sizes=(10**3,), engines=["webr"])
    assert [e.name for e in only.engines] == ["webr"] and list(only.environment["r_engines"]) == ["webr"]
    assert all(set(row.r) <= {"webr"} for row in only.rows)
