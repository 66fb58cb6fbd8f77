//! A global allocator that counts the live bytes of the Rust heap and
//! refuses any allocation that would take them past [`LIMIT_BYTES`].
//!
//! Refusing makes Rust's allocation-error handler print "memory allocation
//! of N bytes failed" and abort, which libFuzzer records as a crash with
//! the input that caused it. This is the memory bound of the `-s none` build
//! used in CI: without a sanitizer runtime libFuzzer's own
//! `-malloc_limit_mb` has no malloc hooks and sees nothing, and its
//! `-rss_limit_mb` only samples the process's peak RSS once a second. The
//! count covers every Rust allocation (the scan, the target's own buffers,
//! the scanner built once) and none of libFuzzer's (its corpus, its
//! coverage tables), so it measures what the product promises: the heap a
//! scan of one crafted input needs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Most live heap bytes allowed: the product's promise of a peak under
/// 256 MB for any crafted input.
pub const LIMIT_BYTES: usize = 256 << 20;

/// The counting allocator; install it in a target with
/// `#[global_allocator] static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;`.
pub struct Capped;

/// Live bytes now.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Room past [`LIMIT_BYTES`] for small allocations only: the
/// allocation-error handler needs a little memory to print its message and
/// the backtrace after a refusal. A scan that creeps up in small steps is
/// refused here instead, 16 MiB later.
const SLACK_BYTES: usize = 16 << 20;

/// Largest allocation the slack serves.
const SMALL_BYTES: usize = 64 << 10;

/// Takes `size` more bytes from the count, or says no if that would pass
/// the limit (see [`SLACK_BYTES`]).
fn reserve(size: usize) -> bool {
    let before = LIVE.fetch_add(size, Ordering::Relaxed);
    let after = before.saturating_add(size);
    let allowed =
        after <= LIMIT_BYTES || (size <= SMALL_BYTES && after <= LIMIT_BYTES + SLACK_BYTES);
    if !allowed {
        LIVE.fetch_sub(size, Ordering::Relaxed);
    }
    allowed
}

// SAFETY: every method forwards to `System` with the caller's layout; the
// count only decides whether to forward, and a refusal is a null pointer,
// which `GlobalAlloc` allows.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract is passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if ptr.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: as in `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if ptr.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: as in `alloc`; `ptr` and `layout` are the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            if new_size > old {
                LIVE.fetch_sub(new_size - old, Ordering::Relaxed);
            }
        } else if new_size < old {
            LIVE.fetch_sub(old - new_size, Ordering::Relaxed);
        }
        new
    }
}
