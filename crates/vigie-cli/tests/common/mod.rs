//! What the command's test files share.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// A fresh, empty directory under the system's temporary directory, named
/// for the test file (`label`), that every user can read (a test may run
/// vigie as another user).
pub fn tempdir(label: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "vigie-{label}-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}
