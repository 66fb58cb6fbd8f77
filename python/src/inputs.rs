//! What a scan is given, taken from Python objects so that the scan can run
//! with the GIL released: bytes borrowed from their Python object without a
//! copy where that is safe, and file objects read in chunks.
//!
//! Text is taken as a `PyBackedStr`, which holds the `str` itself. Built for
//! the stable ABI of CPython 3.10 or later (or without the stable ABI), that
//! is the string's own cached UTF-8 form, no copy; the abi3 wheel for 3.9
//! and later can only ask Python for a UTF-8 copy (a `bytes`), made once
//! (it was made twice before: by Python, then into a `String`).

use std::io::Read;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyString};

/// The bytes of an attachment: `bytes`, or any object that exposes its
/// bytes through the buffer protocol (`bytearray`, `memoryview`, `array`,
/// `mmap`), read as its raw bytes in C order. `bytes` is immutable and is
/// scanned in place; anything else is copied once while the GIL is held, so
/// that a buffer written or resized by another thread cannot change under
/// the scan. A `str` is refused: text is scanned with `scan_text`.
pub fn attachment(value: &Bound<'_, PyAny>, what: &str) -> PyResult<PyBackedBytes> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(PyBackedBytes::from(bytes.clone()));
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(PyBackedBytes::from(array.clone()));
    }
    let refuse = || {
        PyTypeError::new_err(format!(
            "{what} must be bytes, bytearray or memoryview, not {}",
            value.get_type()
        ))
    };
    if value.is_instance_of::<PyString>() {
        return Err(refuse());
    }
    let view = value
        .py()
        .import("builtins")?
        .getattr("memoryview")?
        .call1((value,))
        .map_err(|_| refuse())?;
    let copy = view.call_method0("tobytes")?.cast_into::<PyBytes>()?;
    Ok(PyBackedBytes::from(copy))
}

/// A binary file object (`sys.stdin.buffer`, an open file, `io.BytesIO`)
/// read through its `read` method, taking the GIL for each chunk only, so
/// that the core reads it as it reads any stream: within the policy's
/// limits, and no further than it needs. A Python exception raised by
/// `read` is kept, to be raised as it is once the scan returns.
pub struct Stream {
    stream: Py<PyAny>,
    failure: Option<PyErr>,
}

impl Stream {
    /// Reads `stream`.
    pub fn new(stream: Py<PyAny>) -> Self {
        Stream {
            stream,
            failure: None,
        }
    }

    /// The exception `read` raised, if it did.
    pub fn failure(self) -> Option<PyErr> {
        self.failure
    }

    fn read_chunk(&self, buffer: &mut [u8]) -> PyResult<usize> {
        Python::attach(|py| {
            let chunk = self.stream.bind(py).call_method1("read", (buffer.len(),))?;
            if chunk.is_none() {
                // A non-blocking stream with nothing ready: not supported.
                return Err(PyTypeError::new_err(
                    "the stream returned None: a blocking binary stream is needed",
                ));
            }
            let chunk = chunk.cast_into::<PyBytes>().map_err(|_| {
                PyTypeError::new_err("the stream must be binary (its read() must return bytes)")
            })?;
            let bytes = chunk.as_bytes();
            // A read() that returns more than it was asked for is a broken
            // stream; the extra bytes are not made up for.
            let taken = bytes.len().min(buffer.len());
            buffer[..taken].copy_from_slice(&bytes[..taken]);
            Ok(taken)
        })
    }
}

impl Read for Stream {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.failure.is_some() || buffer.is_empty() {
            return Ok(0);
        }
        self.read_chunk(buffer).map_err(|error| {
            let message = Python::attach(|py| error.value(py).to_string());
            self.failure = Some(error);
            std::io::Error::other(message)
        })
    }
}
