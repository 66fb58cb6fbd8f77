"""Exceptions say what went wrong as attributes, not only as a sentence,
print as `vigie.X`, and an unreadable file is an OSError like any other."""

import errno
import pickle
import traceback

import pytest

import vigie


def test_a_missing_file_is_an_os_error_with_its_errno(tmp_path):
    missing = tmp_path / "missing.pdf"
    with pytest.raises(OSError) as caught:
        vigie.Scanner().scan_file(missing)
    error = caught.value
    assert isinstance(error, vigie.ScanIOError) and isinstance(error, vigie.VigieError)
    assert error.errno == errno.ENOENT
    assert error.strerror == "No such file or directory"
    assert error.filename == str(missing)
    assert error.kind == "io"
    assert error.path == str(missing) and error.origin == str(missing)
    assert error.line is None and error.column is None and error.rule is None
    assert str(error).startswith(f"cannot read {missing}: ")


def test_a_directory_is_an_os_error_too(tmp_path):
    with pytest.raises(vigie.ScanIOError) as caught:
        vigie.Scanner().scan_file(tmp_path)
    assert caught.value.errno == errno.EISDIR


def test_a_policy_that_cannot_be_read_is_an_os_error(tmp_path):
    with pytest.raises(OSError) as caught:
        vigie.Scanner(policy=tmp_path)
    assert isinstance(caught.value, vigie.ScanIOError)
    assert caught.value.errno == errno.EISDIR and caught.value.filename == str(tmp_path)


def test_policy_errors_give_line_and_column():
    with pytest.raises(vigie.PolicyError) as caught:
        vigie.Scanner(policy="ceiling = 1\nmin_confidence = \n")
    error = caught.value
    assert error.kind == "policy"
    assert error.origin == "<policy string>"
    assert (error.line, error.column) == (2, 18)
    assert error.path is None and error.rule is None
    assert error.detail and "line" not in error.detail
    assert not isinstance(error, OSError)


def test_policy_errors_from_a_dict_name_it():
    with pytest.raises(vigie.PolicyError) as caught:
        vigie.Scanner(policy={"ceiling": 9})
    assert caught.value.origin == "<policy dict>"
    assert "between 0 and 5" in caught.value.detail


def test_rule_pack_errors_name_the_rule_and_place(tmp_path):
    pack = tmp_path / "acme.toml"
    pack.write_text('pack = "acme"\n[[rule]]\nid = "acme.x"\nname = "n"\nlevel = 9\nforms = [{ text = "A" }]\n')
    with pytest.raises(vigie.RulesError) as caught:
        vigie.Scanner(rules=pack)
    error = caught.value
    assert error.kind == "rule-pack"
    assert error.origin == str(pack) and error.path is None
    assert error.rule == "acme.x"
    assert error.detail == "level must be between 0 and 5"
    with pytest.raises(vigie.RulesError) as caught:
        vigie.Scanner(rules='pack = "acme"\n[[rule]\n')
    assert caught.value.line == 2 and caught.value.column is not None


def test_an_unknown_scope_has_the_attributes_too():
    with pytest.raises(vigie.PolicyError) as caught:
        vigie.Scanner().scan_text("x", scope="nowhere")
    assert caught.value.kind == "policy"
    assert caught.value.line is None and caught.value.path is None


def test_exceptions_print_as_vigie_names(tmp_path):
    for name in ("VigieError", "PolicyError", "RulesError", "ScanIOError"):
        cls = getattr(vigie, name)
        assert cls.__module__ == "vigie" and cls.__qualname__ == name
        assert repr(cls) == f"<class 'vigie.{name}'>"
    try:
        vigie.Scanner().scan_file(tmp_path / "missing.pdf")
    except vigie.ScanIOError as error:
        last = traceback.format_exception_only(type(error), error)[-1]
        assert last.startswith("vigie.ScanIOError: cannot read ")
    assert repr(vigie.Report).startswith("<class 'vigie.")


def test_exceptions_survive_pickling():
    with pytest.raises(vigie.PolicyError) as caught:
        vigie.Scanner(policy="ceiling = ")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is vigie.PolicyError and str(again) == str(caught.value)
    assert (again.kind, again.line, again.column) == ("policy", 1, 11)


def test_callers_can_raise_them_bare():
    error = vigie.ScanIOError("gone")
    assert error.kind is None and error.path is None and error.errno is None
    assert str(error) == "gone"
