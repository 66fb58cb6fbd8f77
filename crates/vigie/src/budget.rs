//! The budget every extraction stage draws from: bytes inflated, archive
//! entries, nesting depth and wall-clock time. Nothing a file declares about
//! its own sizes is trusted; only what was really read is counted.

use std::time::{Duration, Instant};

use crate::policy::Limits;

/// What was spent so far on one scan.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    deadline: Instant,
    inflated: u64,
    entries: u64,
}

/// A limit that tripped, in words for the report's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded(pub String);

impl Budget {
    /// A fresh budget under `limits`; the clock starts now.
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            deadline: Instant::now() + Duration::from_millis(limits.max_milliseconds),
            inflated: 0,
            entries: 0,
        }
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Counts `bytes` more inflated (decompressed, decoded) bytes.
    pub fn inflate(&mut self, bytes: u64) -> Result<(), Exceeded> {
        self.inflated = self.inflated.saturating_add(bytes);
        if self.inflated > self.limits.max_inflated_bytes {
            return Err(Exceeded(format!(
                "more than {} bytes inflated in all; the rest was not read",
                self.limits.max_inflated_bytes
            )));
        }
        Ok(())
    }

    /// Bytes that may still be inflated.
    pub fn inflatable(&self) -> u64 {
        self.limits.max_inflated_bytes.saturating_sub(self.inflated)
    }

    /// Counts one more archive entry.
    pub fn entry(&mut self) -> Result<(), Exceeded> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(Exceeded(format!(
                "more than {} archive entries; the rest were not read",
                self.limits.max_entries
            )));
        }
        Ok(())
    }

    /// Fails once the scan's time is up.
    pub fn time(&self) -> Result<(), Exceeded> {
        if Instant::now() > self.deadline {
            return Err(Exceeded(format!(
                "scan took longer than {} ms; the rest was not read",
                self.limits.max_milliseconds
            )));
        }
        Ok(())
    }

    /// Fails when a container at `depth` (1 for the input itself) is too
    /// deep.
    pub fn depth(&self, depth: u32) -> Result<(), Exceeded> {
        if depth > self.limits.max_depth {
            return Err(Exceeded(format!(
                "containers nested deeper than {}; the inner ones were not read",
                self.limits.max_depth
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_trips_with_a_message() {
        let limits = Limits {
            max_inflated_bytes: 10,
            max_entries: 2,
            max_depth: 2,
            max_milliseconds: 1,
            ..Limits::default()
        };
        let mut budget = Budget::new(limits);
        assert!(budget.inflate(10).is_ok());
        assert!(budget.inflate(1).unwrap_err().0.contains("10 bytes"));
        assert!(budget.entry().is_ok() && budget.entry().is_ok());
        assert!(budget.entry().is_err());
        assert!(budget.depth(2).is_ok() && budget.depth(3).is_err());
        std::thread::sleep(Duration::from_millis(5));
        assert!(budget.time().unwrap_err().0.contains("1 ms"));
    }
}
