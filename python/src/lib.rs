//! The `vigie._vigie` extension module: a thin layer over the `vigie` crate.
//! It converts types and errors and releases the GIL for every scan; it holds
//! no scanning logic.

mod dicts;
mod errors;
mod inputs;

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use errors::to_py;
use vigie::{ScanInput, ScanOptions};

/// What `policy=` or `rules=` was given as: a file, or the text itself.
fn read_source(value: &Bound<'_, PyAny>, what: &str) -> PyResult<(String, String)> {
    let path: Option<PathBuf> = if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        let candidate = PathBuf::from(&text);
        // A short string naming an existing file is a path; anything else
        // is TOML text.
        (text.len() < 4096 && !text.contains('\n') && candidate.is_file()).then_some(candidate)
    } else {
        Some(value.extract::<PathBuf>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must be a path, a TOML string or a dict, not {}",
                value.get_type()
            ))
        })?)
    };
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|source| {
                to_py(
                    value.py(),
                    vigie::Error::Io {
                        path: path.clone(),
                        source,
                    },
                )
            })?;
            Ok((path.display().to_string(), text))
        }
        None => Ok((format!("<{what} string>"), value.extract()?)),
    }
}

/// A compiled scanner: built once, shared by every thread (scans release the
/// GIL and run in parallel).
#[pyclass(module = "vigie._vigie", subclass, frozen)]
struct Scanner {
    inner: vigie::Scanner,
}

/// One input of `scan_many`, held by its Python object (see
/// [`inputs`] for when that avoids a copy).
enum Item {
    Text(PyBackedStr),
    Bytes(PyBackedBytes),
}

