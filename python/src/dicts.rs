//! Reports, locations and problems as Python dicts, built from the Rust
//! values with the keys, spellings and omitted keys of the JSON report
//! contract (`Report::to_json`), in the same order.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// An enum as the JSON contract spells it. Serde is where that spelling is
/// written (`ocr-unavailable`, `hidden`), so the dicts cannot drift from
/// the JSON; a unit variant always serialises to a string.
fn spelling(value: serde_json::Result<serde_json::Value>) -> String {
    match value {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(error) => error.to_string(),
    }
}

/// The report as `json.loads(report.to_json())` would give it.
pub fn report<'py>(py: Python<'py>, report: &vigie::Report) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    if let Some(source) = &report.source {
        dict.set_item(intern!(py, "source"), source)?;
    }
    dict.set_item(
        intern!(py, "verdict"),
        spelling(serde_json::to_value(report.verdict)),
    )?;
    dict.set_item(
        intern!(py, "status"),
        spelling(serde_json::to_value(report.status)),
    )?;
    let findings = PyList::empty(py);
    for one in &report.findings {
        findings.append(finding(py, one)?)?;
    }
    dict.set_item(intern!(py, "findings"), findings)?;
    dict.set_item(intern!(py, "problems"), problems(py, &report.problems)?)?;
    Ok(dict)
}

/// One finding, as in a report's `findings`.
pub fn finding<'py>(py: Python<'py>, finding: &vigie::Finding) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "rule"), &finding.rule)?;
    dict.set_item(
        intern!(py, "kind"),
        spelling(serde_json::to_value(finding.kind)),
    )?;
    dict.set_item(intern!(py, "level"), finding.level)?;
    dict.set_item(
        intern!(py, "confidence"),
        spelling(serde_json::to_value(finding.confidence)),
    )?;
    dict.set_item(intern!(py, "reason"), &finding.reason)?;
    dict.set_item(intern!(py, "location"), location(py, &finding.location)?)?;
    dict.set_item(intern!(py, "excerpt"), &finding.excerpt)?;
    Ok(dict)
}

/// A location: `page`, `path` and `pixels` only when known, as in JSON.
pub fn location<'py>(py: Python<'py>, location: &vigie::Location) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    if let Some(page) = location.page {
        dict.set_item(intern!(py, "page"), page)?;
    }
    dict.set_item(
        intern!(py, "part"),
        spelling(serde_json::to_value(location.part)),
    )?;
    if !location.path.is_empty() {
        dict.set_item(intern!(py, "path"), &location.path)?;
    }
    dict.set_item(intern!(py, "start"), location.start)?;
    dict.set_item(intern!(py, "end"), location.end)?;
    if let Some(pixels) = location.pixels {
        let area = PyDict::new(py);
        area.set_item(intern!(py, "x"), pixels.x)?;
        area.set_item(intern!(py, "y"), pixels.y)?;
        area.set_item(intern!(py, "width"), pixels.width)?;
        area.set_item(intern!(py, "height"), pixels.height)?;
        dict.set_item(intern!(py, "pixels"), area)?;
    }
    Ok(dict)
}

/// The problems, as dicts with `code` and `message`.
pub fn problems<'py>(py: Python<'py>, problems: &[vigie::Problem]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for problem in problems {
        let dict = PyDict::new(py);
        dict.set_item(
            intern!(py, "code"),
            spelling(serde_json::to_value(problem.code)),
        )?;
        dict.set_item(intern!(py, "message"), &problem.message)?;
        list.append(dict)?;
    }
    Ok(list)
}
