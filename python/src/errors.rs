//! vigie's Python exceptions: the four classes, and the core's error turned
//! into one of them with its facts as attributes.
//!
//! The classes are made at import with `type(name, bases, namespace)`
//! rather than `create_exception!`, for two reasons: `ScanIOError` has two
//! bases (`VigieError` and `OSError`, so that `except OSError` and
//! `e.errno` work), which the macro cannot give; and their `__module__` is
//! `vigie`, the package users import, so that tracebacks print
//! `vigie.ScanIOError`, not `vigie._vigie.ScanIOError`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// The classes, made once per process.
struct Classes {
    base: Py<PyType>,
    policy: Py<PyType>,
    rules: Py<PyType>,
    io: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// The facts every vigie exception carries. They are class attributes set
/// to None, so that an exception raised without them (by a caller, or for
/// an unknown scope) still has every attribute.
const FACTS: [&str; 7] = ["kind", "origin", "path", "line", "column", "rule", "detail"];

const BASE_DOC: &str = "Base class of vigie's errors.

Attributes (None when they do not apply or are not known): kind
(\"policy\", \"rule-pack\" or \"io\"), origin (where the bad text came
from: a path or a name such as \"<policy string>\"; for an I/O error, the
file), path (the file, for an I/O error), line and column (from 1, where a
parser knows them), rule (the rule at fault in a rule pack) and detail
(what is wrong, without origin and position).";

fn classes(py: Python<'_>) -> PyResult<&'static Classes> {
    CLASSES.get_or_try_init(py, || {
        let make = |name: &str, doc: &str, bases: Bound<'_, PyTuple>, facts: bool| {
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "vigie")?;
            namespace.set_item("__doc__", doc)?;
            if facts {
                for fact in FACTS {
                    namespace.set_item(fact, py.None())?;
                }
            }
            if name == "ScanIOError" {
                // OSError's __str__ prints "[Errno 2] ...: 'path'" once errno
                // is set; the message is vigie's, as for the other classes.
                let base_str = py
                    .get_type::<pyo3::exceptions::PyBaseException>()
                    .getattr("__str__")?;
                namespace.set_item("__str__", base_str)?;
            }
            let class = py
                .get_type::<PyType>()
                .call1((name, bases, namespace))?
                .cast_into::<PyType>()?;
            PyResult::Ok(class.unbind())
        };
        let exception = py.get_type::<pyo3::exceptions::PyException>();
        let os_error = py.get_type::<pyo3::exceptions::PyOSError>();
        let base = make("VigieError", BASE_DOC, PyTuple::new(py, [exception])?, true)?;
        let under_base = || PyTuple::new(py, [base.bind(py)]);
        let policy = make(
            "PolicyError",
            "A policy is not valid.",
            under_base()?,
            false,
        )?;
        let rules = make(
            "RulesError",
            "A rule pack is not valid.",
            under_base()?,
            false,
        )?;
        let io = make(
            "ScanIOError",
            "A file or stream could not be read. Also an OSError: errno, strerror \
             and filename are set when the operating system gave the error.",
            PyTuple::new(py, [base.bind(py).as_any(), os_error.as_any()])?,
            false,
        )?;
        Ok(Classes {
            base,
            policy,
            rules,
            io,
        })
    })
}

/// Adds the classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let classes = classes(py)?;
    module.add("VigieError", classes.base.bind(py))?;
    module.add("PolicyError", classes.policy.bind(py))?;
    module.add("RulesError", classes.rules.bind(py))?;
    module.add("ScanIOError", classes.io.bind(py))?;
    Ok(())
}

/// The core's error as the matching Python exception, its facts set as
/// attributes.
pub fn to_py(py: Python<'_>, error: vigie::Error) -> PyErr {
    build(py, &error).unwrap_or_else(|failure| failure)
}

fn build(py: Python<'_>, error: &vigie::Error) -> PyResult<PyErr> {
    let classes = classes(py)?;
    let (class, kind) = match error.kind() {
        vigie::ErrorKind::Policy => (&classes.policy, "policy"),
        vigie::ErrorKind::RulePack => (&classes.rules, "rule-pack"),
        vigie::ErrorKind::Io => (&classes.io, "io"),
        // A kind added to the core after this binding: still a VigieError.
        _ => (&classes.base, "other"),
    };
    let exception = class.bind(py).call1((error.to_string(),))?;
    exception.setattr("kind", kind)?;
    exception.setattr("origin", error.origin())?;
    let path = error.path().map(|path| path.as_os_str());
    exception.setattr("path", path)?;
    let position = error.position();
    exception.setattr("line", position.map(|p| p.line))?;
    exception.setattr("column", position.map(|p| p.column))?;
    exception.setattr("rule", error.rule())?;
    exception.setattr("detail", error.detail())?;
    if let Some(io) = error.io_error() {
        // What OSError's own constructor would set from (errno, strerror,
        // filename); the message stays vigie's.
        let errno = io.raw_os_error();
        let strerror = match errno {
            Some(code) => py
                .import("os")?
                .call_method1("strerror", (code,))?
                .extract::<String>()?,
            None => io.to_string(),
        };
        exception.setattr("errno", errno)?;
        exception.setattr("strerror", strerror)?;
        exception.setattr("filename", path)?;
    }
    Ok(PyErr::from_value(exception))
}