#[pymethods]
impl Scanner {
    /// Scanner(policy=None, rules=None)
    ///
    /// `policy`: a path to a TOML policy file, a TOML string, or a dict with
    /// the same keys; the default policy (ceiling 1) when None. `rules`: a
    /// custom rule pack (path or TOML string), or a list of them.
    #[new]
    #[pyo3(signature = (policy=None, rules=None))]
    fn new(
        py: Python<'_>,
        policy: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut builder = vigie::Scanner::builder();
        if let Some(policy) = policy.filter(|p| !p.is_none()) {
            let parsed = if let Ok(dict) = policy.cast::<PyDict>() {
                let json = py.import("json")?.call_method1("dumps", (dict,))?;
                vigie::Policy::from_json(&json.extract::<String>()?, "<policy dict>")
            } else {
                let (origin, text) = read_source(policy, "policy")?;
                vigie::Policy::from_toml(&text, &origin)
            };
            builder = builder.policy(parsed.map_err(|e| to_py(py, e))?);
        }
        if let Some(rules) = rules.filter(|r| !r.is_none()) {
            let packs: Vec<Bound<'_, PyAny>> = if let Ok(list) = rules.cast::<PyList>() {
                list.iter().collect()
            } else {
                vec![rules.clone()]
            };
            for pack in packs {
                let (origin, text) = read_source(&pack, "rules")?;
                builder = builder.rule_pack(origin, text);
            }
        }
        let scanner = py.detach(|| builder.build()).map_err(|e| to_py(py, e))?;
        Ok(Scanner { inner: scanner })
    }

    /// Scans a message. `scope` names a scope of the policy (a room) whose
    /// settings apply. Returns a Report.
    ///
    /// Raises PolicyError when the policy has no such scope.
    #[pyo3(signature = (text, scope=None))]
    fn scan_text(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        scope: Option<&str>,
    ) -> PyResult<Report> {
        let report = py.detach(|| self.scan(ScanInput::Text(&text), scope));
        report.map(Report::from).map_err(|error| to_py(py, error))
    }

    /// Scans an attachment given as bytes (or a bytearray, a memoryview,
    /// any object with the buffer protocol: its raw bytes); its format comes
    /// from its content. `filename` names it in locations only; `scope` as
    /// for scan_text. Raises TypeError for a str.
    #[pyo3(signature = (data, filename=None, scope=None))]
    fn scan_bytes(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        filename: Option<&str>,
        scope: Option<&str>,
    ) -> PyResult<Report> {
        let data = inputs::attachment(data, "data")?;
        let report = py.detach(|| {
            let bytes = ScanInput::Bytes {
                bytes: &data,
                name: filename,
            };
            self.scan(bytes, scope)
        });
        report.map(Report::from).map_err(|error| to_py(py, error))
    }

    /// Reads and scans a file. Raises ScanIOError when it cannot be read,
    /// PolicyError when the policy has no such scope.
    #[pyo3(signature = (path, scope=None))]
    fn scan_file(&self, py: Python<'_>, path: PathBuf, scope: Option<&str>) -> PyResult<Report> {
        py.detach(|| self.scan(ScanInput::Path(&path), scope))
            .map(Report::from)
            .map_err(|error| to_py(py, error))
    }

    /// Reads a binary stream (an open file, `sys.stdin.buffer`,
    /// `io.BytesIO`: anything whose `read(n)` returns bytes) as the `vigie`
    /// command reads standard input, within the policy's limits (a stream
    /// past `max_input_bytes` is not read to its end), and scans what it
    /// gives as scan_bytes would. `filename` names it in locations only;
    /// `scope` as for scan_text. Raises ScanIOError when reading fails, or
    /// the exception the stream's `read` raised.
    #[pyo3(signature = (stream, filename=None, scope=None))]
    fn scan_stream(
        &self,
        py: Python<'_>,
        stream: Py<PyAny>,
        filename: Option<&str>,
        scope: Option<&str>,
    ) -> PyResult<Report> {
        let mut reader = inputs::Stream::new(stream);
        let scanned = py.detach(|| {
            let input = ScanInput::Reader {
                reader: &mut reader,
                name: filename,
            };
            self.scan(input, scope)
        });
        if let Some(failure) = reader.failure() {
            return Err(failure);
        }
        scanned.map(Report::from).map_err(|error| to_py(py, error))
    }

    /// The names of the scopes the policy defines.
    fn scopes(&self) -> Vec<String> {
        self.inner.policy().scopes().map(str::to_string).collect()
    }

    /// Scans an iterable of messages (str) and attachments (bytes,
    /// bytearray, memoryview) in parallel on Rust threads, and returns their
    /// reports in order. A single str or bytes is refused with TypeError:
    /// iterating it would scan each character or byte on its own. `scope`
    /// as for scan_text, for every item.
    #[pyo3(signature = (items, scope=None))]
    fn scan_many(
        &self,
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        scope: Option<&str>,
    ) -> PyResult<Vec<Report>> {
        // The scope's policy, worked out once for every item (an unknown
        // scope is refused before anything is read).
        let policy = scope
            .map(|scope| self.inner.policy().scope(scope))
            .transpose()
            .map_err(|error| to_py(py, error))?;
        if items.is_instance_of::<PyString>()
            || items.is_instance_of::<PyBytes>()
            || items.is_instance_of::<PyByteArray>()
            || items.is_instance(&py.import("builtins")?.getattr("memoryview")?)?
        {
            return Err(PyTypeError::new_err(format!(
                "scan_many takes an iterable of messages and attachments, not a single {}: \
                 use scan_text or scan_bytes, or pass a list",
                items.get_type()
            )));
        }
        let mut items_read = Vec::new();
        for item in items.try_iter()? {
            let item = item?;
            if item.is_instance_of::<PyString>() {
                items_read.push(Item::Text(item.extract()?));
            } else {
                let bytes = inputs::attachment(&item, "scan_many's items").map_err(|_| {
                    PyTypeError::new_err(format!(
                        "scan_many takes str (messages) and bytes, bytearray or memoryview \
                         (attachments), not {}",
                        item.get_type()
                    ))
                })?;
                items_read.push(Item::Bytes(bytes));
            }
        }
        let reports = py
            .detach(|| scan_in_parallel(&self.inner, policy.as_ref(), &items_read))
            .map_err(|error| to_py(py, error))?;
        Ok(reports.into_iter().map(Report::from).collect())
    }

    /// The rules, as dicts with id, name, kind, level and forms (the
    /// forms as the pack writes them; none for data rules).
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let set = self.inner.rules();
        let mut forms: Vec<Vec<&str>> = vec![Vec::new(); set.rules().len()];
        for form in set.forms() {
            if let Some(list) = forms.get_mut(form.rule) {
                list.push(&form.text);
            }
        }
        set.rules()
            .iter()
            .zip(forms)
            .map(|(rule, forms)| {
                let dict = PyDict::new(py);
                dict.set_item("id", &rule.id)?;
                dict.set_item("name", &rule.name)?;
                dict.set_item("kind", rule.kind.to_string())?;
                dict.set_item("level", rule.level)?;
                dict.set_item("forms", forms)?;
                Ok(dict)
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<vigie.Scanner: {} rules, ceiling {}>",
            self.inner.rules().rules().len(),
            self.inner.policy().ceiling
        )
    }
}

