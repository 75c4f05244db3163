"""R prints what the lecture printed: text modulo whitespace (after the named rules)
and every number at printed precision; noise values are numerically zero."""

import subprocess
from pathlib import Path

import pytest

from nncourse.repro import ledger
from nncourse.r import bridge as rbridge

pytestmark = pytest.mark.r

R_ENTRIES = [e.id for e in ledger.load() if e.language == "r"]


@pytest.mark.parametrize("entry_id", R_ENTRIES)
def test_r_prints_the_lecture_entry(r, r_lecture_chunks, lecture_ledger, entry_id):
    entry = lecture_ledger[entry_id]
    chunk = r_lecture_chunks[entry.expression]
    check = ledger.check_printed(entry, chunk.output, rules=ledger.rules_for("r", r.version))
    assert check.numbers is not None, f"R printed another layout:\n{chunk.output}"
    failures = [(c.printed.text, c.actual_text) for c in check.numbers if not c.ok]
    assert not failures
    assert check.same_text, f"lecture: {check.expected}\nR here:  {check.actual}"


def test_noise_values_print_the_lectures_noise_here(r, r_lecture_chunks, lecture_ledger):
    # The lecture's noise (1.11e-16, -4.441e-16, ...) comes from LINPACK's QR in lm/glm.
    # This machine's R prints the very same tokens: recorded by the report, asserted here.
    for entry_id in ("xor_lm_summary", "xor_glm_summary"):
        entry = lecture_ledger[entry_id]
        check = ledger.check_printed(entry, r_lecture_chunks[entry.expression].output, rules=ledger.rules_for("r", r.version))
        zeros = [c for c in check.numbers if c.printed.zero]
        assert zeros and all(c.status == "zero" and c.same_noise for c in zeros)


def test_deviance_residuals_block_follows_the_r_version(r, r_lecture_chunks):
    output = r_lecture_chunks["summary(xor_glm_fit)"].output
    assert ("Deviance Residuals:" in output) == (r.version < (4, 3))


def test_summary_glm_differs_from_the_lecture_without_the_rule(r, r_lecture_chunks, lecture_ledger):
    if r.version >= (4, 3):
        pytest.skip(f"R {r.version} prints no Deviance Residuals block: the rule is not needed here")
    entry = lecture_ledger["xor_glm_summary"]
    check = ledger.check_printed(entry, r_lecture_chunks[entry.expression].output, rules=ledger.rules_for("r", (4, 3)))
    assert not check.same_text and check.numbers is None  # 4 more numbers: the deviance residuals


@pytest.mark.parametrize("script", sorted(p.name for p in rbridge.RSRC.glob("*.R")))
def test_every_rsrc_file_runs_alone_with_rscript(r, script):
    result = subprocess.run(["Rscript", str(rbridge.RSRC / script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr


@pytest.mark.parametrize("script", rbridge.LECTURE_SCRIPTS)
def test_rscript_output_holds_every_entry_of_the_script_in_order(r, lecture_ledger, script):
    stdout = subprocess.run(["Rscript", str(rbridge.RSRC / script)], capture_output=True, text=True, check=True).stdout
    rules = ledger.rules_for("r", r.version)
    printed = ledger.normalise(stdout, rules)
    code = (rbridge.RSRC / script).read_text()
    entries = [e for e in lecture_ledger if e.language == "r" and e.code in code]
    assert entries
    position = 0
    for entry in entries:
        found = printed.find(ledger.normalise(entry.printed, entry.rules), position)
        assert found >= position, entry.id
        position = found
