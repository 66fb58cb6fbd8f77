//! The budget every extraction stage draws from: bytes inflated, archive
//! entries, nesting depth, units of parsing work and wall-clock time.
//! Nothing a file declares about its own sizes is trusted; only what was
//! really read is counted.
//!
//! Extractors call [`Budget::step`] inside their loops (one step per drawing
//! operator, tag, XML event, control word, entry), so a crafted file is
//! stopped while it is being parsed, not after; the clock is read every
//! [`CLOCK_EVERY`] steps, so the time limit holds inside a loop too.

use std::time::{Duration, Instant};

/// Resource limits of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest text scanned; past it the rest is not read and the report is
    /// `partial` with a `limit` problem.
    pub max_text_bytes: usize,
    /// Most findings reported for one input; past it the scan stops and the
    /// report is `partial` with a `limit` problem.
    pub max_findings: usize,
    /// Largest input accepted at all (bytes); a larger one is `unscannable`.
    pub max_input_bytes: u64,
    /// Bytes that extraction may produce in all, archives and compressed
    /// streams included.
    pub max_inflated_bytes: u64,
    /// Bytes one archive entry or stream may inflate to.
    pub max_entry_bytes: u64,
    /// Largest ratio of inflated to compressed size an archive entry may
    /// have.
    pub max_inflation_ratio: u64,
    /// Archive entries read in all.
    pub max_entries: u64,
    /// How deep containers may nest (a zip in a zip is depth 2).
    pub max_depth: u32,
    /// Wall-clock time one scan may take, in milliseconds.
    pub max_milliseconds: u64,
    /// Units of parsing work one scan may do: a PDF drawing operator, a
    /// markup tag, an XML event, an RTF control word, an archive entry.
    /// Unlike the time limit it does not depend on the machine's speed, so
    /// a crafted file is stopped at the same place everywhere.
    pub max_steps: u64,
    /// Largest image, in pixels (width × height), that OCR may decode; a
    /// larger one is a `limit` problem, not read.
    pub max_image_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 64 << 20,
            max_findings: 10_000,
            max_input_bytes: 256 << 20,
            max_inflated_bytes: 512 << 20,
            max_entry_bytes: 128 << 20,
            max_inflation_ratio: 200,
            max_entries: 10_000,
            max_depth: 5,
            max_milliseconds: 30_000,
            max_steps: 20_000_000,
            max_image_pixels: 50_000_000,
        }
    }
}

/// What was spent so far on one scan.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    deadline: Instant,
    inflated: u64,
    entries: u64,
    steps: u64,
    next_clock: u64,
}

/// How many steps go by between two looks at the clock.
pub const CLOCK_EVERY: u64 = 4096;

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
            steps: 0,
            next_clock: CLOCK_EVERY,
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

    /// Counts `units` more of parsing work, and fails once the scan has done
    /// more than `max_steps` or its time is up.
    pub fn step(&mut self, units: u64) -> Result<(), Exceeded> {
        self.steps = self.steps.saturating_add(units);
        if self.steps > self.limits.max_steps {
            return Err(Exceeded(format!(
                "more than {} steps of parsing work (a file built to be slow to read?); the rest was not read",
                self.limits.max_steps
            )));
        }
        if self.steps >= self.next_clock {
            self.next_clock = self.steps.saturating_add(CLOCK_EVERY);
            self.time()?;
        }
        Ok(())
    }

    /// The units of parsing work done so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// When the scan's time is up.
    pub fn deadline(&self) -> Instant {
        self.deadline
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
            max_steps: 5,
            ..Limits::default()
        };
        let mut budget = Budget::new(limits);
        assert!(budget.inflate(10).is_ok());
        assert!(budget.inflate(1).unwrap_err().0.contains("10 bytes"));
        assert!(budget.entry().is_ok() && budget.entry().is_ok());
        assert!(budget.entry().is_err());
        assert!(budget.depth(2).is_ok() && budget.depth(3).is_err());
        assert!(budget.step(5).is_ok());
        assert!(budget.step(1).unwrap_err().0.contains("5 steps"));
        std::thread::sleep(Duration::from_millis(5));
        assert!(budget.time().unwrap_err().0.contains("1 ms"));
    }

    #[test]
    fn steps_look_at_the_clock() {
        let limits = Limits {
            max_milliseconds: 1,
            ..Limits::default()
        };
        let mut budget = Budget::new(limits);
        std::thread::sleep(Duration::from_millis(5));
        // Within a loop, the clock is read every CLOCK_EVERY steps.
        let tripped = (0..=CLOCK_EVERY).find_map(|_| budget.step(1).err());
        assert!(tripped.is_some_and(|e| e.0.contains("1 ms")));
    }
}