impl Scanner {
    /// Scans through the core's one entry, under `scope` if one is named: a
    /// scope the policy does not define is refused (a PolicyError), never
    /// silently the default policy.
    fn scan(
        &self,
        input: ScanInput<'_>,
        scope: Option<&str>,
    ) -> Result<vigie::Report, vigie::Error> {
        let options = match scope {
            Some(scope) => ScanOptions::new().scope(scope),
            None => ScanOptions::new(),
        };
        self.inner.scan(input, &options)
    }
}

/// Scans `inputs` on rayon's pool (one thread per core, kept between calls
/// so that each thread's scratch buffers stay warm), keeping their order,
/// under `policy` (a scope's, worked out once) or the scanner's own.
fn scan_in_parallel(
    scanner: &vigie::Scanner,
    policy: Option<&vigie::Policy>,
    inputs: &[Item],
) -> Result<Vec<vigie::Report>, vigie::Error> {
    use rayon::prelude::*;
    let policy = policy.unwrap_or(scanner.policy());
    inputs
        .par_iter()
        .with_min_len(16)
        .map(|item| {
            let input = match item {
                Item::Text(text) => ScanInput::Text(text),
                Item::Bytes(bytes) => ScanInput::Bytes { bytes, name: None },
            };
            scanner.scan(input, &ScanOptions::new().policy(policy))
        })
        .collect()
}

/// The result of scanning one input.
#[pyclass(module = "vigie", frozen)]
struct Report {
    inner: vigie::Report,
}

impl From<vigie::Report> for Report {
    fn from(inner: vigie::Report) -> Self {
        Report { inner }
    }
}

#[pymethods]
impl Report {
    /// "allow", "warn" or "block".
    #[getter]
    fn verdict(&self) -> String {
        self.inner.verdict.to_string()
    }

    /// "complete", "partial" or "unscannable".
    #[getter]
    fn status(&self) -> String {
        self.inner.status.to_string()
    }

    /// The input's name, if one was given.
    #[getter]
    fn source(&self) -> Option<String> {
        self.inner.source.clone()
    }

    /// What was found, in document order.
    #[getter]
    fn findings(&self) -> Vec<Finding> {
        self.inner
            .findings
            .iter()
            .cloned()
            .map(|inner| Finding { inner })
            .collect()
    }

    /// What could not be read: dicts with `code` and `message`.
    #[getter]
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        dicts::problems(py, &self.inner.problems)
    }

    /// The report as a dict: what `json.loads(report.to_json())` gives.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dicts::report(py, &self.inner)
    }

    /// The report as one line of JSON (the report contract), as the
    /// `vigie` command writes it with `--format json`.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// A copy of the report naming its input `source` (a path, `-` for
    /// standard input), as the `vigie` command names what it scanned.
    fn with_source(&self, source: String) -> Report {
        Report::from(self.inner.clone().with_source(source))
    }

    fn __repr__(&self) -> String {
        format!(
            "<vigie.Report verdict={} status={} findings={} problems={}>",
            self.inner.verdict,
            self.inner.status,
            self.inner.findings.len(),
            self.inner.problems.len()
        )
    }
}

/// One thing a rule found.
#[pyclass(module = "vigie", frozen)]
struct Finding {
    inner: vigie::Finding,
}

#[pymethods]
impl Finding {
    /// Rule id, such as "fr.diffusion-restreinte".
    #[getter]
    fn rule(&self) -> String {
        self.inner.rule.clone()
    }

    /// "marking", "pii", "secret" or "custom".
    #[getter]
    fn kind(&self) -> String {
        self.inner.kind.to_string()
    }

    /// Level 0 to 5, or None for caveats and data.
    #[getter]
    fn level(&self) -> Option<u8> {
        self.inner.level
    }

    /// "low", "medium" or "high".
    #[getter]
    fn confidence(&self) -> String {
        self.inner.confidence.to_string()
    }

    /// Why it has that confidence.
    #[getter]
    fn reason(&self) -> String {
        self.inner.reason.clone()
    }

    /// Where it is: a dict with part, start, end and, when known, page,
    /// path and pixels (the keys of the JSON report).
    #[getter]
    fn location<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dicts::location(py, &self.inner.location)
    }

    /// The text found, masked for personal data and secrets.
    #[getter]
    fn excerpt(&self) -> String {
        self.inner.excerpt.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "<vigie.Finding {} {} {:?}>",
            self.inner.rule, self.inner.confidence, self.inner.excerpt
        )
    }
}

#[pymodule]
fn _vigie(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scanner>()?;
    m.add_class::<Report>()?;
    m.add_class::<Finding>()?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
